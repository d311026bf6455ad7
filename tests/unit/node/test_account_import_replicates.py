"""An imported account reaches another replica as ordinary commits, and both agree."""

from __future__ import annotations

import json

from replicas import OpenDatabase, memory_replicator

from iamstore.client import _operations as operations
from iamstore.client._convert import build_request
from iamstore.client.account_file import read_documents
from iamstore.cluster.bench.account_gen import Sizes, generate
from iamstore.node.api.account_import import StagedCounts, check_part, merge
from iamstore.node.api.import_staging import StagedPart
from iamstore.node.api.offload import EvaluationWorker
from iamstore.node.commits.clock import HybridClock
from iamstore.node.domain.account_import import plan_entities
from iamstore.node.domain.entities import Account, Change
from iamstore.node.domain.rules import Quotas
from iamstore.node.domain.write_context import WriteContext
from iamstore.node.replication.gossip import GossipConfig
from iamstore.node.replication.membership import Peer
from iamstore.node.replication.transport import MemoryNetwork
from iamstore.node.state import Writer
from iamstore.node.state.writer import CommitBounds
from iamstore.v1 import transfer_pb2

NOW = 1_700_000_000_000
ACCOUNT = "123456789012"


async def test_an_import_replicates_to_a_peer(memory_database: OpenDatabase) -> None:
    network = MemoryNetwork()
    config = GossipConfig(batch=500)
    a = await memory_replicator(memory_database, network, "a", "b", config, lambda: NOW)
    b = await memory_replicator(memory_database, network, "b", "a", config, lambda: NOW)
    writer = Writer(a._state, "a", HybridClock(lambda: NOW))
    await writer.write("root", "CreateAccount", lambda view: ([Change.put(
        Account(ACCOUNT, "imported", 0, False))], None))  # fmt: skip
    document = read_documents([("a.json", json.dumps(generate(ACCOUNT, Sizes().scaled(0.01))))])
    ctx = WriteContext(ACCOUNT, NOW, Quotas(), lambda prefix: prefix, "a")
    parts: list[StagedPart] = []
    for lists, _ in document.parts(20_000):
        request = build_request(
            operations.IMPORT_ACCOUNT, {"import_id": "i", "account_id": ACCOUNT, **lists}
        )
        assert isinstance(request, transfer_pb2.ImportAccountRequest)
        parts.append(check_part(request, ctx, StagedCounts.of(parts)))
    records = merge(parts, ctx)
    bounds = CommitBounds(max_bytes=16_000, max_rows=256)
    report, _, commits = await writer.write_split(
        "root",
        "ImportAccount",
        lambda view: plan_entities(view, ctx, records, False),
        bounds,
        EvaluationWorker().run,
    )
    assert commits > 1
    assert report.tallies["User"].created == 50
    await b._exchange_with(Peer("a"), with_digest=False)
    assert b._state.version_vector() == a._state.version_vector()
    assert b._state.digest() == a._state.digest()
    assert b._state.view.users.count(ACCOUNT) == 50
