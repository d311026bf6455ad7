"""The account import's plan: what it writes, what it leaves, and what it refuses."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from iamstore.node.domain import fields
from iamstore.node.domain.account_import import (
    AccountRecords,
    ImportedGroup,
    ImportedPolicy,
    ImportedProfile,
    ImportedRole,
    ImportedUser,
    plan,
    plan_entities,
    stand_in_deleted,
)
from iamstore.node.domain.aws_policies import policy_id_for
from iamstore.node.domain.entities import (
    AccessKey,
    Account,
    Attachment,
    Boundary,
    Change,
    DefaultVersion,
    Group,
    InstanceProfile,
    LoginProfile,
    ManagedPolicy,
    Membership,
    PolicyVersion,
    ProfileRole,
    Role,
    Row,
    User,
)
from iamstore.node.domain.errors import DeleteConflict, InvalidInput
from iamstore.node.domain.rules import Quotas
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext
from iamstore.node.policy import PolicyKind, parse_policy

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


def test_links_left_by_this_accounts_deleted_entity_are_not_inherited() -> None:
    """A membership naming a deleted user's id (a concurrent AddUserToGroup can leave one)
    must not make an imported user with that id a member."""
    mine = Group("AGPAMINE00000000001", ACCOUNT, "admins", "/", 0)
    dangling = Membership(mine.group_id, "AIDAALICE0000000001")
    view = _view(mine, dangling)
    changes, _ = plan(view, CTX, AccountRecords(users=(_user(),)), overwrite=False)
    assert Change.delete(dangling) in changes
    _apply(view, changes)
    assert view.members.to("AIDAALICE0000000001") == set()


def test_a_password_a_deleted_user_left_is_not_inherited() -> None:
    left = LoginProfile("AIDAALICE0000000001", "argon2-hash", False, 0)
    view = _view(left)
    changes, _ = plan(view, CTX, AccountRecords(users=(_user(),)), overwrite=False)
    assert Change.delete(left) in changes
    _apply(view, changes)
    assert "AIDAALICE0000000001" not in view.login_profiles


@pytest.mark.parametrize(
    "leftover",
    [
        # another account's group still lists the deleted user
        (Group("AGPASTRANGER0000001", OTHER, "admins", "/", 0),
         Membership("AGPASTRANGER0000001", "AIDAALICE0000000001")),
        # another account's role trusts the deleted user, pinned to its id
        (Role("AROASTRANGER0000001", OTHER, "deployer", "/", 0, "{}", trust_pins=(
            (f"arn:aws:iam::{OTHER}:user/deploy", "AIDAALICE0000000001"),)),),
        # another account's policy is still attached to it
        (ManagedPolicy("ANPASTRANGER0000001", OTHER, "p", "/", 0),
         Attachment("AIDAALICE0000000001", "ANPASTRANGER0000001")),
        # an access key of another account still names it as its owner
        (AccessKey("AKIASTRANGER0000001", OTHER, "AIDAALICE0000000001", b"s", "Active", 0),),
    ],
    ids=["membership", "trust-pin", "attachment", "access-key"],
)  # fmt: skip
def test_an_id_another_account_held_is_refused_after_its_delete(leftover: tuple[Row, ...]) -> None:
    """AWS never reuses a unique id: what still names a deleted entity's id in another
    account (a link, a trust policy's pin, a credential) makes the id that account's, and
    an import may not take it (it would inherit that account's trust, groups, policies)."""
    view = _view(*leftover)
    with pytest.raises(InvalidInput, match="belongs to another account") as refused:
        plan(view, CTX, AccountRecords(users=(_user(),)), overwrite=True)
    assert refused.value.field == "UserDetailList[0].UserId"
    assert "222222222222" not in refused.value.message  # nor says whose it is
    for row in leftover:
        assert view.get(row.TABLE, row.key) == row


def test_a_pin_of_this_accounts_user_in_another_accounts_trust_policy_is_no_claim() -> None:
    """Another account's role trusting this account's user pins it as this account's (the
    pin's ARN names the account): the id stays this account's to import again."""
    trusting = Role("AROASTRANGER0000001", OTHER, "partner", "/", 0, "{}", trust_pins=(
        (f"arn:aws:iam::{ACCOUNT}:user/alice", "AIDAALICE0000000001"),))  # fmt: skip
    view = _view(trusting)
    _, report = plan(view, CTX, AccountRecords(users=(_user(),)), overwrite=False)
    assert report.tallies["User"].created == 1


def test_an_aws_managed_policy_attached_to_a_deleted_user_is_no_claim_on_its_id() -> None:
    """Every account attaches AWS managed policies: such a leftover is no other account's."""
    read_only = policy_id_for("arn:aws:iam::aws:policy/ReadOnlyAccess")
    dangling = Attachment("AIDAALICE0000000001", read_only)
    view = _view(dangling)
    changes, report = plan(view, CTX, AccountRecords(users=(_user(),)), overwrite=False)
    assert report.tallies["User"].created == 1
    assert Change.delete(dangling) in changes


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


def _role_naming(bare_id: str) -> ImportedRole:
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": bare_id}, "Action": "sts:AssumeRole"}
            ],
        }
    )
    document, deleted = stand_in_deleted(trust, ACCOUNT)
    role = Role("AROAPROBE0000000001", ACCOUNT, "probe", "/", 0, document)
    parsed = parse_policy(document, PolicyKind.TRUST)
    return ImportedRole("RoleDetailList[0]", role, parsed, (), (), None, deleted)


def test_a_bare_id_stands_for_a_deleted_principal_and_re_imports_unchanged() -> None:
    view = _view()
    records = AccountRecords(roles=(_role_naming("AIDAGONE00000000001"),))
    _apply(view, plan(view, CTX, records, overwrite=False)[0])
    assert plan(view, CTX, records, overwrite=False)[0] == []


@pytest.mark.parametrize("holder", [ACCOUNT, OTHER, "input"])
def test_a_bare_id_held_by_an_entity_is_refused(holder: str) -> None:
    """Only a deleted principal is shown by its id alone: a stand-in for an id an entity
    holds would show that entity's ARN in GetRole, whatever account it is in."""
    bare = "AIDAHIDDEN000000001"
    view = _view() if holder == "input" else _view(User(bare, holder, "secret", "/hidden/", 0))
    users = (_user(bare, "secret"),) if holder == "input" else ()
    records = AccountRecords(roles=(_role_naming(bare),), users=users)
    with pytest.raises(InvalidInput, match="Invalid principal in policy") as refused:
        plan(view, CTX, records, overwrite=True)
    assert refused.value.field == "RoleDetailList[0].AssumeRolePolicyDocument"
    assert "secret" not in refused.value.message


def _policy_with(version_id: str, created_ms: int = 0) -> ImportedPolicy:
    policy = ManagedPolicy("ANPAPOLICY000000001", ACCOUNT, "p", "/", created_ms, home="n1")
    version = PolicyVersion(policy.policy_id, version_id, DOC, 0)
    return ImportedPolicy("Policies[2]", policy, (version,), version_id, 0)


@pytest.mark.parametrize("digits", [16, 30, 5_000])
def test_a_version_number_beyond_15_digits_is_refused(digits: int) -> None:
    records = AccountRecords(policies=(_policy_with("v" + "9" * digits),))
    with pytest.raises(InvalidInput, match="more than 15 digits") as refused:
        plan(_view(), CTX, records, overwrite=False)
    assert refused.value.field == "Policies[2].PolicyVersionList[0].VersionId"
    assert len(refused.value.message) < 200
    fits = AccountRecords(policies=(_policy_with("v" + "9" * 15),))
    assert plan(_view(), CTX, fits, overwrite=False)[1].tallies["Policy"].created == 1


@pytest.mark.parametrize(
    ("created_ms", "refused"),
    [
        (-62_135_596_800_000, False),  # 0001-01-01
        (-62_135_596_800_001, True),
        (253_402_300_799_999, False),  # 9999-12-31T23:59:59.999
        (253_402_300_800_000, True),
        (10**18, True),
    ],
)
def test_a_date_outside_years_1_to_9999_is_refused(created_ms: int, refused: bool) -> None:
    user = _user()
    user = ImportedUser(user.where, replace(user.user, created_ms=created_ms), (), (), None, ())
    records = AccountRecords(policies=(_policy_with("v1", created_ms),), users=(user,))
    if not refused:
        assert plan(_view(), CTX, records, overwrite=False)[1].tallies["User"].created == 1
        return
    with pytest.raises(InvalidInput, match="date out of range") as raised:
        plan(_view(), CTX, records, overwrite=False)
    assert raised.value.field == "Policies[2].CreateDate"
    with pytest.raises(InvalidInput, match="date out of range") as raised:
        plan(_view(), CTX, AccountRecords(users=(user,)), overwrite=False)
    assert raised.value.field == "UserDetailList[0].CreateDate"


def test_a_trust_policy_nested_too_deep_is_left_to_the_grammar_check() -> None:
    """Deeper than the JSON decoder recurses: kept as it is, for the grammar check to refuse
    (MalformedPolicyDocument), never a RecursionError out of the import."""
    nested = '{"Statement": [{"Principal": {"AWS": "AIDAGONE00000000001"}, "C": ' + (
        "[" * 100_000 + "]" * 100_000
    ) + "}]}"  # fmt: skip
    assert stand_in_deleted(nested, ACCOUNT) == (nested, ())


# --- replacing an entity under a new id: what links to the old one ----------------------------

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "*"}
        ],
    }
)


def _policy(policy_id: str, name: str = "guard") -> ImportedPolicy:
    policy = ManagedPolicy(policy_id, ACCOUNT, name, "/", 1, home="n1")
    version = PolicyVersion(policy_id, "v1", DOC, 1)
    return ImportedPolicy("Policies[0]", policy, (version,), "v1", 1)


def _role(role_id: str) -> ImportedRole:
    role = Role(role_id, ACCOUNT, "app", "/", 1, TRUST)
    return ImportedRole(
        "RoleDetailList[0]", role, parse_policy(TRUST, PolicyKind.TRUST), (), (), None
    )


def _held(*rows: Row, policies: tuple[ImportedPolicy, ...] = ()) -> View:
    view = _view()
    _apply(view, plan(view, CTX, AccountRecords(policies=policies), overwrite=False)[0])
    _apply(view, [Change.put(row) for row in rows])
    return view


OLD = _policy("ANPAOLDGUARD0000001")
NEW = _policy("ANPANEWGUARD0000001")


@pytest.mark.parametrize(
    ("link", "says"),
    [
        (Attachment("AIDAALICE0000000001", OLD.policy.policy_id), "attached to 1 user(s)"),
        (
            Boundary("AIDAALICE0000000001", OLD.policy.policy_id),
            "the permissions boundary of 1 user(s)",
        ),
    ],
    ids=["attachment", "boundary"],
)
def test_a_policy_is_not_replaced_under_a_new_id_while_a_principal_still_links_to_it(
    link: Row, says: str
) -> None:
    """As DeletePolicy refuses a policy still attached, or still a boundary: replacing it
    under a new id would leave the link to a deleted id (counted absent: a Deny gone)."""
    view = _held(_user().user, link, policies=(OLD,))
    with pytest.raises(DeleteConflict, match=re.escape(f"still {says}")) as refused:
        plan(view, CTX, AccountRecords(policies=(NEW,)), overwrite=True)
    assert refused.value.field == "Policies[0].PolicyId"
    assert "alice" not in refused.value.message  # counts only: the importer may not list them
    assert view.managed_policy(OLD.policy.policy_id, ACCOUNT) is not None


def test_a_policy_is_replaced_under_a_new_id_when_the_import_re_imports_its_holders() -> None:
    """The holder's own replacement drops the old link (asked as its Detach), and the file
    attaches the new policy."""
    view = _held(_user().user, Attachment("AIDAALICE0000000001", OLD.policy.policy_id),
                 policies=(OLD,))  # fmt: skip
    alice = _user()
    alice = ImportedUser(alice.where, alice.user, (), (NEW.policy.arn,), None, ())
    changes, report = plan(view, CTX, AccountRecords(policies=(NEW,), users=(alice,)), True)
    assert report.tallies["Policy"].replaced == 1
    _apply(view, changes)
    assert view.attachments.of("AIDAALICE0000000001") == {NEW.policy.policy_id}
    assert view.attachments.to(OLD.policy.policy_id) == set()


def test_a_re_imported_holder_skipped_as_a_conflict_still_blocks_the_replacement() -> None:
    """A holder the import skips keeps its link to the old id: the replacement is refused,
    not half done."""
    view = _held(_user().user, Attachment("AIDAALICE0000000001", OLD.policy.policy_id),
                 AccessKey("AKIAALICE0000000001", ACCOUNT, "AIDAALICE0000000001", b"s",
                           "Active", 0),
                 policies=(OLD,))  # fmt: skip
    newcomer = _user("AIDAALICE0000000002")  # another id: the held alice has a key, skipped
    with pytest.raises(DeleteConflict, match="attached to 1 user"):
        plan(view, CTX, AccountRecords(policies=(NEW,), users=(newcomer,)), overwrite=True)


def test_a_link_left_by_a_deleted_principal_does_not_block_the_replacement() -> None:
    """A deleted user's leftover attachment already counts as absent."""
    view = _held(Attachment("AIDAGONE00000000001", OLD.policy.policy_id), policies=(OLD,))
    changes, report = plan(view, CTX, AccountRecords(policies=(NEW,)), overwrite=True)
    assert report.tallies["Policy"].replaced == 1
    _apply(view, changes)
    assert view.managed_policy(NEW.policy.policy_id, ACCOUNT) is not None


def test_a_group_is_not_replaced_under_a_new_id_while_it_has_members() -> None:
    old = Group("AGPAOLDDEVS00000001", ACCOUNT, "devs", "/", 1)
    new = ImportedGroup("GroupDetailList[0]", replace(old, group_id="AGPANEWDEVS00000001"), (), ())
    view = _held(old, _user().user, Membership(old.group_id, "AIDAALICE0000000001"))
    with pytest.raises(DeleteConflict, match="still holding 1 user") as refused:
        plan(view, CTX, AccountRecords(groups=(new,)), overwrite=True)
    assert refused.value.field == "GroupDetailList[0].GroupId"
    member = _user()
    member = ImportedUser(member.where, member.user, (), (), None, ("devs",))
    changes, _ = plan(view, CTX, AccountRecords(groups=(new,), users=(member,)), overwrite=True)
    _apply(view, changes)
    assert view.members.to("AIDAALICE0000000001") == {new.group.group_id}


def test_a_role_is_not_replaced_under_a_new_id_while_it_is_in_an_instance_profile() -> None:
    old = _role("AROAOLDAPP000000001")
    profile = InstanceProfile("AIPAAPP000000000001", ACCOUNT, "app", "/", 1)
    view = _held(old.role, profile, ProfileRole(profile.instance_profile_id, old.role.role_id))
    new = _role("AROANEWAPP000000001")
    with pytest.raises(DeleteConflict, match="still in 1 instance profile") as refused:
        plan(view, CTX, AccountRecords(roles=(new,)), overwrite=True)
    assert refused.value.field == "RoleDetailList[0].RoleId"
    # The file may not hand the profile back the old id either: that role is deleted.
    stale = ImportedProfile("InstanceProfiles[0]", profile, (old.role.role_id,))
    with pytest.raises(DeleteConflict, match="in 1 instance profile"):
        plan(view, CTX, AccountRecords(roles=(new,), profiles=(stale,)), overwrite=True)
    moved = ImportedProfile("InstanceProfiles[0]", profile, (new.role.role_id,))
    changes, _ = plan(view, CTX, AccountRecords(roles=(new,), profiles=(moved,)), overwrite=True)
    _apply(view, changes)
    assert view.profile_roles.of(profile.instance_profile_id) == {new.role.role_id}


def test_a_link_of_a_hidden_principal_does_not_block_the_replacement() -> None:
    """Of two users claiming one name, the later one is hidden: its links count nowhere
    (DeletePolicy does not count them either), and nothing could remove them."""
    shown, hidden = _user().user, replace(_user("AIDAALICE0000000002").user, created_ms=2 * 10**12)
    view = _held(shown, hidden, Attachment(hidden.user_id, OLD.policy.policy_id), policies=(OLD,))
    assert view.users.named(ACCOUNT, "alice") == shown
    _, report = plan(view, CTX, AccountRecords(policies=(NEW,)), overwrite=True)
    assert report.tallies["Policy"].replaced == 1
