"""A node whose background task fails stops serving gRPC before its database closes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from iamstore.node.config import NodeConfig
from iamstore.node.replication.gossip import GossipConfig
from iamstore.node.replication.transport import (
    ExchangeMessage,
    ExchangeReply,
    PushMessage,
    PushReply,
    SnapshotMessage,
)
from iamstore.node.server import Node


class _Broken(Exception):
    """What the failing transport raises: nothing in the node catches it."""


class _FailingTransport:
    """A peer transport with a bug: every exchange raises, which stops the replicator."""

    async def push(self, address: str, message: PushMessage) -> PushReply:
        raise _Broken(address)

    async def exchange(self, address: str, message: ExchangeMessage) -> ExchangeReply:
        raise _Broken(address)

    async def stream_snapshot(
        self, address: str, message: SnapshotMessage
    ) -> AsyncGenerator[bytes, None]:
        raise _Broken(address)
        yield b""  # pragma: no cover - makes this an async generator

    async def close(self) -> None:
        return None


async def _health(address: str) -> int:
    async with grpc.aio.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        reply = await stub.Check(health_pb2.HealthCheckRequest(), timeout=5)
        return int(reply.status)


async def test_a_failed_background_task_leaves_no_grpc_server_running(tmp_path: Path) -> None:
    config = NodeConfig(
        data_dir=tmp_path / "node",
        listen="127.0.0.1:0",
        peers=("peer-with-a-bug",),
        bootstrap=True,
        gossip=GossipConfig(interval_s=0.05),
        synchronous="NORMAL",
    )
    node = Node(config, transport=_FailingTransport())
    serving = asyncio.create_task(node.serve())
    async with asyncio.timeout(30):
        await node.ready.wait()
    assert node.address is not None
    address = node.address
    with pytest.raises(ExceptionGroup) as failed:
        async with asyncio.timeout(30):
            await serving
    assert failed.group_contains(_Broken)
    # Before the fix the server went on answering (here SERVING) after `serve` had failed
    # and closed the database, until it was garbage-collected after its loop had closed.
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await _health(address)
    assert refused.value.code() is grpc.StatusCode.UNAVAILABLE
