"""`iamstore authz check`: asks the node to decide one request and prints the decision.

Exit status: 0 when the decision is Allow, 1 for ExplicitDeny or ImplicitDeny, 255 when the
call itself fails (like every other command).
"""

from __future__ import annotations

import click

from iamstore.client.cli.invocation import Invocation, fail, pass_invocation
from iamstore.client.cli.output import to_aws
from iamstore.client.credentials import NoCredentialsError
from iamstore.client.errors import IamError
from iamstore.client.models import ContextEntry

EXIT_DENIED = 1


def parse_context(values: tuple[str, ...]) -> list[ContextEntry]:
    """`--context k=v` options; a key given several times becomes a multivalued key."""
    grouped: dict[str, list[str]] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected KEY=VALUE, got `{item}`", param_hint="--context")
        grouped.setdefault(key, []).append(value)
    return [
        ContextEntry(
            context_key_name=key,
            context_key_values=tuple(found),
            context_key_type="stringList" if len(found) > 1 else "string",
        )
        for key, found in grouped.items()
    ]


@click.group("authz")
def authz_group() -> None:
    """Authorization questions answered by the node."""


@authz_group.command("check")
@click.option("--principal", "principal_arn", default=None, help="the principal's ARN")
@click.option(
    "--access-key-id", default=None, help="the principal's access key id (instead of its ARN)"
)
@click.option(
    "--session-token",
    envvar="IAMSTORE_AUTHZ_SESSION_TOKEN",
    default=None,
    help="with an ASIA access key id: the session token its holder presented",
)
@click.option("--action", required=True, help="e.g. s3:GetObject")
@click.option("--resource", "resource_arn", required=True, help="the resource's ARN")
@click.option("--resource-account", default=None, help="the account owning the resource")
@click.option("--source-ip", default=None, help="aws:SourceIp of the request")
@click.option(
    "--context", "context", multiple=True, help="extra context key, KEY=VALUE (repeatable)"
)
@pass_invocation
def check(
    invocation: Invocation,
    principal_arn: str | None,
    access_key_id: str | None,
    session_token: str | None,
    action: str,
    resource_arn: str,
    resource_account: str | None,
    source_ip: str | None,
    context: tuple[str, ...],
) -> None:
    """Prints the decision and the statements that decided it; exits 0 for Allow, 1 for a
    deny. A role session is named by its credentials: --access-key-id ASIA... with
    --session-token (or IAMSTORE_AUTHZ_SESSION_TOKEN)."""
    if (principal_arn is None) == (access_key_id is None):
        raise click.UsageError("give exactly one of --principal and --access-key-id")
    entries = parse_context(context)
    try:
        with invocation.client() as client:
            result = client.authorize(
                principal_arn=principal_arn,
                access_key_id=access_key_id,
                session_token=session_token,
                action=action,
                resource_arn=resource_arn,
                resource_account=resource_account,
                source_ip=source_ip,
                context_entries=entries,
            )
    except (IamError, NoCredentialsError) as error:
        fail(str(error))
    invocation.print(to_aws(result), "Authorize")
    if not result.allowed:
        raise click.exceptions.Exit(EXIT_DENIED)
