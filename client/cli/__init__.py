"""The `iamstore` command line: global options, `iam`, `sts`, `authz`, `account`, `signin`,
`import` and `export` commands, and the commands other packages contribute through the
`iamstore.cli` entry-point group."""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

import click
from click.core import ParameterSource

from iamstore.client import _operations as operations
from iamstore.client._transport import DEFAULT_ENDPOINT, DEFAULT_REGION, TlsCa
from iamstore.client.cli.account_transfer import export_command, import_command
from iamstore.client.cli.audit import audit_group
from iamstore.client.cli.authz import authz_group
from iamstore.client.cli.global_options import hoist_global_options, parse_endpoint_url
from iamstore.client.cli.iam import iam_group
from iamstore.client.cli.invocation import (
    Invocation,
    compile_query,
    pass_invocation,
    split_endpoints,
    usage_error,
)
from iamstore.client.cli.output import OutputFormat
from iamstore.client.cli.signin import signin_command
from iamstore.client.cli.sts import sts_group

ENTRY_POINT_GROUP = "iamstore.cli"


# The built-in commands whose lines may carry the global options after the command, as the
# aws CLI's do; contributed commands (node, cluster, ...) parse their own lines.
CLIENT_COMMANDS = frozenset({"iam", "sts", "account", "authz", "audit", "signin"})


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

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value = {
            name: not (param.is_flag or param.count)
            for param in self.params
            if isinstance(param, click.Option) and not param.is_eager
            for name in (*param.opts, *param.secondary_opts)
        }
        hoisted = hoist_global_options(args, takes_value, CLIENT_COMMANDS)
        try:
            return super().parse_args(ctx, hoisted)
        except click.UsageError as error:
            raise usage_error(error.message, error.ctx) from None


def _query(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        compile_query(value)  # a syntax error is reported before anything is called
    return value


@click.group(cls=RootGroup, name="iamstore")
@click.option(
    "--endpoint",
    "endpoints",
    multiple=True,
    envvar="IAMSTORE_ENDPOINT",
    help=f"node host:port; repeat or comma-separate for failover [default: {DEFAULT_ENDPOINT}]",
)
@click.option(
    "--endpoint-url",
    default=None,
    help="the node's gRPC endpoint as a URL: http://host:port (plaintext) or https://host:port "
    "(TLS); overrides IAMSTORE_ENDPOINT",
)
@click.option(
    "--output",
    type=click.Choice([f.value for f in OutputFormat]),
    envvar="AWS_DEFAULT_OUTPUT",
    default=OutputFormat.JSON.value,
    show_default=True,
)
@click.option(
    "--query", default=None, callback=_query, help="JMESPath expression applied to the result"
)
@click.option(
    "--region",
    default=None,
    envvar=["AWS_REGION", "AWS_DEFAULT_REGION"],
    help="accepted like the aws CLI's; IAM and STS are global, so it changes nothing",
)
@click.option(
    "--signing-region",
    default=DEFAULT_REGION,
    envvar="IAMSTORE_SIGNING_REGION",
    show_default=True,
    help="the region requests are signed for: the node's --region",
)
@click.option("--profile", default=None, help="profile in the shared credentials file")
@click.option("--credentials-file", default=None, help="shared credentials file to read")
@click.option(
    "--tls-ca",
    "--ca-bundle",
    "tls_ca",
    default=None,
    envvar="IAMSTORE_TLS_CA",
    type=click.Path(dir_okay=False, exists=True),
    help="CA certificate (PEM) to verify the nodes with over TLS [default: plaintext]",
)
@click.option("--debug", is_flag=True, help="log each call to standard error (never secrets)")
@click.option("--no-paginate", is_flag=True, help="make one call, do not follow the pages")
@click.option("--no-cli-pager", is_flag=True, help="accepted like the aws CLI's; never pages")
@click.version_option(package_name="iamstore")
@click.pass_context
def cli(
    ctx: click.Context,
    endpoints: tuple[str, ...],
    endpoint_url: str | None,
    output: str,
    query: str | None,
    region: str | None,
    signing_region: str,
    profile: str | None,
    credentials_file: str | None,
    tls_ca: str | None,
    debug: bool,
    no_paginate: bool,
    no_cli_pager: bool,
) -> None:
    """iamstore: a self-hostable IAM service."""
    chosen = split_endpoints(endpoints) or (DEFAULT_ENDPOINT,)
    transport: TlsCa = tls_ca
    if endpoint_url is not None:
        if ctx.get_parameter_source("endpoints") is ParameterSource.COMMANDLINE:
            raise usage_error("give --endpoint or --endpoint-url, not both")
        try:
            url = parse_endpoint_url(endpoint_url)
        except ValueError as error:
            raise usage_error(str(error)) from None
        if not url.tls and tls_ca is not None:
            # Fails closed: a CA asks for TLS, the http:// URL for plaintext.
            raise usage_error(f"`{endpoint_url}` is plaintext http, but a TLS CA was given")
        chosen = (url.endpoint,)
        transport = (tls_ca or True) if url.tls else None
    ctx.obj = Invocation(
        endpoints=chosen,
        output=OutputFormat(output),
        signing_region=signing_region,
        profile=profile,
        credentials_file=credentials_file,
        tls_ca=transport,
        query=query,
        debug=debug,
        paginate=not no_paginate,
    )
    ctx.obj.log(
        f"endpoints {', '.join(chosen)}, TLS {'on' if transport else 'off'}, "
        f"signing region {signing_region} (--region {region or 'not given'})"
    )


cli.add_command(iam_group)
cli.add_command(sts_group)
cli.add_command(authz_group)
cli.add_command(audit_group)
cli.add_command(signin_command)
cli.add_command(import_command)
cli.add_command(export_command)


@cli.group()
def account() -> None:
    """Accounts: each one an isolated IAM namespace with its own root."""


@account.command("create")
@click.option("--account-name", default=None)
@click.option("--account-id", default=None, help="the new account's 12-digit id [default: random]")
@pass_invocation
def create_account(
    invocation: Invocation, account_name: str | None, account_id: str | None
) -> None:
    """Creates an account and prints it with its root credentials (shown only this once)."""
    invocation.call(
        operations.CREATE_ACCOUNT, {"account_name": account_name, "account_id": account_id}
    )


@account.command("list")
@click.option("--marker", default=None)
@click.option("--max-items", type=int, default=None)
@pass_invocation
def list_accounts(invocation: Invocation, marker: str | None, max_items: int | None) -> None:
    """Lists the accounts."""
    invocation.call(operations.LIST_ACCOUNTS, {"marker": marker, "max_items": max_items})


def main() -> None:
    """The `iamstore` console script."""
    cli(prog_name="iamstore")
