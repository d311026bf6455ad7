"""The chaos invariants on hand-made histories: each check finds the violation it names."""

from __future__ import annotations

from iamstore.cluster.chaos import checks
from iamstore.cluster.chaos.history import (
    DependencyRead,
    FaultRecord,
    History,
    LagSample,
    Listing,
    Op,
    Outcome,
    StaleRead,
    StatusSample,
)


def _write(kind: str, entity: str, start: float, outcome: Outcome = Outcome.OK,
           token: dict[str, int] | None = None, **result: str) -> Op:  # fmt: skip
    return Op("w1", "node1", kind, entity, start, start + 0.01, outcome, result=dict(result),
              token=token or {}, write=True)  # fmt: skip


def _final(vector: dict[str, int], node_id: str = "n1", digest: str = "d") -> checks.NodeFinal:
    return checks.NodeFinal(dict(vector), digest, node_id)


def test_an_acknowledged_write_whose_token_a_replica_lacks_is_lost() -> None:
    history = History(ops=[_write("create_user", "u-1", 1.0, token={"n1": 5}, user_id="AIDA1")])
    finals = {"node1": _final({"n1": 5}), "node2": _final({"n1": 4}, node_id="n2")}
    assert checks.lost_writes(history, finals) == ["node2 lacks create_user `u-1` token {'n1': 5}"]
    finals["node2"] = _final({"n1": 5}, node_id="n2")
    assert checks.lost_writes(history, finals) == []


def test_a_replica_whose_user_differs_from_the_replayed_writes_has_lost_one() -> None:
    history = History(ops=[
        _write("create_user", "u-1", 1.0, user_id="AIDA1"),
        _write("delete_user", "u-1", 2.0, user_id="AIDA1"),
    ])  # fmt: skip
    alive = checks.UserState("AIDA1", frozenset(), frozenset(), frozenset())
    final = _final({"n1": 2})
    final.users["u-1"] = alive
    assert checks.lost_writes(history, {"node1": final}) == [
        f"node1: user `u-1` is {alive}, want None"
    ]


def test_a_write_of_unknown_outcome_makes_its_entity_unpredictable() -> None:
    history = History(ops=[
        _write("create_user", "u-1", 1.0, user_id="AIDA1"),
        _write("delete_user", "u-1", 2.0, outcome=Outcome.UNKNOWN),
    ])  # fmt: skip
    assert checks.expected_users(history) == {}


def test_a_deleted_user_listed_after_the_delete_is_a_resurrection() -> None:
    delete = _write("delete_user", "u-1", 1.0, user_id="AIDA1")
    history = History(ops=[delete], listings=[
        Listing("node2", 0.5, 0.6, frozenset({"AIDA1"})),  # before the delete: fine
        Listing("node2", 3.0, 3.1, frozenset({"AIDA1"})),
    ])  # fmt: skip
    assert checks.resurrections(history, {}) == ["node2 at 3.00s lists deleted u-1"]


def test_a_version_vector_going_backwards_is_a_prefix_violation() -> None:
    history = History(statuses=[
        StatusSample(1.0, "node2", {"n1": 3}, "a"),
        StatusSample(2.0, "node2", {"n1": 2}, "b"),
    ])  # fmt: skip
    assert checks.prefix_violations(history, {}) == ["node2 at 2.00s: n1 went 3 -> 2"]


def test_a_replica_ahead_of_the_origin_itself_is_a_prefix_violation() -> None:
    finals = {"node1": _final({"n1": 4}), "node2": _final({"n1": 5}, node_id="n2")}
    assert checks.prefix_violations(History(), finals) == ["node2 holds n1:5 beyond its origin (4)"]


def test_decisions_that_differ_between_replicas_are_reported() -> None:
    one, two = _final({"n1": 1}), _final({"n1": 1}, node_id="n2")
    one.decisions["alice s3:GetObject b"] = "Allow"
    two.decisions["alice s3:GetObject b"] = "ImplicitDeny"
    assert checks.decision_disagreements({"node1": one, "node2": two}) == [
        "alice s3:GetObject b: {'node1': 'Allow', 'node2': 'ImplicitDeny'}"
    ]
    two.decisions["alice s3:GetObject b"] = "Allow"
    assert checks.decision_disagreements({"node1": one, "node2": two}) == []


def test_stale_reads_are_reported_with_node_and_time() -> None:
    read = Op("w1", "node3", "get_user", "u-1", 4.0, 4.1, Outcome.OK)
    history = History(stale_reads=[StaleRead(read, "user u-1 missing")])
    assert checks.stale_token_reads(history) == ["node3 at 4.00s: user u-1 missing"]


def test_converged_needs_one_vector_and_one_digest() -> None:
    assert checks.converged({"a": _final({"n1": 2}), "b": _final({"n1": 2}, node_id="n2")})
    assert not checks.converged({"a": _final({"n1": 2}), "b": _final({"n1": 1}, node_id="n2")})
    assert not checks.converged({"a": _final({"n1": 2}), "b": _final({"n1": 2}, digest="x")})


def test_percentiles_are_nearest_rank() -> None:
    assert checks.percentiles(list(range(1, 101))) == {"p50": 50, "p95": 95, "p99": 99}
    assert checks.percentiles([]) == {"p50": None, "p95": None, "p99": None}


def test_lag_is_split_by_the_fault_windows_each_sample_overlaps() -> None:
    history = History(
        faults=[FaultRecord("partition", ("node3",), 10.0, 20.0),
                FaultRecord("loss", (), 18.0, 30.0)],
        lags=[
            LagSample("n1", "node2", 1.0, 1.01, 10.0),  # healthy
            LagSample("n1", "node3", 9.0, 12.0, 3000.0),  # reaches into the partition
            LagSample("n1", "node2", 19.0, 19.02, 20.0),  # both windows
            LagSample("n1", "node2", 25.0, 25.05, 50.0),  # loss only
        ],
    )  # fmt: skip
    healthy, faulty = checks.lag_split(history)
    assert healthy == [10.0]
    assert faulty == [3000.0, 20.0, 50.0]
    assert checks.lag_by_fault(history) == {"partition": [3000.0, 20.0], "loss": [20.0, 50.0]}


def test_a_default_missing_from_the_versions_breaks_a_policy_invariant() -> None:
    final = _final({"n1": 1})
    final.policies["arn:p"] = checks.PolicyState(frozenset({"v1"}), "v2")
    problems = checks.policy_invariants(History(), {"node1": final})
    assert problems == ["node1: policy `arn:p`'s default v2 is missing"]
    final.policies["arn:p"] = checks.PolicyState(frozenset({"v1", "v2.n1"}), "v2.n1")
    assert checks.policy_invariants(History(), {"node1": final}) == []


def test_a_version_id_acknowledged_twice_is_reported() -> None:
    history = History()
    history.ops += [
        _write("create_policy_version", "arn:p", 1.0, version="v2"),
        _write("create_policy_version", "arn:p", 2.0, version="v2"),
    ]
    assert checks.policy_invariants(history, {}) == ["version `v2` of `arn:p` acknowledged twice"]


def test_a_read_lacking_what_a_write_depended_on_is_reported() -> None:
    held = DependencyRead("membership", "node1", "node2", "node3", 5.0)
    lacking = DependencyRead("attachment", "node1", "node2", "node3", 6.0, "policy `p`")
    history = History(dependency_reads=[held, lacking])
    assert checks.token_dependency_misses(history) == [
        "node3 at 6.00s, with the token of attachment on node2 (made on node1), lacks policy `p`"
    ]
    assert checks.token_dependency_misses(History(dependency_reads=[held])) == []
