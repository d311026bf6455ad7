"""Memory a caller can make a node keep is bounded in bytes, not in entries.

Before, compiled caller-supplied documents were kept up to 200,000 of them whatever their
size (about 3 MiB per distinct 76 KiB document), and the policy engine's memos kept 16,384
entries each, of any size; the client port took 64 MiB messages before authentication.
"""

from __future__ import annotations

import gc
import json
import tracemalloc
from collections.abc import Callable, Iterator

import grpc
import pytest

from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node.auth.index import PolicyIndex
from iamstore.node.auth.supplied import SuppliedDocuments, estimated_bytes
from iamstore.node.config import NodeConfig
from iamstore.node.domain.view import View
from iamstore.node.policy import PolicyKind, PolicySet, evaluate, make_request
from iamstore.node.policy.memo import sized_memo
from iamstore.node.replication.gossip import PUSH_BATCH_BYTES, within_bytes
from iamstore.node.server import MAX_CLIENT_REQUEST_BYTES


def _many_statements(seed: int) -> str:
    statements = [
        {
            "Sid": f"S{seed}x{i}",
            "Effect": "Allow",
            "Action": [f"s3:Get{seed}{i}"],
            "Resource": [f"arn:aws:s3:::b{seed}/{i}/*"],
        }
        for i in range(400)
    ]
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def _many_patterns(seed: int) -> str:
    statement = {
        "Effect": "Allow",
        "Action": [f"s{seed}:A?{i}*" for i in range(700)],
        "Resource": [f"arn:aws:s3:::*a?{seed}b{i}*" for i in range(700)],
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _conditions(seed: int) -> str:
    statements = [
        {
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {
                "StringLike": {f"aws:k{seed}{i}": [f"*v?{i}*{j}" for j in range(10)]},
                "ArnLike": {f"aws:a{seed}{i}": [f"arn:aws:s3:::*{i}?{j}*" for j in range(5)]},
            },
        }
        for i in range(100)
    ]
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def _variables(seed: int) -> str:
    statement = {
        "Effect": "Allow",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::b{seed}/${{aws:username}}/{i}/*" for i in range(900)],
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


SHAPES: list[Callable[[int], str]] = [_many_statements, _many_patterns, _conditions, _variables]


def _traced(work: Callable[[], object]) -> int:
    """Bytes still allocated after `work` (what it keeps), traced by tracemalloc."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = work()
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    del kept
    return after - before


@pytest.mark.parametrize("shape", SHAPES)
def test_the_estimate_covers_what_a_compiled_document_keeps(
    shape: Callable[[int], str],
) -> None:
    text = shape(1000 + SHAPES.index(shape))  # a seed no other test compiles

    def compile_and_use() -> object:
        cache = SuppliedDocuments()
        policy = cache.compiled("Doc", PolicyKind.IDENTITY, text)
        assert policy is not None
        request = make_request(
            "arn:aws:iam::111122223333:user/u",
            "s3:GetObject",
            "arn:aws:s3:::b1/x/1/y",
            context={"aws:username": "x"},
        )
        evaluate(request, PolicySet((policy,), None, None))  # builds the lazy parts too
        return cache

    assert _traced(compile_and_use) <= estimated_bytes(text)


@pytest.mark.slow
def test_supplied_documents_stop_growing_memory_at_their_budget() -> None:
    budget = 4 << 20
    index = PolicyIndex(View(), SuppliedDocuments(budget))
    first = [shape(seed) for seed in range(4) for shape in SHAPES]  # ~650 KiB of text
    then = [shape(seed) for seed in range(4, 8) for shape in SHAPES]  # as much again
    assert sum(map(estimated_bytes, first)) > 8 * budget  # the caches are full after `first`

    def compile_all(documents: list[str]) -> None:
        for text in documents:
            assert index.compiled("ResourcePolicy", PolicyKind.RESOURCE, text) is None
            assert index.compiled("Doc", PolicyKind.IDENTITY, text) is not None

    gc.collect()
    tracemalloc.start()
    try:
        compile_all(first)
        gc.collect()
        full = tracemalloc.get_traced_memory()[0]
        compile_all(then)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - full
    finally:
        tracemalloc.stop()
    # Bounded caches replace what they evict: as many documents again keep no more than
    # the budget's worth, and the engine's memos their last fill toward their own bounds
    # (6.4 MiB here). An unbounded cache kept every one (18 MiB more here).
    assert grown <= 2 * budget, grown


def test_a_memo_keeps_at_most_its_budget_of_keys() -> None:
    calls: list[str] = []

    @sized_memo(budget=1000)
    def echo(text: str) -> str:
        calls.append(text)
        return text

    for i in range(500):
        echo(f"{i:08d}")  # 9 characters of key each
    assert echo.memo.used <= 1000
    echo("00000499")  # recent: still kept
    assert calls.count("00000499") == 1
    echo("00000000")  # evicted long ago: computed again
    assert calls.count("00000000") == 2
    echo("x" * 100)  # larger than budget // 64: computed, never kept
    echo("x" * 100)
    assert calls.count("x" * 100) == 2


# --- message sizes on the client port ---------------------------------------------------


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessNode]:
    config = NodeConfig(data_dir=tmp_path_factory.mktemp("node"), listen="127.0.0.1:0")
    with InProcessNode(config) as running:
        yield running


def _unsigned_call(address: str, size: int) -> grpc.RpcError:
    """An unsigned GetCallerIdentity of `size` bytes; the error it gets."""
    with grpc.insecure_channel(
        address, options=[("grpc.max_send_message_length", 128 << 20)]
    ) as channel:
        call = channel.unary_unary(
            "/iamstore.v1.Sts/GetCallerIdentity",
            request_serializer=None,
            response_deserializer=None,
        )
        with pytest.raises(grpc.RpcError) as failed:
            call(b"\n" + b"\x00" * size, timeout=30)
    assert isinstance(failed.value, grpc.RpcError)
    return failed.value


def test_client_port_refuses_oversized_messages_before_authentication(
    node: InProcessNode,
) -> None:
    refused = _unsigned_call(node.address, MAX_CLIENT_REQUEST_BYTES + 1)
    assert refused.code() is grpc.StatusCode.RESOURCE_EXHAUSTED
    # Just under the limit, the message reaches the node, which refuses it unsigned.
    refused = _unsigned_call(node.address, MAX_CLIENT_REQUEST_BYTES - 64)
    assert refused.code() is not grpc.StatusCode.RESOURCE_EXHAUSTED


def test_peer_batches_fit_the_client_ports_limit() -> None:
    """Peers that share the client port push at most PUSH_BATCH_BYTES of commits at once."""
    assert PUSH_BATCH_BYTES * 2 <= MAX_CLIENT_REQUEST_BYTES
    blobs = [b"x" * 700_000] * 10
    batch, cut = within_bytes(blobs, PUSH_BATCH_BYTES)
    assert cut
    assert sum(map(len, batch)) <= PUSH_BATCH_BYTES
    assert batch == blobs[: len(batch)]
    # A single commit larger than the batch still travels, alone.
    assert within_bytes([b"y" * (PUSH_BATCH_BYTES + 1), b"z"], PUSH_BATCH_BYTES) == (
        [b"y" * (PUSH_BATCH_BYTES + 1)],
        True,
    )
    assert within_bytes([b"a", b"b"], PUSH_BATCH_BYTES) == ([b"a", b"b"], False)
