"""`iamstore cluster`: start, observe, stop and tear down a local multi-node cluster."""

from __future__ import annotations

import asyncio
import functools
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

import click

from iamstore.cluster.local import CLUSTER_KEY, STATE_FILE, ClusterError, LocalCluster, free_ports
from iamstore.cluster.status import ClusterView, NodeObservation, NodeState
from iamstore.cluster.tls import node_files
from iamstore.node.cli import parse_oidc_jwks
from iamstore.node.replication.grpc_transport import GrpcTransport
from iamstore.node.replication.peertls import TlsMaterial

P = ParamSpec("P")
R = TypeVar("R")

DIR_OPTION = click.option(
    "--dir",
    "root",
    type=click.Path(file_okay=False, path_type=Path),
    default=".cluster",
    show_default=True,
    envvar="IAMSTORE_CLUSTER_DIR",
    help="Folder holding the cluster: one sub-folder (data, keys, node.log) per node.",
)
HTTP_PORT_OFFSET = 1000
JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


def _errors_as_usage(command: Callable[P, R]) -> Callable[P, R]:
    """Turns a ClusterError into click's one-line error and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except ClusterError as err:
            raise click.ClickException(str(err)) from None

    return wrapper


@click.group("cluster")
def cluster_group() -> None:
    """Run a local cluster of iamstore nodes in the background (one machine, 127.0.0.1)."""


# --- describing ------------------------------------------------------------------------------


def _describe_node(
    cluster: LocalCluster, view: ClusterView, node: NodeObservation
) -> dict[str, object]:
    names = cluster.origin_names()
    by_address = cluster.address_names()
    process = cluster.node(node.name)
    removed = node.state is NodeState.REMOVED
    described: dict[str, object] = {
        "name": node.name,
        "address": node.address,
        "http": cluster.http_url(node.name),
        "state": node.state.value,
        "pid": node.pid,
        "data_dir": str(process.data_dir),
        "log": str(process.log_file),
        "removed": removed,
    }
    status = node.status
    if status is not None:
        described.update(
            node_id=status.node_id,
            version_vector={
                names.get(o, o): seq for o, seq in sorted(status.version_vector.items())
            },
            digest=status.digest,
            peers={by_address.get(p.address, p.address): p.state for p in status.peers},
            digest_mismatches=status.digest_mismatches,
            refused_as_removed=status.removed,
        )
        if not removed:  # a removed node lags by design: it is no longer gossiped with
            described.update(lag_commits=view.lag_commits(status), lag_ms=view.lag_ms(status))
    elif removed and node.name in cluster.node_ids:
        described["node_id"] = cluster.node_ids[node.name]
    if node.error is not None:
        described["error"] = node.error
    return described


def describe(cluster: LocalCluster, view: ClusterView) -> dict[str, object]:
    """The cluster as JSON: its nodes, their replication state, and whether they agree."""
    return {
        "dir": str(cluster.root),
        "root_credentials": str(cluster.credentials_file),
        "tls_ca": None if cluster.ca_file is None else str(cluster.ca_file),
        "converged": view.converged,
        "nodes": [_describe_node(cluster, view, node) for node in view.nodes],
        "removed": [n.name for n in view.nodes if n.state is NodeState.REMOVED],
    }


def table(cluster: LocalCluster, view: ClusterView) -> str:
    """The cluster as a text table, one row per node, then each node's view of its peers.

    Removed nodes show as `removed`, without lag: they count neither for lag nor convergence.
    """
    names = cluster.origin_names()
    by_address = cluster.address_names()
    header = (
        "NODE", "ADDRESS", "HTTP", "STATE", "PID", "VERSION VECTOR", "LAG", "LAG MS", "DIGEST"
    )  # fmt: skip
    rows: list[tuple[str, ...]] = [header]
    peer_lines = []
    for node in view.nodes:
        status = node.status
        pid = "-" if node.pid is None else str(node.pid)
        http = cluster.http_url(node.name)
        if status is None:
            rows.append((node.name, node.address, http, node.state.value, pid, "-", "-", "-", "-"))
            continue
        vector = " ".join(
            f"{names.get(o, o)}:{seq}" for o, seq in sorted(status.version_vector.items())
        )
        member = node.state is not NodeState.REMOVED
        rows.append(
            (
                node.name,
                node.address,
                http,
                node.state.value,
                pid,
                vector or "-",
                str(view.lag_commits(status)) if member else "-",
                str(view.lag_ms(status)) if member else "-",
                status.digest[:12],
            )
        )
        if member:
            seen = ", ".join(
                f"{by_address.get(p.address, p.address)} {p.state}" for p in status.peers
            )
            peer_lines.append(f"  {node.name} sees {seen or 'no peers'}")
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    removed = [n.name for n in view.nodes if n.state is NodeState.REMOVED]
    removed_line = [f"removed: {', '.join(removed)}"] if removed else []
    converged = "yes" if view.converged else "no"
    return "\n".join([*lines, *peer_lines, *removed_line, f"converged: {converged}"])


def _echo(described: dict[str, object], as_json: bool, text: str) -> None:
    click.echo(json.dumps(described, indent=2) if as_json else text)


# --- commands --------------------------------------------------------------------------------


@cluster_group.command("up")
@click.option(
    "--nodes", type=click.IntRange(1, 50), default=3, show_default=True, help="How many nodes."
)
@DIR_OPTION
@click.option(
    "--base-port",
    type=click.IntRange(0, 65535),
    default=7001,
    show_default=True,
    help="node1's port; node i listens on 127.0.0.1:(base-port + i - 1), and serves HTTP 1000 "
    "above that. 0 picks free ports.",
)
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds to wait.")
@click.option(
    "--tls/--insecure-peer-plaintext",
    default=None,
    help="With --tls (the default for a new cluster): make a CA and node certificates; clients "
    "use TLS, nodes mutual TLS between them. --insecure-peer-plaintext: no TLS anywhere, for "
    "development only. A stopped cluster starts again as it was.",
)
@click.option(
    "--oidc-jwks",
    "oidc_jwks",
    multiple=True,
    metavar="ISSUER_URL=PATH",
    callback=parse_oidc_jwks,
    help="Every node reads this OIDC issuer's key set from a local JWKS file (repeatable; "
    "kept for later starts).",
)
@JSON_OPTION
@_errors_as_usage
def up_command(
    nodes: int, root: Path, base_port: int, timeout: float, tls: bool | None,
    oidc_jwks: tuple[tuple[str, Path], ...], as_json: bool,
) -> None:  # fmt: skip
    """Start N nodes in the background, bootstrap the account on node1, wait until every node
    holds the same replicated state, then print the endpoints.

    A folder holding a stopped cluster is started again as it was (same nodes and ports).
    """
    if (root / STATE_FILE).exists():
        cluster = LocalCluster.load(root)
        running = [n for n in cluster.names if cluster.is_running(n)]
        if running:
            raise ClusterError(
                f"a cluster is already running in `{root}` ({', '.join(running)}); "
                f"stop it with `iamstore cluster down --dir {root}`"
            )
        if len(cluster.nodes) != nodes:
            raise ClusterError(
                f"`{root}` holds a stopped {len(cluster.nodes)}-node cluster; start it with "
                f"--nodes {len(cluster.nodes)} or remove it with "
                f"`iamstore cluster down --dir {root} --wipe`"
            )
        if tls is False and cluster.tls:
            raise ClusterError(
                f"`{root}` holds a stopped cluster with tls: it starts again with tls "
                "(leave out --insecure-peer-plaintext)"
            )
        if tls is True and not cluster.tls:
            raise ClusterError(
                f"`{root}` holds a stopped cluster without tls; remove it with "
                f"`iamstore cluster down --dir {root} --wipe` to start one with --tls"
            )
    else:
        ports = free_ports(nodes) if base_port == 0 else [base_port + i for i in range(nodes)]
        if ports[-1] > 65535:
            raise ClusterError(f"ports `{ports[0]}`…`{ports[-1]}` go past 65535")
        # With a base port, HTTP ports are as predictable: 1000 above each node's gRPC port.
        http_ports = None if base_port == 0 else [port + HTTP_PORT_OFFSET for port in ports]
        if http_ports is not None and http_ports[-1] > 65535:
            raise ClusterError(f"http ports `{http_ports[0]}`…`{http_ports[-1]}` go past 65535")
        cluster = LocalCluster.on_ports(root, ports, tls=tls is not False, http_ports=http_ports)
    if oidc_jwks:
        cluster.use_oidc_jwks(oidc_jwks)
    started = time.monotonic()
    try:
        cluster.start(timeout)
        view = cluster.wait_converged(timeout)
    except (ClusterError, KeyboardInterrupt) as err:
        cluster.kill()
        cluster.save()
        logs = f"{cluster.root}/node*/node.log"
        raise ClusterError(f"{err}; the nodes' logs are in {logs}") from None
    cluster.save()
    described = describe(cluster, view)
    described["started_in_ms"] = round((time.monotonic() - started) * 1000)
    endpoints = ",".join(cluster.addresses)
    tls_option = "" if cluster.ca_file is None else f" --tls-ca {cluster.ca_file}"
    lines = [
        f"{len(cluster.nodes)} nodes up and converged in {described['started_in_ms']} ms:",
        *(
            f"  node{i}  {node.listen}  {cluster.http_url(f'node{i}')}  "
            f"pid {cluster.pid(f'node{i}')}  log {node.log_file}"
            for i, node in enumerate(cluster.nodes, start=1)
        ),
        f"root credentials: {cluster.credentials_file}",
        *([] if cluster.ca_file is None else [f"tls ca: {cluster.ca_file}"]),
        "",
        "try:",
        f"  iamstore --endpoint {endpoints}{tls_option} --credentials-file "
        f"{cluster.credentials_file} iam list-users",
        f"  iamstore cluster status --dir {root}",
        f"  aws iam list-users --endpoint-url {cluster.http_url('node1')}  "
        "(with the root credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)",
    ]
    _echo(described, as_json, "\n".join(lines))


@cluster_group.command("status")
@DIR_OPTION
@click.option(
    "--wait",
    type=float,
    default=0.0,
    help="Wait up to this many seconds for the nodes to converge; exit 1 if they do not.",
)
@JSON_OPTION
@_errors_as_usage
def status_command(root: Path, wait: float, as_json: bool) -> None:
    """Each node's address, up/down, version vector, lag behind the most advanced node
    (commits, and the last observed replication delay in ms), digest and its view of its
    peers; and whether the cluster has converged."""
    cluster = LocalCluster.load(root)
    deadline = time.monotonic() + wait
    view = cluster.observe()
    while wait and not view.converged and time.monotonic() < deadline:
        time.sleep(0.1)
        view = cluster.observe()
    _echo(describe(cluster, view), as_json, table(cluster, view))
    if wait and not view.converged:
        raise SystemExit(1)


def _node_command(name: str, action: str) -> click.Command:
    @click.command(name)
    @click.argument("node")
    @DIR_OPTION
    @_errors_as_usage
    def command(node: str, root: Path) -> None:
        cluster = LocalCluster.load(root)
        label = cluster.canonical_name(node)
        was_running = cluster.is_running(label)
        if action == "start":
            address = cluster.start_node(label)
            click.echo(f"{label} started on {address} (pid {cluster.pid(label)})")
            return
        if not was_running:
            click.echo(f"{label} was not running")
            cluster.save()
            return
        pid = cluster.pid(label)
        if action == "stop":
            cluster.stop_node(label)
        else:
            cluster.kill_node(label)
        cluster.save()
        click.echo(f"{label} {'stopped' if action == 'stop' else 'killed'} (was pid {pid})")

    return command


for _action, _help in (
    ("start", "Start NODE (node2 or 2) again on its address and data; returns once it listens."),
    ("stop", "Stop NODE (node2 or 2) cleanly (SIGTERM) and wait until it exits."),
    ("kill", "Kill NODE (node2 or 2) with SIGKILL: no flush, no goodbye."),
):
    _command = _node_command(_action, _action)
    _command.help = _help
    cluster_group.add_command(_command)


@cluster_group.command("down")
@DIR_OPTION
@click.option("--wipe", is_flag=True, help="Also delete the nodes' data, keys and logs.")
@_errors_as_usage
def down_command(root: Path, wipe: bool) -> None:
    """Stop every node cleanly (SIGTERM, then SIGKILL after 15 s)."""
    cluster = LocalCluster.load(root)
    running = [(n, cluster.pid(n)) for n in cluster.names if cluster.is_running(n)]
    cluster.stop()
    for name, pid in running:
        click.echo(f"{name} stopped (was pid {pid})")
    if not running:
        click.echo("no node was running")
    if wipe:
        cluster.remove_files()
        click.echo(f"removed the cluster's files from {cluster.root}")


@cluster_group.command("remove")
@click.argument("node")
@DIR_OPTION
@click.option(
    "--rotate/--no-rotate",
    default=True,
    show_default=True,
    help="Then rotate the cluster and session-token keys (`rotate-keys`), so NODE's copies "
    "open nothing.",
)
@_errors_as_usage
def remove_command(node: str, root: Path, rotate: bool) -> None:
    """Remove NODE (node2 or 2) from the cluster for good: stop it, and ask every other running
    node to record the removal. The record is replicated, so nodes that are down now learn it
    when they come back; every member stops gossiping with NODE and waiting for it before
    purging, and refuses NODE's identity (its certificate's node id) if it ever calls again.
    Then the keys NODE held are rotated (see `rotate-keys`)."""
    cluster = LocalCluster.load(root)
    label = cluster.canonical_name(node)
    if cluster.is_running(label):
        cluster.stop_node(label)
    cluster.removed.add(label)
    cluster.save()
    removed = dict(zip(cluster.names, cluster.peer_addresses, strict=True))[label]
    told = asyncio.run(_tell_others(cluster, label, removed))
    for name, known in told:
        click.echo(f"{name}: {'removed' if known else 'did not know'} {label} ({removed})")
    if not told:
        click.echo("no other node is running: nothing to tell")
    elif not any(known for _, known in told):
        raise ClusterError(f"no running node knew `{label}`: nothing was recorded")
    if rotate:
        _rotate(cluster)


@cluster_group.command("rotate-keys")
@DIR_OPTION
@_errors_as_usage
def rotate_keys_command(root: Path) -> None:
    """Replace the cluster key (peers authenticate each other with it) and the session-token
    key on every member, restarting the running ones. Session tokens issued before are
    refused from then on; removed nodes keep the old keys, which open nothing any more."""
    _rotate(LocalCluster.load(root))


def _rotate(cluster: LocalCluster) -> None:
    restarted = cluster.rotate_keys()
    click.echo(
        "rotated the cluster key and the session-token key"
        + (f"; restarted {', '.join(restarted)}" if restarted else "")
        + ": session tokens issued before are refused"
    )
    if restarted:
        cluster.wait_converged()


async def _tell_others(cluster: LocalCluster, label: str, removed: str) -> list[tuple[str, bool]]:
    """Calls Peer.RemoveMember on every other running node, as a cluster member would (each
    records the removal once; a node that already has it from a peer just confirms)."""
    credentials = None
    caller = "cluster-cli"
    if cluster.tls:
        # The call goes out as a member (under TLS, the one its certificate names).
        own = next(n for n in cluster.names if n != label and n not in cluster.removed)
        files = node_files(cluster.node(own).data_dir)
        material = TlsMaterial.load(files.cert, files.key, files.ca)
        credentials, caller = material.channel_credentials(), material.node_id
    transport = GrpcTransport(
        (cluster.root / CLUSTER_KEY).read_bytes(),
        caller,
        lambda: time.time_ns() // 1_000_000,
        credentials=credentials,
    )
    node_id = cluster.node_ids.get(label, "")
    told: list[tuple[str, bool]] = []
    try:
        for name, address in zip(cluster.names, cluster.peer_addresses, strict=True):
            if name != label and name not in cluster.removed and cluster.is_running(name):
                told.append((name, await transport.remove_member(address, removed, node_id)))
    finally:
        await transport.close()
    return told
