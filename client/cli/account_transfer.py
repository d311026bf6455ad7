"""`iamstore import` and `iamstore export`: a real account's authorization details in and out,
in the format `aws iam get-account-authorization-details` prints (docs/import-export.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from iamstore.client._sync import Client
from iamstore.client.account_file import (
    AccountFileError,
    import_document,
    merged,
    read_documents,
)
from iamstore.client.cli.invocation import EXIT_USAGE, Invocation, fail, pass_invocation
from iamstore.client.cli.output import Json, decode_policy_documents, to_aws
from iamstore.client.cli.service_model import operation_spec
from iamstore.client.credentials import NoCredentialsError
from iamstore.client.errors import IamError
from iamstore.client.results import ImportAccountResponse

# Exit status when conflicting entities were skipped (the aws CLI's "some files skipped").
EXIT_CONFLICTS = 2
# Entities per GetAccountAuthorizationDetails page while exporting (AWS's largest MaxItems).
EXPORT_PAGE = 1000


def _account_of(client: Client, wanted: str | None) -> str:
    """The account the credentials belong to, which must be `wanted` when given."""
    own = client.get_caller_identity().account or ""
    if wanted is not None and wanted != own:
        fail(f"the credentials are account {own}'s, not {wanted}'s: use an admin of {wanted}")
    return own


def _summary(result: ImportAccountResponse, dry_run: bool) -> str:
    header = ("kind", "created", "unchanged", "conflicts", "replaced")
    rows = [header] + [
        (t.kind, str(t.created), str(t.unchanged), str(t.conflicts), str(t.replaced))
        for t in result.tallies
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    for conflict in result.conflicts:
        lines.append(f"conflict: {conflict.kind} `{conflict.name}`: {conflict.reason}")
    verb = "would write" if dry_run else "wrote"
    lines.append(f"{result.staged_entities} entities read; {verb} {result.commits} commits")
    return "\n".join(lines)


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--account", "account", default=None, help="the account to import into (the credentials' own)"
)
@click.option(
    "--replace", is_flag=True, help="overwrite conflicting entities instead of skipping them"
)
@click.option("--dry-run", is_flag=True, help="report what the import would do, write nothing")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="progress on standard error [default: on a terminal]",
)
@pass_invocation
def import_command(
    invocation: Invocation,
    files: tuple[Path, ...],
    account: str | None,
    replace: bool,
    dry_run: bool,
    progress: bool | None,
) -> None:
    """Recreates the account described by FILES (the JSON that `aws iam
    get-account-authorization-details` prints: one merged document, or each page) with its
    ids, ARNs and dates. Exits 2 when conflicting entities were skipped."""
    try:
        texts = [(str(path), path.read_text(encoding="utf-8")) for path in files]
        document = read_documents(texts)
    except (OSError, UnicodeDecodeError, AccountFileError) as error:
        click.echo(f"iamstore import: {error}", err=True)
        raise click.exceptions.Exit(EXIT_USAGE) from None
    show = sys.stderr.isatty() if progress is None else progress

    def report(sent: int, total: int) -> None:
        if show:
            click.echo(f"iamstore import: {sent}/{total} entities sent", err=True)

    try:
        with invocation.client() as client:
            account_id = _account_of(client, account)
            result = import_document(
                client, document, account_id, replace=replace, dry_run=dry_run, progress=report
            )
    except (IamError, NoCredentialsError) as error:
        fail(str(error))
    click.echo(_summary(result, dry_run))
    if any(t.conflicts for t in result.tallies):
        raise click.exceptions.Exit(EXIT_CONFLICTS)


def export_document(client: Client) -> dict[str, Json]:
    """The caller's account as `aws iam get-account-authorization-details --output json`
    prints it: every page fetched and merged, policy documents as objects."""
    spec = operation_spec("iam", "GetAccountAuthorizationDetails")
    paths = spec.policy_document_paths if spec is not None else ()
    pages: list[dict[str, Json]] = []
    marker: str | None = None
    while True:
        page = client.get_account_authorization_details(marker=marker, max_items=EXPORT_PAGE)
        data = decode_policy_documents(to_aws(page), paths)
        assert isinstance(data, dict)
        pages.append(data)
        if not page.is_truncated or not page.marker:
            return merged(pages)
        marker = page.marker


@click.command("export")
@click.option(
    "--account", "account", default=None, help="the account to export (the credentials' own)"
)
@click.option(
    "--output",
    "output_file",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="write to this file instead of standard output",
)
@pass_invocation
def export_command(invocation: Invocation, account: str | None, output_file: Path | None) -> None:
    """Prints the account in the format of `aws iam get-account-authorization-details
    --output json`, which `iamstore import` reads."""
    try:
        with invocation.client() as client:
            _account_of(client, account)
            text = json.dumps(export_document(client), indent=4, ensure_ascii=False) + "\n"
    except (IamError, NoCredentialsError) as error:
        fail(str(error))
    if output_file is None:
        click.echo(text, nl=False)
    else:
        output_file.write_text(text, encoding="utf-8")
