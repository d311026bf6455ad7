"""The IAM questions an account import asks: each action, resource and condition key."""

from __future__ import annotations

from iamstore.node.auth.admin import Target
from iamstore.node.auth.import_targets import import_targets
from iamstore.node.domain.account_import import (
    AccountRecords,
    ImportedGroup,
    ImportedPolicy,
    ImportedProfile,
    ImportedRole,
    ImportedUser,
)
from iamstore.node.domain.entities import (
    Account,
    Attachment,
    Change,
    DefaultVersion,
    Group,
    InstanceProfile,
    ManagedPolicy,
    PolicyVersion,
    Role,
    User,
)
from iamstore.node.domain.view import View
from iamstore.node.policy import PolicyKind, parse_policy

ACCOUNT = "111111111111"
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
BOUNDARY = "arn:aws:iam::aws:policy/PowerUserAccess"
TRUST = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
    '"Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'
)
TAGS = (("team", "a"),)


def _records() -> AccountRecords:
    group = Group("AGPAOPS00000000000001", ACCOUNT, "ops", "/", 0)
    role = Role("AROAAPP00000000000001", ACCOUNT, "app", "/", 0, TRUST, tags=TAGS)
    profile = InstanceProfile("AIPAAPP00000000000001", ACCOUNT, "app", "/", 0)
    user = User("AIDAALICE00000000001", ACCOUNT, "alice", "/", 0, TAGS)
    trust = parse_policy(TRUST, PolicyKind.TRUST)
    return AccountRecords(
        groups=(ImportedGroup("GroupDetailList[0]", group, (), (READ_ONLY,)),),
        roles=(ImportedRole("RoleDetailList[0]", role, trust, (), (READ_ONLY,), BOUNDARY),),
        profiles=(ImportedProfile("x", profile, (role.role_id,)),),
        users=(ImportedUser("UserDetailList[0]", user, (), (READ_ONLY,), BOUNDARY, ("ops",)),),
    )


def _view(*rows: object) -> View:
    view = View()
    view.apply(Change.put(Account(ACCOUNT, ACCOUNT, 0, False)))
    for row in rows:
        view.apply(Change.put(row))  # type: ignore[arg-type]
    return view


def _asked(targets: list[Target]) -> dict[tuple[str, str], Target]:
    return {(t.action, t.resource): t for t in targets}


def test_each_entity_is_asked_as_the_actions_that_would_create_it() -> None:
    asked = _asked(import_targets(_view(), ACCOUNT, _records(), replace=False))
    user = f"arn:aws:iam::{ACCOUNT}:user/alice"
    role = f"arn:aws:iam::{ACCOUNT}:role/app"
    created = asked[("iam:CreateUser", user)]
    assert created.request_tags == TAGS
    assert created.extra["iam:permissionsboundary"] == BOUNDARY
    attach = asked[("iam:AttachUserPolicy", user)]
    assert attach.extra["iam:policyarn"] == READ_ONLY
    assert attach.extra["iam:permissionsboundary"] == BOUNDARY
    assert attach.resource_tags == TAGS  # the user as the import leaves it
    assert ("iam:AddUserToGroup", f"arn:aws:iam::{ACCOUNT}:group/ops") in asked
    assert ("iam:PutUserPermissionsBoundary", user) in asked
    assert ("iam:TagUser", user) in asked
    assert (
        asked[("iam:AttachGroupPolicy", f"arn:aws:iam::{ACCOUNT}:group/ops")].extra["iam:policyarn"]
        == READ_ONLY
    )
    assert asked[("iam:CreateRole", role)].extra["iam:permissionsboundary"] == BOUNDARY
    assert asked[("iam:PassRole", role)].extra["iam:passedtoservice"] == "ec2.amazonaws.com"
    profile = f"arn:aws:iam::{ACCOUNT}:instance-profile/app"
    assert ("iam:AddRoleToInstanceProfile", profile) in asked
    # Nothing is overwritten without `replace`: no Delete or Detach is asked.
    assert not [t for t in asked if t[0].startswith(("iam:Delete", "iam:Detach"))]


def test_replace_asks_to_remove_what_the_account_holds_under_the_id_or_name() -> None:
    held_user = User("AIDAOLDALICE00000001", ACCOUNT, "alice", "/old/", 0)
    held_role = Role("AROAAPP00000000000001", ACCOUNT, "app", "/", 0, TRUST)
    view = _view(
        held_user,
        held_role,
        Attachment(held_user.user_id, "ANPAPOLICY0000000001"),
    )
    asked = _asked(import_targets(view, ACCOUNT, _records(), replace=True))
    assert ("iam:DeleteUser", held_user.arn) in asked  # another user of the name
    assert ("iam:DetachUserPolicy", held_user.arn) in asked
    assert ("iam:DeleteRole", held_role.arn) in asked  # the same id
    assert ("iam:UpdateAssumeRolePolicy", held_role.arn) in asked
    assert ("iam:DeleteGroup", f"arn:aws:iam::{ACCOUNT}:group/ops") not in asked  # none held


def test_each_question_is_asked_once() -> None:
    records = _records()
    doubled = AccountRecords(users=records.users * 2, groups=records.groups)
    targets = import_targets(_view(), ACCOUNT, doubled, replace=False)
    keys = [(t.action, t.resource, tuple(sorted(t.extra.items()))) for t in targets]
    assert len(keys) == len(set(keys))


def test_a_service_linked_role_is_asked_as_create_service_linked_role() -> None:
    path = "/aws-service-role/support.amazonaws.com/"
    role = Role("AROASUPPORT000000001", ACCOUNT, "AWSServiceRoleForSupport", path, 0, TRUST)
    trust = parse_policy(TRUST, PolicyKind.TRUST)
    records = AccountRecords(roles=(ImportedRole("x", role, trust, (), (), None),))
    asked = _asked(import_targets(_view(), ACCOUNT, records, replace=False))
    linked = asked[("iam:CreateServiceLinkedRole", role.arn)]
    assert linked.extra["iam:awsservicename"] == "support.amazonaws.com"
    assert ("iam:CreateRole", role.arn) not in asked


def test_replace_asks_to_delete_the_policy_of_the_name_under_another_path() -> None:
    """Policy names are unique in an account whatever the path: the plan overwrites the held
    `guard` at /team/ with the file's `guard` at /, so DeletePolicy is asked on the held one
    (its ARN differs from the file's)."""
    held = ManagedPolicy("ANPAOLDGUARD00000001", ACCOUNT, "guard", "/team/", 0, home="n1")
    document = '{"Version": "2012-10-17", "Statement": []}'
    view = _view(held, DefaultVersion(held.policy_id, "v1", document, 0, 0))
    assert view.policies.named(ACCOUNT, "guard") == held
    imported = ManagedPolicy("ANPANEWGUARD00000001", ACCOUNT, "guard", "/", 0, home="n1")
    version = PolicyVersion(imported.policy_id, "v1", document, 0)
    records = AccountRecords(
        policies=(ImportedPolicy("Policies[0]", imported, (version,), "v1", 0),)
    )
    asked = _asked(import_targets(view, ACCOUNT, records, replace=True))
    assert held.arn != imported.arn
    assert ("iam:DeletePolicy", held.arn) in asked
