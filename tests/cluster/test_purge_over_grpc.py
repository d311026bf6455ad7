"""Tombstones purged over real gRPC: the members' promises travel in Peer.Exchange."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from iamstore.client import AsyncClient
from iamstore.client.credentials import resolve_credentials
from iamstore.node.config import NodeConfig
from iamstore.node.replication.gossip import GossipConfig
from iamstore.node.server import Node

GOSSIP = GossipConfig(interval_s=0.05, purge_grace_ms=1, purge_every=1)


def _config(data_dir: Path, peers: tuple[str, ...], bootstrap: bool) -> NodeConfig:
    return NodeConfig(data_dir=data_dir, listen="127.0.0.1:0", peers=peers,
                      bootstrap=bootstrap, gossip=GOSSIP, synchronous="NORMAL",
                      insecure_peer_plaintext=True)  # fmt: skip


async def _tombstones(node: Node) -> int:
    assert node.components is not None
    return sum(1 for *_, body in await node.components.state.db.load_rows() if body is None)


async def test_both_members_purge_a_tombstone_once_each_knows_the_others_promise(
    tmp_path: Path,
) -> None:
    first = Node(_config(tmp_path / "a", (), bootstrap=True))
    running = [asyncio.create_task(first.serve())]
    second: Node | None = None
    try:
        async with asyncio.timeout(60):
            await first.ready.wait()
            assert first.address is not None
            (tmp_path / "b").mkdir()
            for key in ("cluster.key", "secrets.key"):
                shutil.copy(tmp_path / "a" / key, tmp_path / "b" / key)
            second = Node(_config(tmp_path / "b", (first.address,), bootstrap=False))
            running.append(asyncio.create_task(second.serve()))
            await second.ready.wait()
            assert second.replicator is not None
            root = first.config.root_credentials_path
            credentials = resolve_credentials(credentials_file=str(root))
            async with AsyncClient(first.address, credentials=credentials) as iam:
                await iam.create_user(user_name="short-lived")
                await iam.delete_user(user_name="short-lived")
            for _ in range(400):  # purge_every=1: every 50 ms gossip round tries
                if [await _tombstones(n) for n in (first, second)] == [0, 0]:
                    break
                await asyncio.sleep(0.05)
            assert [await _tombstones(n) for n in (first, second)] == [0, 0]
            # Each side holds the other's promise, learned only through the gRPC exchange.
            assert first.replicator is not None
            assert second.replicator.node_id in first.replicator.promises
            assert first.replicator.node_id in second.replicator.promises
    finally:
        for node in (first, *([second] if second is not None else [])):
            node.stop()
        await asyncio.gather(*running)
