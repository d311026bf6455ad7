"""Table tests for the user, group and role planners against a View, without gRPC.

Each case plans one write on a prepared view and checks either the AWS error it raises (code,
field) and that it planned nothing, or what the view holds once the plan's rows are applied.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from planner import ACCOUNT, apply, context

from iamstore.node.domain import groups, lookup, roles, tagging, users
from iamstore.node.domain.entities import Change
from iamstore.node.domain.errors import IamError
from iamstore.node.domain.rules import Quotas
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext

TRUST = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
    '"Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'
)

Plan = Callable[[View, WriteContext], object]


def _user(name: str, path: str = "/") -> Plan:
    return lambda v, c: users.create(v, c, name, path, (), None)[0]


def _group(name: str) -> Plan:
    return lambda v, c: groups.create(v, c, name, "/")[0]


def _role(name: str) -> Plan:
    return lambda v, c: roles.create(v, c, name, "/", TRUST, None, None, (), None)[0]


def _member(group: str, user: str) -> Plan:
    return lambda v, c: groups.add_user(v, c, group, user)


@dataclasses.dataclass(frozen=True)
class Refusal:
    name: str
    given: tuple[Plan, ...]
    plan: Plan
    code: str
    field: str | None
    quotas: Quotas = dataclasses.field(default_factory=Quotas)


REFUSALS = [
    Refusal("user name taken, any case", (_user("Alice"),), _user("alice"), "EntityAlreadyExists",
            "UserName"),
    Refusal("users per account", (_user("a"),), _user("b"), "LimitExceeded", None,
            Quotas(users_per_account=1)),
    Refusal("rename onto a taken name", (_user("a"), _user("b")),
            lambda v, c: users.update(v, c, "a", "B", None), "EntityAlreadyExists", "NewUserName"),
    Refusal("update a missing user", (), lambda v, c: users.update(v, c, "a", "b", None),
            "NoSuchEntity", "UserName"),
    Refusal("delete a user still in a group", (_user("a"), _group("g"), _member("g", "a")),
            lambda v, c: users.delete(v, c, "a"), "DeleteConflict", None),
    Refusal("51st tag", (_user("a"),),
            lambda v, c: tagging.tag(v, c, lookup.user(v, ACCOUNT, "a"),
                                   [(f"k{i}", "v") for i in range(51)]),
            "LimitExceeded", "Tags"),
    Refusal("group name taken", (_group("g"),), _group("G"), "EntityAlreadyExists", "GroupName"),
    Refusal("groups per user", (_user("a"), _group("g1"), _group("g2"), _member("g1", "a")),
            _member("g2", "a"), "LimitExceeded", None, Quotas(groups_per_user=1)),
    Refusal("remove a non-member", (_user("a"), _group("g")),
            lambda v, c: groups.remove_user(v, c, "g", "a"), "NoSuchEntity", "UserName"),
    Refusal("delete a group with members", (_user("a"), _group("g"), _member("g", "a")),
            lambda v, c: groups.delete(v, c, "g"), "DeleteConflict", None),
    Refusal("role name taken", (_role("r"),), _role("R"), "EntityAlreadyExists", "RoleName"),
    Refusal("trust policy too large", (),
            lambda v, c: roles.create(v, c, "r", "/", TRUST, None, None, (), None),
            "LimitExceeded", "AssumeRolePolicyDocument", Quotas(role_trust_policy_chars=10)),
    Refusal("trust policy not a policy", (),
            lambda v, c: roles.create(v, c, "r", "/", "{}", None, None, (), None),
            "MalformedPolicyDocument", "AssumeRolePolicyDocument"),
]  # fmt: skip


@pytest.mark.parametrize("case", REFUSALS, ids=[case.name for case in REFUSALS])
def test_a_refused_write_names_its_error_and_plans_nothing(case: Refusal) -> None:
    view = View()
    ctx = context(case.quotas)
    for step in case.given:
        apply(view, _changes(step(view, ctx)))
    before = sorted(map(repr, view.rows()))
    with pytest.raises(IamError) as caught:
        case.plan(view, ctx)
    assert (caught.value.code, caught.value.field) == (case.code, case.field)
    assert sorted(map(repr, view.rows())) == before


def _changes(planned: object) -> list[Change]:
    assert isinstance(planned, list)
    assert all(isinstance(change, Change) for change in planned)
    return planned


def test_a_rename_keeps_the_id_and_frees_the_old_name() -> None:
    view, ctx = View(), context()
    apply(view, _changes(_user("a", "/eng/")(view, ctx)))
    before = view.users.named(ACCOUNT, "a")
    assert before is not None
    apply(view, users.update(view, ctx, "a", "b", "/ops/"))
    after = view.users.named(ACCOUNT, "b")
    assert after is not None
    assert (after.user_id, after.path) == (before.user_id, "/ops/")
    assert view.users.named(ACCOUNT, "a") is None


def test_adding_a_member_twice_plans_nothing() -> None:
    view, ctx = View(), context()
    for step in (_user("a"), _group("g"), _member("g", "a")):
        apply(view, _changes(step(view, ctx)))
    assert groups.add_user(view, ctx, "g", "a") == []


def test_a_recreated_user_gets_a_new_id_and_none_of_the_old_links() -> None:
    view, ctx = View(), context()
    for step in (_user("a"), _group("g"), _member("g", "a")):
        apply(view, _changes(step(view, ctx)))
    old = view.users.named(ACCOUNT, "a")
    assert old is not None
    apply(view, groups.remove_user(view, ctx, "g", "a"))
    apply(view, users.delete(view, ctx, "a"))
    apply(view, _changes(_user("a")(view, ctx)))
    new = view.users.named(ACCOUNT, "a")
    assert new is not None
    assert new.user_id != old.user_id
    assert not view.members.to(new.user_id)


def test_role_defaults_follow_aws() -> None:
    view, ctx = View(), context()
    apply(view, _changes(_role("r")(view, ctx)))
    role = view.roles.named(ACCOUNT, "r")
    assert role is not None
    assert role.max_session_duration == 3600  # CreateRole's documented default
    assert role.role_id.startswith("AROA")


def test_untagging_removes_only_the_keys_named() -> None:
    view, ctx = View(), context()
    apply(view, _changes(_user("a")(view, ctx)))
    tags = [("team", "data"), ("env", "dev")]
    apply(view, tagging.tag(view, ctx, lookup.user(view, ACCOUNT, "a"), tags))
    apply(view, tagging.untag(lookup.user(view, ACCOUNT, "a"), ["env", "absent"]))
    user = view.users.named(ACCOUNT, "a")
    assert user is not None
    assert dict(user.tags) == {"team": "data"}
