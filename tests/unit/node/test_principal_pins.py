"""Trust-policy principals pinned by unique id: what is pinned, refused, rewritten and shown."""

from __future__ import annotations

import json

import pytest

from iamstore.node.domain.entities import Change, Role, User
from iamstore.node.domain.errors import MalformedPolicyDocument
from iamstore.node.domain.principal_pins import (
    current_names,
    pins_of,
    shown_document,
    with_principals,
)
from iamstore.node.domain.view import View
from iamstore.node.policy import PolicyKind, parse_policy
from iamstore.node.policy.document import PrincipalKey

A = "111122223333"


def _trust(*principals: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": list(principals)},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )


def _view(*rows: User | Role) -> View:
    view = View()
    for row in rows:
        view.apply(Change.put(row))
    return view


ALICE = User("AIDAALICE", A, "alice", "/", 0)
OPS = Role("AROAOPS", A, "ops", "/", 0, "{}")


def test_users_and_roles_are_pinned_accounts_are_not() -> None:
    view = _view(ALICE, OPS)
    text = _trust(ALICE.arn, OPS.arn, A, f"arn:aws:iam::{A}:root")
    pins = pins_of(view, parse_policy(text, PolicyKind.TRUST), "F")
    assert pins == ((OPS.arn, "AROAOPS"), (ALICE.arn, "AIDAALICE"))  # sorted by arn


@pytest.mark.parametrize(
    "arn",
    [
        f"arn:aws:iam::{A}:user/nobody",
        f"arn:aws:iam::{A}:user/team/alice",  # alice exists, but not on this path
        f"arn:aws:iam::{A}:role/alice",  # a user of that name is not a role
        f"arn:aws-cn:iam::{A}:user/alice",  # nor is a user of another partition
    ],
)
def test_an_arn_naming_no_principal_is_refused(arn: str) -> None:
    policy = parse_policy(_trust(arn), PolicyKind.TRUST)
    with pytest.raises(MalformedPolicyDocument, match="Invalid principal"):
        pins_of(_view(ALICE), policy, "F")


def test_a_re_created_principal_is_named_by_the_old_id_a_renamed_one_by_its_new_arn() -> None:
    view = _view(ALICE, OPS)
    text = _trust(ALICE.arn, OPS.arn)
    pins = pins_of(view, parse_policy(text, PolicyKind.TRUST), "F")
    assert current_names(view, pins) == {}
    view.apply(Change.delete(ALICE))
    view.apply(Change.put(User("AIDANEWALICE", A, "alice", "/", 1)))
    view.apply(Change.put(Role("AROAOPS", A, "operators", "/team/", 0, "{}")))
    names = current_names(view, pins)
    assert names == {ALICE.arn: "AIDAALICE", OPS.arn: f"arn:aws:iam::{A}:role/team/operators"}
    rewritten = with_principals(parse_policy(text, PolicyKind.TRUST), names)
    principal = rewritten.statements[0].principal
    assert principal is not None
    assert principal.entries == (
        (PrincipalKey.AWS, ("AIDAALICE", f"arn:aws:iam::{A}:role/team/operators")),
    )
    shown = json.loads(shown_document(text, names))
    assert shown["Statement"][0]["Principal"]["AWS"] == [
        "AIDAALICE",
        f"arn:aws:iam::{A}:role/team/operators",
    ]
    assert shown_document(text, {}) is text


def test_a_pin_never_resolves_to_another_accounts_principal_holding_its_id() -> None:
    """A principal never changes account: a user of another account under a pinned id (it
    took the id after the pinned user was deleted) is not the principal the policy names."""
    pins = ((ALICE.arn, ALICE.user_id), (OPS.arn, OPS.role_id))
    taker = User(ALICE.user_id, "444455556666", "mallory", "/", 0)
    role_taker = Role(OPS.role_id, "444455556666", "ops", "/", 0, "{}")
    assert current_names(_view(taker, role_taker), pins) == {
        ALICE.arn: ALICE.user_id,
        OPS.arn: OPS.role_id,
    }
    # Its own account's principal is found, renamed or not; a role is never a pinned user.
    renamed = User(ALICE.user_id, A, "alicia", "/", 0)
    assert current_names(_view(renamed), pins) == {
        ALICE.arn: renamed.arn,
        OPS.arn: OPS.role_id,
    }
    assert current_names(_view(Role(ALICE.user_id, A, "alice", "/", 0, "{}")), pins[:1]) == {
        ALICE.arn: ALICE.user_id
    }
