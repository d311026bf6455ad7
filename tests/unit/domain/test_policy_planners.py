"""Table tests for the managed-policy and policy-version planners against a View, without gRPC.

Each row: the writes that prepare the view, on which node the operation runs, the operation,
and either the rows it writes (table, key, put or delete) or the AWS error it raises (code,
field), in which case it planned nothing and the view is unchanged. AWS's rules followed:
CreatePolicy, CreatePolicyVersion (five versions at most), SetDefaultPolicyVersion,
DeletePolicyVersion (never the default) and DeletePolicy (not while attached, nor with
versions beside the default) in the IAM API Reference,
https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicyVersion.html and its
neighbours; version ids as node/domain/versions.py describes them.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

import pytest
from planner import ACCOUNT, NOW_MS, apply, context

from iamstore.node.domain import lookup, policies, tagging, users, versions
from iamstore.node.domain.entities import Change, PolicyVersion
from iamstore.node.domain.errors import IamError
from iamstore.node.domain.rules import Quotas
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext

HOME = "n-home"  # the node CreatePolicy runs on in every row
OTHER = "n-other"
ARN = f"arn:aws:iam::{ACCOUNT}:policy/p"
POLICY_ID = "ANPA1"  # the first id the harness's context hands out


def _held(view: View) -> tagging.Taggable:
    """The policy the tag rows name, as TagPolicy and UntagPolicy find it."""
    return lookup.customer_policy(view, ACCOUNT, ARN, "TagPolicy")


def _document(sid: str) -> str:
    statement = {"Sid": sid, "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


Plan = Callable[[View, WriteContext], object]


def _policy(name: str = "p", tags: tuple[tuple[str, str], ...] = ()) -> Plan:
    return lambda v, c: policies.create(v, c, name, "/", _document("One"), None, tags)[0]


def _version(default: bool = False) -> Plan:
    return lambda v, c: versions.create(v, c, ARN, _document("Two"), default)[0]


def _set_default(version_id: str) -> Plan:
    return lambda v, c: versions.set_default(v, c, ARN, version_id)


def _delete_version(version_id: str) -> Plan:
    return lambda v, c: versions.delete(v, c, ARN, version_id)


def _user(name: str) -> Plan:
    return lambda v, c: users.create(v, c, name, "/", (), None)[0]


def _attach_to(user: str) -> Plan:
    def plan(view: View, ctx: WriteContext) -> list[Change]:
        found = view.users.named(ACCOUNT, user)
        assert found is not None
        return policies.attach(view, ctx, found, ARN)

    return plan


def _boundary_of(user: str) -> Plan:
    def plan(view: View, ctx: WriteContext) -> list[Change]:
        found = view.users.named(ACCOUNT, user)
        assert found is not None
        return policies.put_boundary(view, ctx, found, ARN)

    return plan


def _changes(planned: object) -> list[Change]:
    """A plan's changes, whether it returns them alone or with its result."""
    if isinstance(planned, tuple):
        planned = planned[0]
    assert isinstance(planned, list)
    assert all(isinstance(change, Change) for change in planned)
    return planned


def _prepared(given: tuple[Plan, ...], quotas: Quotas) -> View:
    view = View()
    home = dataclasses.replace(context(quotas), origin=HOME)
    for step in given:
        apply(view, _changes(step(view, home)))
    return view


def _on(node: str, quotas: Quotas) -> WriteContext:
    # Ids continue after the prepared view's (the harness counts from 1 per context): the
    # operations below create nothing with a fresh id but CreatePolicy on an empty view.
    return dataclasses.replace(context(quotas), origin=node)


PUT, DELETE = "put", "delete"
Row = tuple[str, str, str]  # (table, key, put or delete)


@dataclasses.dataclass(frozen=True)
class Writes:
    name: str
    given: tuple[Plan, ...]
    plan: Plan
    rows: frozenset[Row]
    node: str = HOME


def _rows(*rows: Row) -> frozenset[Row]:
    return frozenset(rows)


WRITES = [
    Writes("create policy: the policy, v1, its default pointer, the home node's counter", (),
           _policy(), _rows(("policy", POLICY_ID, PUT), ("policy_version", f"{POLICY_ID}/v1", PUT),
                            ("policy_default", POLICY_ID, PUT),
                            ("policy_version_counter", f"{POLICY_ID}/{HOME}", PUT))),
    Writes("create policy with tags: tags are part of its record", (),
           _policy(tags=(("team", "data"),)),
           _rows(("policy", POLICY_ID, PUT), ("policy_version", f"{POLICY_ID}/v1", PUT),
                 ("policy_default", POLICY_ID, PUT),
                 ("policy_version_counter", f"{POLICY_ID}/{HOME}", PUT))),
    Writes("create version on the home node: plain vN", (_policy(),), _version(),
           _rows(("policy_version", f"{POLICY_ID}/v2", PUT),
                 ("policy_version_counter", f"{POLICY_ID}/{HOME}", PUT))),
    Writes("create version elsewhere: vN.<node>, and that node's own counter", (_policy(),),
           _version(), _rows(("policy_version", f"{POLICY_ID}/v2.{OTHER}", PUT),
                             ("policy_version_counter", f"{POLICY_ID}/{OTHER}", PUT)), OTHER),
    Writes("create version as default: the pointer moves too", (_policy(),), _version(True),
           _rows(("policy_version", f"{POLICY_ID}/v2", PUT),
                 ("policy_version_counter", f"{POLICY_ID}/{HOME}", PUT),
                 ("policy_default", POLICY_ID, PUT))),
    Writes("a deleted version's number is not handed out again",
           (_policy(), _version(), _delete_version("v2")), _version(),
           _rows(("policy_version", f"{POLICY_ID}/v3", PUT),
                 ("policy_version_counter", f"{POLICY_ID}/{HOME}", PUT))),
    Writes("set default: only the pointer", (_policy(), _version()), _set_default("v2"),
           _rows(("policy_default", POLICY_ID, PUT))),
    Writes("set default to the current default: nothing", (_policy(),), _set_default("v1"),
           _rows()),
    Writes("delete a version that is not the default: only its row",
           (_policy(), _version()), _delete_version("v2"),
           _rows(("policy_version", f"{POLICY_ID}/v2", DELETE))),
    Writes("delete policy: its record, version, pointer and counters",
           (_policy(), _version(), _delete_version("v2")), lambda v, c: policies.delete(v, c, ARN),
           _rows(("policy", POLICY_ID, DELETE), ("policy_version", f"{POLICY_ID}/v1", DELETE),
                 ("policy_default", POLICY_ID, DELETE),
                 ("policy_version_counter", f"{POLICY_ID}/{HOME}", DELETE))),
    Writes("tag policy: one field row per key", (_policy(),),
           lambda v, c: tagging.tag(v, c, _held(v), [("team", "data"), ("env", "dev")]),
           _rows(("entity_field", f"policy|{POLICY_ID}|{NOW_MS}|tag:team", PUT),
                 ("entity_field", f"policy|{POLICY_ID}|{NOW_MS}|tag:env", PUT))),
    Writes("untag policy: the keys it has, marked removed", (_policy(tags=(("team", "data"),)),),
           lambda v, c: tagging.untag(_held(v), ["team", "absent"]),
           _rows(("entity_field", f"policy|{POLICY_ID}|{NOW_MS}|tag:team", PUT))),
]  # fmt: skip


@pytest.mark.parametrize("case", WRITES, ids=[case.name for case in WRITES])
def test_a_write_plans_exactly_its_rows(case: Writes) -> None:
    view = _prepared(case.given, Quotas())
    planned = _changes(case.plan(view, _on(case.node, Quotas())))
    written = [(c.table, c.key, PUT if c.row is not None else DELETE) for c in planned]
    assert len(written) == len(set(written))  # no row written twice in one commit
    assert frozenset(written) == case.rows


@dataclasses.dataclass(frozen=True)
class Refusal:
    name: str
    given: tuple[Plan, ...]
    plan: Plan
    code: str
    field: str | None
    quotas: Quotas = dataclasses.field(default_factory=Quotas)
    node: str = HOME


def _five_versions() -> tuple[Plan, ...]:
    return (_policy(), _version(), _version(), _version(), _version())


REFUSALS = [
    Refusal("policy name taken", (_policy(),), _policy(), "EntityAlreadyExists", "PolicyName"),
    Refusal("policies per account", (_policy("a"),), _policy("b"), "LimitExceeded", None,
            Quotas(policies_per_account=1)),
    Refusal("not a policy document", (),
            lambda v, c: policies.create(v, c, "p", "/", "{}", None, ()),
            "MalformedPolicyDocument", "PolicyDocument"),
    Refusal("policy document too large", (), _policy(), "LimitExceeded", "PolicyDocument",
            Quotas(managed_policy_chars=20)),
    Refusal("51st tag at creation", (), _policy(tags=tuple((f"k{i}", "v") for i in range(51))),
            "LimitExceeded", "Tags"),
    Refusal("a sixth version", _five_versions(), _version(), "LimitExceeded", None),
    Refusal("a sixth version, also elsewhere", _five_versions(), _version(), "LimitExceeded",
            None, node=OTHER),
    Refusal("a version of a missing policy", (), _version(), "NoSuchEntity", "PolicyArn"),
    Refusal("set default to a missing version", (_policy(),), _set_default("v9"),
            "NoSuchEntity", "VersionId"),
    Refusal("delete the default version", (_policy(), _version()), _delete_version("v1"),
            "DeleteConflict", "VersionId"),
    Refusal("delete a missing version", (_policy(),), _delete_version("v2"), "NoSuchEntity",
            "VersionId"),
    Refusal("delete a policy attached to a user", (_policy(), _user("u"), _attach_to("u")),
            lambda v, c: policies.delete(v, c, ARN), "DeleteConflict", None),
    Refusal("delete a policy that is a permissions boundary",
            (_policy(), _user("u"), _boundary_of("u")),
            lambda v, c: policies.delete(v, c, ARN), "DeleteConflict", None),
    Refusal("delete a policy with versions beside the default", (_policy(), _version()),
            lambda v, c: policies.delete(v, c, ARN), "DeleteConflict", None),
    Refusal("51st tag", (_policy(),),
            lambda v, c: tagging.tag(v, c, _held(v), [(f"k{i}", "v") for i in range(51)]),
            "LimitExceeded", "Tags"),
]  # fmt: skip


@pytest.mark.parametrize("case", REFUSALS, ids=[case.name for case in REFUSALS])
def test_a_refused_write_names_its_error_and_plans_nothing(case: Refusal) -> None:
    view = _prepared(case.given, Quotas())
    before = sorted(map(repr, view.rows()))
    with pytest.raises(IamError) as caught:
        case.plan(view, _on(case.node, case.quotas))
    assert (caught.value.code, caught.value.field) == (case.code, case.field)
    assert sorted(map(repr, view.rows())) == before


def test_versions_made_on_two_nodes_from_one_replica_get_distinct_ids() -> None:
    """The INVARIANT of versions.create: the same replica state on the home node and on
    another node yields two ids that cannot collide, and both are kept once applied."""
    view = _prepared((_policy(),), Quotas())
    _, on_home = versions.create(view, _on(HOME, Quotas()), ARN, _document("A"), False)
    changes, elsewhere = versions.create(view, _on(OTHER, Quotas()), ARN, _document("B"), False)
    assert (on_home.version_id, elsewhere.version_id) == ("v2", f"v2.{OTHER}")
    apply(view, changes)
    home_changes, _ = versions.create(view, _on(HOME, Quotas()), ARN, _document("A"), False)
    apply(view, home_changes)
    assert sorted(view.policy_versions(POLICY_ID)) == ["v1", "v2.n-other", "v3"]


def test_the_default_survives_a_delete_of_its_row_and_moves_only_when_set() -> None:
    """SetDefault after a concurrent delete of the old default's row writes that row again,
    so the old default stays a version (versions._keep_default)."""
    view = _prepared((_policy(), _version()), Quotas())
    ctx = _on(HOME, Quotas())
    # As if another node's DeletePolicyVersion of v1 raced a SetDefault here: only the
    # pointer's copy still holds v1.
    apply(view, [Change.delete(PolicyVersion(POLICY_ID, "v1", "", 0))])
    planned = versions.set_default(view, ctx, ARN, "v2")
    assert [(c.table, c.key) for c in planned] == [
        ("policy_version", f"{POLICY_ID}/v1"),
        ("policy_default", POLICY_ID),
    ]
    apply(view, planned)
    assert sorted(view.policy_versions(POLICY_ID)) == ["v1", "v2"]
    assert view.defaults[POLICY_ID].version_id == "v2"
