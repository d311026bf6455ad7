"""The largest call a caller may make cannot hold a node's event loop.

Before, AuthorizeBatch and the two simulators evaluated every question on the event loop
(300,000 batch items blocked it 2.8 s; the simulators evaluated the whole actions x resources
product before paginating). Now every list is capped, a simulator page evaluates at most
SIMULATION_PAGE_EVALUATIONS pairs, and large calls are answered on the node's evaluation
worker: a second client's GetCallerIdentity keeps answering while they run.
"""

from __future__ import annotations

import gc
import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from iamstore.client import Client, Credentials, ValidationError
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node.api.authz_limits import (
    AUTHORIZE_BATCH_MAX_REQUESTS,
    MAX_CONTEXT_ENTRIES,
    SIMULATION_MAX_ACTIONS,
    SIMULATION_MAX_RESOURCES,
    SIMULATION_PAGE_EVALUATIONS,
)
from iamstore.node.config import NodeConfig

# Wildcard patterns whose every piece fits almost everywhere in a long run of `a`: each costs
# a full scan of the ARN, so a policy of PATTERNS of them makes every decision slow.
PATTERNS = 40
ARN_TAIL = 1500


def _slow_resources(count: int) -> list[str]:
    return [f"arn:aws:s3:::{'a' * ARN_TAIL}{i}" for i in range(count)]


def _slow_policy(principal: bool) -> str:
    statement: dict[str, object] = {
        "Effect": "Allow",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::*a{'?' * (i % 7 + 1)}b{i}*" for i in range(PATTERNS)],
    }
    if principal:
        statement["Principal"] = "*"
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.fixture(autouse=True)
def _earlier_objects_frozen() -> Iterator[None]:
    """The node runs in this process: objects left by earlier tests must not lengthen the
    garbage collections (which stop every thread) that these tests' probes measure."""
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessNode]:
    config = NodeConfig(data_dir=tmp_path_factory.mktemp("node"), listen="127.0.0.1:0")
    with InProcessNode(config) as running:
        yield running


@pytest.fixture(scope="module")
def management(node: InProcessNode) -> Iterator[Client]:
    credentials = resolve_credentials(credentials_file=str(node.credentials_file))
    with Client(node.address, credentials=credentials, timeout=600) as client:
        yield client


@pytest.fixture
def iam(node: InProcessNode, management: Client) -> Iterator[Client]:
    with account_client(node, management) as client:
        yield client


def account_client(node: InProcessNode, management: Client) -> Client:
    """The root of a fresh member account."""
    root = management.create_account(account_name="bounded").root_credentials
    assert root is not None
    credentials = Credentials(root.access_key_id, root.secret_access_key)
    return Client(node.address, credentials=credentials, timeout=120)


def _latencies_during(probe: Client, heavy: Callable[[], object]) -> tuple[list[float], float]:
    """GetCallerIdentity latencies measured by `probe` while `heavy` runs, and its duration."""
    done = threading.Event()
    outcome: list[object] = []

    def run() -> None:
        started = time.perf_counter()
        try:
            outcome.append(heavy())
        except Exception as exc:  # reported below, in the test's thread
            outcome.append(exc)
        outcome.append(time.perf_counter() - started)
        done.set()

    worker = threading.Thread(target=run)
    worker.start()
    latencies: list[float] = []
    while not done.is_set():
        started = time.perf_counter()
        probe.get_caller_identity()
        latencies.append(time.perf_counter() - started)
    worker.join()
    result, duration = outcome
    if isinstance(result, Exception):
        raise result
    assert isinstance(duration, float)
    return latencies, duration


def _assert_responsive(latencies: list[float], duration: float) -> None:
    # The old node answered the probe only after the heavy call: its worst latency was the
    # whole call. Generous: a quarter of the call, with several probes answered meanwhile.
    assert len(latencies) >= 3, (latencies, duration)
    assert max(latencies) < duration / 4, (max(latencies), duration)


@pytest.mark.timeout(240)
def test_largest_simulation_page_leaves_the_node_responsive(
    node: InProcessNode, management: Client
) -> None:
    resources = _slow_resources(SIMULATION_PAGE_EVALUATIONS // 10)
    actions = [f"s3:Action{i}" for i in range(SIMULATION_MAX_ACTIONS)]
    with account_client(node, management) as caller, account_client(node, management) as probe:
        latencies, duration = _latencies_during(
            probe,
            lambda: caller.simulate_custom_policy(
                policy_input_list=[_slow_policy(principal=False)],
                action_names=actions,
                resource_arns=resources,
                max_items=1000,
            ),
        )
        _assert_responsive(latencies, duration)


@pytest.mark.timeout(240)
def test_largest_authorize_batch_leaves_the_node_responsive(
    node: InProcessNode, management: Client
) -> None:
    with account_client(node, management) as caller, account_client(node, management) as probe:
        user = caller.create_user(user_name="asker").user
        policy = _slow_policy(principal=True)
        requests = [
            {
                "principal_arn": user.arn,
                "action": "s3:GetObject",
                "resource_arn": arn,
                "resource_policy": policy,
            }
            for arn in _slow_resources(AUTHORIZE_BATCH_MAX_REQUESTS)
        ]
        latencies, duration = _latencies_during(
            probe,
            lambda: caller.authorize_batch(requests=requests, at_least=caller.consistency_token),
        )
        _assert_responsive(latencies, duration)


def _dense_policy(seed: int) -> str:
    """A distinct document of about 20,000 characters of wildcard patterns: slow to compile."""
    statement = {
        "Effect": "Allow",
        "Action": [f"s{seed}:A{i}?x*" for i in range(400)],
        "Resource": [f"arn:aws:s3:::*a{seed}?b{i}*" for i in range(400)],
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.mark.timeout(240)
def test_compiling_many_documents_leaves_the_node_responsive(
    node: InProcessNode, management: Client
) -> None:
    documents = [_dense_policy(seed) for seed in range(30)]  # about 600 KB, all new
    with account_client(node, management) as caller, account_client(node, management) as probe:
        latencies, duration = _latencies_during(
            probe,
            lambda: caller.simulate_custom_policy(
                policy_input_list=documents, action_names=["s3:GetObject"]
            ),
        )
        _assert_responsive(latencies, duration)


def _managed_slow_policy(seed: int) -> str:
    """A managed policy just within AWS's 6,144 characters, of wildcard patterns that each
    scan a long run of `a`."""
    resources = [f"arn:aws:s3:::*a?b{seed}x{i}*" for i in range(230)]
    statement = {"Effect": "Allow", "Action": "s3:*", "Resource": resources}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, separators=(",", ":"))


@pytest.mark.timeout(240)
def test_one_question_over_an_accounts_own_slow_policies_leaves_the_node_responsive(
    node: InProcessNode, management: Client
) -> None:
    """A tenant's administrators write its policies: one Authorize over ten of the slowest
    they may write, against a long ARN, is answered off the event loop."""
    with account_client(node, management) as caller, account_client(node, management) as probe:
        user = caller.create_user(user_name="slow").user
        for seed in range(10):
            arn = caller.create_policy(
                policy_name=f"slow{seed}", policy_document=_managed_slow_policy(seed)
            ).policy.arn
            assert arn is not None
            caller.attach_user_policy(user_name="slow", policy_arn=arn)
        question: dict[str, Any] = {
            "principal_arn": user.arn,
            "action": "s3:GetObject",
            "resource_arn": f"arn:aws:s3:::{'a' * 2000}",
        }
        token = caller.consistency_token
        latencies, duration = _latencies_during(
            probe,
            lambda: [caller.authorize(**question, at_least=token) for _ in range(3)],
        )
        _assert_responsive(latencies, duration)


def test_a_page_evaluates_at_most_its_share_of_the_product(iam: Client) -> None:
    """Many resources: fewer actions per page (IsTruncated), never the whole product."""
    resources = [f"arn:aws:s3:::b/{i}" for i in range(SIMULATION_MAX_RESOURCES)]
    actions = [f"s3:Action{i}" for i in range(5)]
    allow = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
        }
    )
    seen: list[str] = []
    marker: str | None = None
    while True:
        page = iam.simulate_custom_policy(
            policy_input_list=[allow],
            action_names=actions,
            resource_arns=resources,
            max_items=100,
            marker=marker,
        )
        evaluated = len(page.evaluation_results) * len(resources)
        assert evaluated <= SIMULATION_PAGE_EVALUATIONS
        seen += [r.eval_action_name for r in page.evaluation_results]
        assert all(r.eval_decision == "allowed" for r in page.evaluation_results)
        if not page.is_truncated:
            break
        marker = page.marker
    assert seen == actions  # every action once, in order


ALLOW_ALL = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (
            lambda c: c.authorize_batch(
                requests=[{"principal_arn": "x", "action": "s3:Get", "resource_arn": "*"}]
                * (AUTHORIZE_BATCH_MAX_REQUESTS + 1)
            ),
            "Requests",
        ),
        (
            lambda c: c.simulate_custom_policy(
                policy_input_list=[ALLOW_ALL],
                action_names=["s3:Get"] * (SIMULATION_MAX_ACTIONS + 1),
            ),
            "ActionNames",
        ),
        (
            lambda c: c.simulate_custom_policy(
                policy_input_list=[ALLOW_ALL],
                action_names=["s3:Get"],
                resource_arns=["arn:aws:s3:::b"] * (SIMULATION_MAX_RESOURCES + 1),
            ),
            "ResourceArns",
        ),
        (
            lambda c: c.simulate_custom_policy(
                policy_input_list=[ALLOW_ALL],
                action_names=["s3:Get"],
                context_entries=[
                    {
                        "context_key_name": f"aws:key{i}",
                        "context_key_values": ["v"],
                        "context_key_type": "string",
                    }
                    for i in range(MAX_CONTEXT_ENTRIES + 1)
                ],
            ),
            "ContextEntries",
        ),
    ],
)
def test_lists_over_their_caps_are_refused(
    iam: Client, call: Callable[[Client], object], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        call(iam)
    assert refused.value.field == field
    assert "less than or equal to" in refused.value.message
