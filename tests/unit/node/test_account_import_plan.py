"""The account import's plan: what it writes, what it leaves, and what it refuses."""

from __future__ import annotations

import pytest

from iamstore.node.domain import fields
from iamstore.node.domain.account_import import (
    AccountRecords,
    ImportedGroup,
    ImportedPolicy,
    ImportedProfile,
    ImportedUser,
    plan,
    plan_entities,
)
from iamstore.node.domain.aws_policies import policy_id_for
from iamstore.node.domain.entities import (
    Account,
    Attachment,
    Change,
    DefaultVersion,
    Group,
    InstanceProfile,
    ManagedPolicy,
    Membership,
    PolicyVersion,
    User,
)
from iamstore.node.domain.errors import InvalidInput
from iamstore.node.domain.rules import Quotas
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext

ACCOUNT = "111111111111"
OTHER = "222222222222"
CTX = WriteContext(ACCOUNT, 1_700_000_000_000, Quotas(), lambda prefix: f"{prefix}NEW", "n1")
DOC = (
    '{"Version": "2012-10-17", "Statement": '
    '[{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}'
)


def _view(*rows: object) -> View:
    view = View()
    for account in (ACCOUNT, OTHER):
        view.apply(Change.put(Account(account, account, 0, False)))
    for row in rows:
        view.apply(Change.put(row))  # type: ignore[arg-type]
    return view


def _user(user_id: str = "AIDAALICE0000000001", name: str = "alice") -> ImportedUser:
    user = User(user_id, ACCOUNT, name, "/", 1_600_000_000_000, (("team", "a"),))
    return ImportedUser("UserDetailList[0]", user, (), (), None, ())


def _apply(view: View, changes: list[Change]) -> None:
    for change in changes:
        view.apply(change)


def test_a_second_plan_changes_nothing() -> None:
    view = _view()
    records = AccountRecords(users=(_user(),))
    changes, report = plan(view, CTX, records, overwrite=False)
    assert report.tallies["User"].created == 1
    _apply(view, changes)
    again, report = plan(view, CTX, records, overwrite=False)
    assert again == []
    assert report.tallies["User"].unchanged == 1


def test_a_tag_added_since_is_a_conflict_and_replace_drops_it() -> None:
    view = _view()
    records = AccountRecords(users=(_user(),))
    _apply(view, plan(view, CTX, records, overwrite=False)[0])
    alice = view.users.named(ACCOUNT, "alice")
    assert alice is not None
    _apply(view, fields.tag_changes(alice, (("later", "x"),)))
    skipped, report = plan(view, CTX, records, overwrite=False)
    assert skipped == []
    assert report.tallies["User"].conflicts == 1
    replaced, report = plan(view, CTX, records, overwrite=True)
    assert report.tallies["User"].replaced == 1
    _apply(view, replaced)
    shown = view.users.named(ACCOUNT, "alice")
    assert shown is not None
    assert shown.tags == (("team", "a"),)


def test_a_tag_added_to_an_instance_profile_since_is_a_conflict_and_replace_drops_it() -> None:
    """Instance profiles keep tags as field rows like every other kind: an import must see
    them as part of what the profile holds now."""
    profile = InstanceProfile("AIPAWEB000000000001", ACCOUNT, "web", "/", 1_600_000_000_000)
    records = AccountRecords(profiles=(ImportedProfile("RoleDetailList[0]", profile, ()),))
    view = _view()
    _apply(view, plan(view, CTX, records, overwrite=False)[0])
    held = view.instance_profiles.named(ACCOUNT, "web")
    assert held is not None
    _apply(view, fields.tag_changes(held, (("later", "x"),)))
    assert view.instance_profiles.named(ACCOUNT, "web").tags == (("later", "x"),)  # type: ignore[union-attr]
    _, report = plan(view, CTX, records, overwrite=False)
    assert report.tallies["InstanceProfile"].conflicts == 1
    replaced, report = plan(view, CTX, records, overwrite=True)
    assert report.tallies["InstanceProfile"].replaced == 1
    _apply(view, replaced)
    shown = view.instance_profiles.named(ACCOUNT, "web")
    assert shown is not None
    assert shown.tags == ()


def test_links_left_by_a_deleted_entity_are_not_inherited() -> None:
    """A membership of another account's group naming a deleted user's id (a concurrent
    AddUserToGroup can leave one) must not make an imported user with that id a member."""
    stranger = Group("AGPASTRANGER0000001", OTHER, "admins", "/", 0)
    dangling = Membership(stranger.group_id, "AIDAALICE0000000001")
    view = _view(stranger, dangling)
    changes, _ = plan(view, CTX, AccountRecords(users=(_user(),)), overwrite=False)
    assert Change.delete(dangling) in changes
    _apply(view, changes)
    assert view.members.to("AIDAALICE0000000001") == set()


def test_an_id_of_another_account_is_refused() -> None:
    theirs = User("AIDAALICE0000000001", OTHER, "bob", "/", 0)
    view = _view(theirs)
    with pytest.raises(InvalidInput, match="belongs to another account"):
        plan(view, CTX, AccountRecords(users=(_user(),)), overwrite=True)
    assert view.users.get(theirs.user_id) == theirs


def test_an_aws_managed_policys_id_is_refused() -> None:
    """Attachments anywhere to AWS's ReadOnlyAccess point at its id: a customer policy under
    that id would hand every such attachment this account's document."""
    taken = policy_id_for("arn:aws:iam::aws:policy/ReadOnlyAccess")
    policy = ManagedPolicy(taken, ACCOUNT, "mine", "/", 0, home="n1")
    version = PolicyVersion(taken, "v1", DOC, 0)
    records = AccountRecords(policies=(ImportedPolicy("Policies[0]", policy, (version,), "v1", 0),))
    with pytest.raises(InvalidInput, match="belongs to another account"):
        plan(_view(), CTX, records, overwrite=True)


def test_imported_version_numbers_are_never_handed_out_again() -> None:
    policy = ManagedPolicy("ANPAPOLICY000000001", ACCOUNT, "p", "/", 0, home="n1")
    versions = (PolicyVersion(policy.policy_id, "v4", DOC, 0),)
    records = AccountRecords(policies=(ImportedPolicy("Policies[0]", policy, versions, "v4", 0),))
    view = _view()
    _apply(view, plan(view, CTX, records, overwrite=False)[0])
    assert view.defaults[policy.policy_id] == DefaultVersion(policy.policy_id, "v4", DOC, 0, 0)
    assert max(view.version_counters[policy.policy_id].values()) == 4


def test_a_replaced_entitys_old_rows_go_in_the_same_group_as_its_new_ones() -> None:
    """The writer never cuts a group across commits: a replaced user is never seen with its
    old Deny detached and its new links not there yet."""
    deny = ManagedPolicy("ANPADENY00000000001", ACCOUNT, "deny", "/", 1)
    allow = ManagedPolicy("ANPAALLOW0000000001", ACCOUNT, "allow", "/", 1)
    policies = tuple(
        ImportedPolicy(
            f"Policies[{index}]",
            policy,
            (PolicyVersion(policy.policy_id, "v1", DOC, 1),),
            "v1",
            1,
        )
        for index, policy in enumerate((deny, allow))
    )
    held = _user()
    view = _view()
    _apply(view, plan(view, CTX, AccountRecords(policies=policies), overwrite=False)[0])
    _apply(view, [Change.put(held.user), Change.put(Attachment(held.user.user_id, deny.policy_id))])
    wanted = ImportedUser(held.where, held.user, (), (allow.arn,), None, ())
    entities, report = plan_entities(
        view, CTX, AccountRecords(policies=policies, users=(wanted,)), overwrite=True
    )
    assert report.tallies["User"].replaced == 1
    assert entities == [
        (
            Change.delete(Attachment(held.user.user_id, deny.policy_id)),
            Change.put(Attachment(held.user.user_id, allow.policy_id)),
        )
    ]
    flat, _ = plan(view, CTX, AccountRecords(policies=policies, users=(wanted,)), overwrite=True)
    assert flat == list(entities[0])


def test_each_entity_is_a_group_of_its_own_in_dependency_order() -> None:
    group = Group("AGPADEVS00000000001", ACCOUNT, "devs", "/", 1)
    member = _user()
    member = ImportedUser(member.where, member.user, (), (), None, ("devs",))
    records = AccountRecords(
        groups=(ImportedGroup("GroupDetailList[0]", group, (), ()),),
        users=(member, _user("AIDABOB000000000001", "bob")),
    )
    entities, _ = plan_entities(_view(), CTX, records, overwrite=False)
    assert entities == [
        (Change.put(group),),
        (Change.put(member.user), Change.put(Membership(group.group_id, member.user.user_id))),
        (Change.put(records.users[1].user),),
    ]
