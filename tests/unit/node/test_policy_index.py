"""The authorization index assembles a principal's effective policies and follows changes."""

from __future__ import annotations

import json

from iamstore.node.auth.index import PolicyIndex
from iamstore.node.commits.codec import Commit
from iamstore.node.domain.entities import (
    Attachment,
    Boundary,
    Change,
    DefaultVersion,
    EntityField,
    Group,
    InlinePolicy,
    ManagedPolicy,
    Membership,
    PolicyVersion,
    User,
)
from iamstore.node.domain.view import View
from iamstore.node.policy import PolicySet, evaluate, make_request

ACCOUNT = "123456789012"


def _doc(action: str, effect: str = "Allow") -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": effect, "Action": action, "Resource": "*"}],
        }
    )


def _apply(view: View, index: PolicyIndex, *changes: Change) -> None:
    for change in changes:
        view.apply(change)
    index.on_commits([Commit("n1", 1, 1, "a", "x", tuple(changes))])


def _decide(index: PolicyIndex, user: User, action: str) -> str:
    found = index.for_user(user.user_id)
    request = make_request(user.arn, action, "arn:aws:s3:::b/k", resource_account=ACCOUNT)
    decision = evaluate(request, PolicySet(identity=found.identity, boundary=found.boundary))
    return decision.outcome.value


def test_user_gets_own_group_and_managed_policies_then_follows_changes() -> None:
    view, alice = View(), User("AIDA1", ACCOUNT, "alice", "/", 1)
    index = PolicyIndex(view)
    group = Group("AGPA1", ACCOUNT, "devs", "/", 1)
    managed = ManagedPolicy("ANPA1", ACCOUNT, "m", "/", 1)
    _apply(
        view,
        index,
        Change.put(alice),
        Change.put(group),
        Change.put(Membership("AGPA1", "AIDA1")),
        Change.put(InlinePolicy("AIDA1", "own", _doc("s3:GetObject"))),
        Change.put(managed),
        Change.put(PolicyVersion("ANPA1", "v1", _doc("s3:PutObject"), 1)),
        Change.put(DefaultVersion("ANPA1", "v1", _doc("s3:PutObject"), 1, 1)),
        Change.put(PolicyVersion("ANPA1", "v2", _doc("s3:PutObject", "Deny"), 1)),
        Change.put(Attachment("AGPA1", "ANPA1")),
    )
    names = [p.name for p in index.for_user("AIDA1").identity]
    assert names == ["user/alice/own", managed.arn]
    assert _decide(index, alice, "s3:GetObject") == "Allow"
    assert _decide(index, alice, "s3:PutObject") == "Allow"

    # a new default version is seen at once
    _apply(
        view, index, Change.put(DefaultVersion("ANPA1", "v2", _doc("s3:PutObject", "Deny"), 1, 2))
    )
    assert _decide(index, alice, "s3:PutObject") == "ExplicitDeny"

    # leaving the group drops the group's policies
    _apply(view, index, Change("membership", "AGPA1/AIDA1", None))
    assert _decide(index, alice, "s3:PutObject") == "ImplicitDeny"

    # a boundary that does not allow the action makes it an implicit deny
    _apply(view, index, Change.put(Boundary("AIDA1", "ANPA1")))
    assert _decide(index, alice, "s3:GetObject") == "ImplicitDeny"


def test_dangling_links_grant_nothing() -> None:
    view = View()
    index = PolicyIndex(view)
    _apply(
        view,
        index,
        Change.put(InlinePolicy("AIDA-gone", "p", _doc("*"))),
        Change.put(Membership("AGPA1", "AIDA-gone")),
    )
    assert index.for_user("AIDA-gone").identity == ()


def test_a_boundary_whose_policy_is_missing_allows_nothing() -> None:
    # Issue 12 §4: a boundary only narrows access; its policy deleted (or hidden by a
    # concurrent DeletePolicy) must not read as "no boundary".
    view, alice = View(), User("AIDA1", ACCOUNT, "alice", "/", 1)
    index = PolicyIndex(view)
    _apply(
        view,
        index,
        Change.put(alice),
        Change.put(InlinePolicy("AIDA1", "own", _doc("s3:GetObject"))),
        Change.put(Boundary("AIDA1", "ANPA-gone")),
    )
    assert index.for_user("AIDA1").boundary is not None
    assert _decide(index, alice, "s3:GetObject") == "ImplicitDeny"
    # a record without its default pointer (DeletePolicy lost to a concurrent TagPolicy) too
    _apply(view, index, Change.put(ManagedPolicy("ANPA-gone", ACCOUNT, "b", "/", 1)))
    assert _decide(index, alice, "s3:GetObject") == "ImplicitDeny"
    # and with the boundary row gone, only the identity policy counts again
    _apply(view, index, Change("boundary", "AIDA1", None))
    assert _decide(index, alice, "s3:GetObject") == "Allow"


def test_a_rename_by_field_row_relabels_the_principals_policies() -> None:
    view, alice = View(), User("AIDA1", ACCOUNT, "alice", "/", 1)
    index = PolicyIndex(view)
    _apply(
        view, index, Change.put(alice), Change.put(InlinePolicy("AIDA1", "own", _doc("s3:Get*")))
    )
    assert [p.name for p in index.for_user("AIDA1").identity] == ["user/alice/own"]
    _apply(view, index, Change.put(EntityField("user", "AIDA1", "name", "alicia", 1)))
    assert [p.name for p in index.for_user("AIDA1").identity] == ["user/alicia/own"]
