"""`iamstore audit tail`: prints a node's audit events as JSON lines, and can follow them."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import click

from iamstore.client._sync import Client
from iamstore.client.cli.invocation import Invocation, fail, pass_invocation
from iamstore.client.cli.output import to_aws
from iamstore.client.credentials import NoCredentialsError
from iamstore.client.errors import IamError


@click.group("audit")
def audit_group() -> None:
    """The node's audit stream: authentication failures, refusals and changes."""


def _print_page(client: Client, marker: str | None, filters: dict[str, object]) -> str | None:
    """Prints every event after `marker` (all pages) and returns the marker to go on from."""
    while True:
        page = client.list_audit_events(marker=marker, **filters)  # type: ignore[arg-type]
        for event in page.events:
            click.echo(json.dumps(to_aws(event, exact_times=True), default=str, sort_keys=True))
        marker = page.marker or marker
        if not page.is_truncated:
            return marker


@audit_group.command("tail")
@click.option("--follow", "-f", is_flag=True, help="keep polling for new events")
@click.option("--interval", type=float, default=1.0, show_default=True, help="seconds per poll")
@click.option("--principal", default=None, help="only this principal ARN")
@click.option("--action", default=None, help="only this action, e.g. iam:CreateUser")
@click.option(
    "--decision",
    type=click.Choice(["Allow", "ExplicitDeny", "ImplicitDeny", "AuthenticationFailure"]),
    default=None,
)
@click.option("--since", "since_s", type=float, default=None, help="only the last N seconds")
@pass_invocation
def tail(
    invocation: Invocation,
    follow: bool,
    interval: float,
    principal: str | None,
    action: str | None,
    decision: str | None,
    since_s: float | None,
) -> None:
    """Prints the audit events the node holds, oldest first, one JSON object a line."""
    since = None if since_s is None else datetime.now(UTC) - timedelta(seconds=since_s)
    filters: dict[str, object] = {
        "principal": principal,
        "action": action,
        "decision": decision,
        "since": since,
    }
    try:
        with invocation.client() as client:
            marker = _print_page(client, None, filters)
            while follow:
                time.sleep(interval)
                marker = _print_page(client, marker, filters)
    except (IamError, NoCredentialsError) as error:
        fail(str(error))
    except KeyboardInterrupt:
        pass
