"""The `iamstore` command line: global options, `iam`, `sts`, `authz`, `account` and `signin`
commands, and the commands other packages contribute through the `iamstore.cli` entry-point
group."""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

import click

from iamstore.client import _operations as operations
from iamstore.client._transport import DEFAULT_ENDPOINT, DEFAULT_REGION
from iamstore.client.cli.audit import audit_group
from iamstore.client.cli.authz import authz_group
from iamstore.client.cli.iam import iam_group
from iamstore.client.cli.output import OutputFormat
from iamstore.client.cli.session import Session, pass_session, split_endpoints
from iamstore.client.cli.signin import signin_command
from iamstore.client.cli.sts import sts_group

ENTRY_POINT_GROUP = "iamstore.cli"


class RootGroup(click.Group):
    """Built-in commands plus contributed ones, loaded only when asked for.

    A contributed command whose package is missing or broken is left out rather than
    breaking the whole CLI (a client-only install has no `node`).
    """

    def _contributed(self) -> dict[str, EntryPoint]:
        found = entry_points(group=ENTRY_POINT_GROUP)
        return {entry.name: entry for entry in found if entry.name not in self.commands}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self._contributed()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        builtin = self.commands.get(cmd_name)
        if builtin is not None:
            return builtin
        entry = self._contributed().get(cmd_name)
        if entry is None:
            return None
        try:
            command = entry.load()
        except Exception:
            return None
        return command if isinstance(command, click.Command) else None


@click.group(cls=RootGroup, name="iamstore")
@click.option(
    "--endpoint",
    "endpoints",
    multiple=True,
    envvar="IAMSTORE_ENDPOINT",
    help=f"node host:port; repeat or comma-separate for failover [default: {DEFAULT_ENDPOINT}]",
)
@click.option(
    "--output",
    type=click.Choice([f.value for f in OutputFormat]),
    default=OutputFormat.JSON.value,
    show_default=True,
)
@click.option("--region", default=DEFAULT_REGION, show_default=True, help="signing region")
@click.option("--profile", default=None, help="profile in the shared credentials file")
@click.option("--credentials-file", default=None, help="shared credentials file to read")
@click.option(
    "--tls-ca",
    default=None,
    envvar="IAMSTORE_TLS_CA",
    type=click.Path(dir_okay=False, exists=True),
    help="CA certificate (PEM) to verify the nodes with over TLS [default: plaintext]",
)
@click.version_option(package_name="iamstore")
@click.pass_context
def cli(
    ctx: click.Context,
    endpoints: tuple[str, ...],
    output: str,
    region: str,
    profile: str | None,
    credentials_file: str | None,
    tls_ca: str | None,
) -> None:
    """iamstore: a self-hostable IAM service."""
    ctx.obj = Session(
        endpoints=split_endpoints(endpoints) or (DEFAULT_ENDPOINT,),
        output=OutputFormat(output),
        region=region,
        profile=profile,
        credentials_file=credentials_file,
        tls_ca=tls_ca,
    )


cli.add_command(iam_group)
cli.add_command(sts_group)
cli.add_command(authz_group)
cli.add_command(audit_group)
cli.add_command(signin_command)


@cli.group()
def account() -> None:
    """Accounts: each one an isolated IAM namespace with its own root."""


@account.command("create")
@click.option("--account-name", default=None)
@pass_session
def create_account(session: Session, account_name: str | None) -> None:
    """Creates an account and prints it with its root credentials (shown only this once)."""
    session.call(operations.CREATE_ACCOUNT, {"account_name": account_name})


@account.command("list")
@click.option("--marker", default=None)
@click.option("--max-items", type=int, default=None)
@pass_session
def list_accounts(session: Session, marker: str | None, max_items: int | None) -> None:
    """Lists the accounts."""
    session.call(operations.LIST_ACCOUNTS, {"marker": marker, "max_items": max_items})


def main() -> None:
    """The `iamstore` console script."""
    cli(prog_name="iamstore")
