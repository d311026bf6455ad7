"""The node's command-line commands, contributed to the `iamstore` CLI by entry point."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from typing import TextIO

import click

from iamstore.node.config import NodeConfig
from iamstore.wire.sigv4 import DEFAULT_HOST, DEFAULT_REGION


@click.group("node")
def node_group() -> None:
    """Run an iamstore node."""


def parse_oidc_jwks(
    ctx: click.Context | None, param: click.Parameter | None, values: tuple[str, ...]
) -> tuple[tuple[str, Path], ...]:
    """`--oidc-jwks https://issuer=keys.json` values as (issuer, path), each file checked now."""
    from iamstore.node.auth.webidentity import read_jwks_file

    parsed: list[tuple[str, Path]] = []
    for value in values:
        # An issuer URL has no query (OpenID Connect Discovery), so its first `=` ends it.
        issuer, separator, path = value.partition("=")
        if not separator or not issuer.startswith("https://") or not path:
            raise click.BadParameter(
                f"`{value}` is not ISSUER_URL=PATH with an https issuer", param_hint="--oidc-jwks"
            )
        try:
            read_jwks_file(Path(path))
        except ValueError as err:
            raise click.BadParameter(str(err), param_hint="--oidc-jwks") from None
        parsed.append((issuer, Path(path)))
    return tuple(parsed)


def parse_networks_option(
    ctx: click.Context | None, param: click.Parameter | None, values: tuple[str, ...]
) -> tuple[str, ...]:
    """`--oidc-allow-network` values, each checked to be a CIDR now."""
    from iamstore.node.auth.outbound import parse_networks

    try:
        parse_networks(values)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--oidc-allow-network") from None
    return values


@node_group.command("run")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the node's database, keys and root credentials.",
)
@click.option(
    "--listen",
    default="127.0.0.1:7001",
    show_default=True,
    help="HOST:PORT to serve gRPC on (port 0 picks a free port), or unix:PATH for a Unix "
    "domain socket.",
)
@click.option(
    "--host",
    "signing_host",
    default=DEFAULT_HOST,
    show_default=True,
    help="The logical host signatures are scoped to.",
)
@click.option("--region", default=DEFAULT_REGION, show_default=True)
@click.option("--peers", default="", help="Comma-separated HOST:PORT of other members.")
@click.option(
    "--join",
    "join",
    multiple=True,
    help="HOST:PORT of a running member to join through (repeatable).",
)
@click.option("--advertise", default=None, help="HOST:PORT peers reach this node on.")
@click.option(
    "--bootstrap/--no-bootstrap",
    default=None,
    help="Create the management account on an empty store "
    "(default: only when the node has no peers).",
)
@click.option(
    "--metrics-port",
    type=int,
    default=None,
    help="Serve Prometheus metrics at http://LISTEN-HOST:PORT/metrics (0 picks a free port).",
)
@click.option(
    "--clock-skew-ms",
    type=int,
    default=0,
    show_default=True,
    help="Shift this node's wall clock by this many milliseconds (fault injection).",
)
@click.option(
    "--tls-cert",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="PEM certificate to serve TLS with (also shown to peers); needs --tls-key, --tls-ca.",
)
@click.option(
    "--tls-key",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="PEM private key of --tls-cert.",
)
@click.option(
    "--tls-ca",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="PEM CA certificate that signs every member's certificate.",
)
@click.option(
    "--peer-listen",
    default=None,
    help="HOST:PORT serving only the Peer service; with TLS it requires a client certificate "
    "signed by --tls-ca (mutual TLS). Advertised to peers unless --advertise is given.",
)
@click.option(
    "--insecure-peer-plaintext",
    is_flag=True,
    help="Development only: talk to peers without TLS (logged as a warning at start). "
    "Without it, a node with peers needs --tls-cert, --tls-key and --tls-ca, and a node "
    "without them serves no peers.",
)
@click.option(
    "--http-listen",
    default=None,
    metavar="HOST:PORT",
    help="Also serve IAM and STS over HTTP with AWS's own Query protocol (boto3, the aws CLI, "
    "Terraform); https when --tls-cert is given.",
)
@click.option(
    "--oidc-jwks",
    "oidc_jwks",
    multiple=True,
    metavar="ISSUER_URL=PATH",
    callback=parse_oidc_jwks,
    help="Read this OIDC issuer's signing keys from a local JWKS file instead of fetching "
    "them (repeatable; for air-gapped clusters).",
)
@click.option(
    "--oidc-allow-network",
    "oidc_allowed_networks",
    multiple=True,
    metavar="CIDR",
    callback=parse_networks_option,
    help="Let OIDC issuers be fetched from this non-public network (repeatable; for "
    "air-gapped issuers). Loopback, private and link-local addresses are refused otherwise.",
)
@click.option(
    "--saml-endpoint",
    "saml_endpoints",
    multiple=True,
    metavar="URL",
    help="A URL SAML assertions may name as Recipient and Audience, besides "
    "https://signin.aws.amazon.com/saml (repeatable).",
)
@click.option(
    "--saml-allow-sha1",
    is_flag=True,
    default=False,
    help="Accept SHA-1 signatures in SAML assertions (old AD FS setups).",
)
@click.option(
    "--at-least-timeout",
    "at_least_timeout_s",
    type=click.FloatRange(min=0, max=60, min_open=True),
    default=5.0,
    show_default=True,
    metavar="SECONDS",
    help="How long a call passing a consistency token (at_least) waits for this replica to "
    "cover it before answering NotYetReplicated (at most 60: each waiting call is held).",
)
@click.option("--log-level", default="INFO", show_default=True)
def run_command(
    data_dir: Path,
    listen: str,
    signing_host: str,
    region: str,
    peers: str,
    join: tuple[str, ...],
    advertise: str | None,
    bootstrap: bool | None,
    metrics_port: int | None,
    clock_skew_ms: int,
    tls_cert: Path | None,
    tls_key: Path | None,
    tls_ca: Path | None,
    peer_listen: str | None,
    insecure_peer_plaintext: bool,
    http_listen: str | None,
    oidc_jwks: tuple[tuple[str, Path], ...],
    oidc_allowed_networks: tuple[str, ...],
    saml_endpoints: tuple[str, ...],
    saml_allow_sha1: bool,
    at_least_timeout_s: float,
    log_level: str,
) -> None:
    """Run a node in the foreground until SIGTERM or SIGINT."""
    from iamstore.node.datadir import DataDirError
    from iamstore.node.replication.identity import PeerSetupError
    from iamstore.node.server import run
    from iamstore.node.storage.database import StorageError

    tls_files = (tls_cert, tls_key, tls_ca)
    if any(f is not None for f in tls_files) and not all(f is not None for f in tls_files):
        raise click.UsageError("--tls-cert, --tls-key and --tls-ca go together")
    logging.basicConfig(
        level=log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    members = tuple(p.strip() for p in peers.split(",") if p.strip()) + join
    config = NodeConfig(
        data_dir=data_dir,
        listen=listen,
        host=signing_host,
        region=region,
        peers=members,
        advertise=advertise,
        bootstrap=bootstrap,
        metrics_port=metrics_port,
        clock_skew_ms=clock_skew_ms,
        tls_cert=tls_cert,
        tls_key=tls_key,
        tls_ca=tls_ca,
        peer_listen=peer_listen,
        insecure_peer_plaintext=insecure_peer_plaintext,
        http_listen=http_listen,
        oidc_jwks=oidc_jwks,
        oidc_allowed_networks=oidc_allowed_networks,
        saml_endpoints=saml_endpoints,
        saml_allow_sha1=saml_allow_sha1,
        at_least_timeout_s=at_least_timeout_s,
    )
    try:
        asyncio.run(run(config))
    except (DataDirError, PeerSetupError, StorageError) as err:
        raise click.ClickException(str(err)) from None


@click.command("simulate")
@click.argument("source", type=click.File("r"), default="-")
def simulate_command(source: TextIO) -> None:
    """Evaluate JSON Lines authorization requests offline, one result line per request."""
    from iamstore.node.policy.simulate import simulate_lines

    out = sys.stdout
    for line in simulate_lines(source):
        out.write(line + "\n")


@click.command("emulator")
@click.option(
    "--http-listen",
    default="127.0.0.1:4599",
    show_default=True,
    metavar="HOST:PORT",
    help="Where to serve IAM and STS over HTTP (port 0: any free port).",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Keep the data here (default: a temporary folder, removed on exit).",
)
@click.option("--log-level", default="WARNING", show_default=True)
def emulator_command(http_listen: str, data_dir: Path | None, log_level: str) -> None:
    """One throwaway node for test suites: IAM and STS over HTTP; unknown access keys act as
    the root of account 123456789012; POST /_iamstore/reset wipes it."""
    from iamstore.node.emulator import run_emulator

    logging.basicConfig(
        level=log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )

    def announce(url: str) -> None:
        click.echo(f"iamstore emulator at {url} (account 123456789012)", err=False)
        sys.stdout.flush()

    asyncio.run(run_emulator(http_listen, data_dir, announce))
