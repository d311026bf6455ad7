"""The largest call a caller may make cannot hold a node's event loop.

Before, AuthorizeBatch and the two simulators evaluated every question on the event loop
(300,000 batch items blocked it 2.8 s; the simulators evaluated the whole actions x resources
product before paginating). Now every list is capped, a simulator page evaluates at most
SIMULATION_PAGE_EVALUATIONS pairs, and large calls are answered on the node's evaluation
worker: a second client's GetCallerIdentity keeps answering while they run.

How the tests show it without measuring time: the node runs in this process, so each test
holds the large call's pure work (compiling, simulating, answering) at its start until
another client's GetCallerIdentity has been answered, and records which ended first. Off the
event loop, the probe is answered while the work is held; on the event loop, the probe waits
until the work ends (released by HOLD_LIMIT_S at the latest), and the order is reversed.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from typing import Any, Generic, ParamSpec, TypeVar

import pytest

from iamstore.client import Client, Credentials, ValidationError
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node.api import authz_simulators, documents
from iamstore.node.api.authz_limits import (
    AUTHORIZE_BATCH_MAX_REQUESTS,
    MAX_CONTEXT_ENTRIES,
    SIMULATION_MAX_ACTIONS,
    SIMULATION_MAX_RESOURCES,
    SIMULATION_PAGE_EVALUATIONS,
)
from iamstore.node.auth.authorize import Question
from iamstore.node.auth.policy_simulator import simulate
from iamstore.node.auth.supplied import compile_document
from iamstore.node.config import NodeConfig

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")

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


# How long held work waits for the test at most: it only breaks the deadlock of work held on
# the event loop (the probe could then never be answered). Never a measure: the tests assert
# the order of events, and the probe's client waits longer than this (account_client).
HOLD_LIMIT_S = 60.0
PROBE_ANSWERED = "probe answered"
WORK_FINISHED = "work finished"


class HeldWork(Generic[P, R]):
    """Stands in for one of the node's pure work functions: its first call that `matches` is
    held (on whichever thread runs it) until `release`, then does the real work. `events`
    records, in order, when that work finished and when the test's probe was answered."""

    def __init__(self, work: Callable[P, R], matches: Callable[P, bool] | None = None) -> None:
        self._work = work
        self._matches = matches
        self._claim = threading.Lock()
        self._held = False
        self._released = threading.Event()
        self.started = threading.Event()
        self.events: list[str] = []  # list.append is atomic: both threads append

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        if not self._take_hold(*args, **kwargs):
            return self._work(*args, **kwargs)
        self.started.set()
        self._released.wait(HOLD_LIMIT_S)
        try:
            return self._work(*args, **kwargs)
        finally:
            self.events.append(WORK_FINISHED)

    def _take_hold(self, *args: P.args, **kwargs: P.kwargs) -> bool:
        if self._matches is not None and not self._matches(*args, **kwargs):
            return False
        with self._claim:  # INVARIANT: one call is held, the first that matches
            held, self._held = self._held, True
        return not held

    def release(self) -> None:
        self._released.set()


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
    return Client(node.address, credentials=credentials, timeout=2 * HOLD_LIMIT_S)


def _probe_answered_while_held(
    probe: Client, held: HeldWork[..., Any], heavy: Callable[[], T]
) -> T:
    """Runs `heavy` on a thread; once its held work has started, `probe` asks
    GetCallerIdentity. Returns `heavy`'s result after checking that the probe was answered
    before the held work finished."""
    outcome: list[T | Exception] = []

    def run() -> None:
        try:
            outcome.append(heavy())
        except Exception as exc:  # reported below, in the test's thread
            outcome.append(exc)
            held.release()  # the work may never have started: nothing to wait for

    worker = threading.Thread(target=run)
    worker.start()
    try:
        started = held.started.wait(2 * HOLD_LIMIT_S)
        if started:
            probe.get_caller_identity()
            held.events.append(PROBE_ANSWERED)
    finally:
        held.release()
        worker.join()
    (result,) = outcome
    if isinstance(result, Exception):
        raise result
    assert started, "the call's work was never held: it did not reach the wrapped function"
    # The probe was answered while the call's work could not progress: the node answered
    # another caller in the middle of the large call.
    assert held.events == [PROBE_ANSWERED, WORK_FINISHED]
    return result


def _hold_first_answer(
    node: InProcessNode, monkeypatch: pytest.MonkeyPatch, action: str
) -> HeldWork[[Question], Any]:
    """Holds the node's first decision on `action` (Authorizer.answer is pure: it may run
    on the evaluation worker)."""
    assert node.node is not None
    assert node.node.components is not None
    authorizer = node.node.components.authorizer
    held = HeldWork(authorizer.answer, lambda question: question.request.action == action)
    monkeypatch.setattr(authorizer, "answer", held)
    return held


@pytest.mark.timeout(240)
def test_largest_simulation_page_leaves_the_node_responsive(
    node: InProcessNode, management: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    resources = _slow_resources(SIMULATION_PAGE_EVALUATIONS // 10)
    actions = [f"s3:Action{i}" for i in range(SIMULATION_MAX_ACTIONS)]
    held = HeldWork(simulate)
    monkeypatch.setattr(authz_simulators, "simulate", held)
    with account_client(node, management) as caller, account_client(node, management) as probe:
        page = _probe_answered_while_held(
            probe,
            held,
            lambda: caller.simulate_custom_policy(
                policy_input_list=[_slow_policy(principal=False)],
                action_names=actions,
                resource_arns=resources,
                max_items=1000,
            ),
        )
    # The held page is the largest one: SIMULATION_PAGE_EVALUATIONS pairs, all decided.
    assert len(page.evaluation_results) * len(resources) == SIMULATION_PAGE_EVALUATIONS
    assert {r.eval_decision for r in page.evaluation_results} == {"implicitDeny"}


@pytest.mark.timeout(240)
def test_largest_authorize_batch_leaves_the_node_responsive(
    node: InProcessNode, management: Client, monkeypatch: pytest.MonkeyPatch
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
        held = _hold_first_answer(node, monkeypatch, "s3:GetObject")
        batch = _probe_answered_while_held(
            probe,
            held,
            lambda: caller.authorize_batch(requests=requests, at_least=caller.consistency_token),
        )
    assert [r.decision for r in batch.results] == ["ImplicitDeny"] * AUTHORIZE_BATCH_MAX_REQUESTS


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
    node: InProcessNode, management: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [_dense_policy(seed) for seed in range(30)]  # about 600 KB, all new
    held = HeldWork(compile_document, lambda name, kind, text: text == texts[0])
    monkeypatch.setattr(documents, "compile_document", held)
    with account_client(node, management) as caller, account_client(node, management) as probe:
        simulated = _probe_answered_while_held(
            probe,
            held,
            lambda: caller.simulate_custom_policy(
                policy_input_list=texts, action_names=["s3:GetObject"]
            ),
        )
    # Compiled, then used: the documents allow s3:GetObject for none of their patterns.
    assert [r.eval_decision for r in simulated.evaluation_results] == ["implicitDeny"]


def _managed_slow_policy(seed: int) -> str:
    """A managed policy just within AWS's 6,144 characters, of wildcard patterns that each
    scan a long run of `a`."""
    resources = [f"arn:aws:s3:::*a?b{seed}x{i}*" for i in range(230)]
    statement = {"Effect": "Allow", "Action": "s3:*", "Resource": resources}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, separators=(",", ":"))


@pytest.mark.timeout(240)
def test_one_question_over_an_accounts_own_slow_policies_leaves_the_node_responsive(
    node: InProcessNode, management: Client, monkeypatch: pytest.MonkeyPatch
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
        token = caller.consistency_token
        held = _hold_first_answer(node, monkeypatch, "s3:GetObject")
        decision = _probe_answered_while_held(
            probe,
            held,
            lambda: caller.authorize(
                principal_arn=user.arn,
                action="s3:GetObject",
                resource_arn=f"arn:aws:s3:::{'a' * 2000}",
                at_least=token,
            ),
        )
    assert decision.decision == "ImplicitDeny"


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
