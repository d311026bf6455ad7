"""IAM groups end to end: create, membership, the groups-per-user quota, rename and delete."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from iam_helpers import ALLOW_S3

from iamstore.client import (
    Client,
    DeleteConflictError,
    EntityAlreadyExistsError,
    LimitExceededError,
    NoSuchEntityError,
)


def members(iam: Client, group_name: str) -> set[str]:
    return {u.user_name for u in iam.get_group(group_name=group_name).users}


def groups_of(iam: Client, user_name: str) -> set[str]:
    return {g.group_name for g in iam.list_groups_for_user(user_name=user_name).groups}


def test_create_group_returns_what_get_group_reads(iam: Client) -> None:
    # "IAM identifiers": group ids start with AGPA.
    created = iam.create_group(group_name="admins", path="/ops/").group
    assert created.group_id.startswith("AGPA")
    assert len(created.group_id) == 21
    assert created.arn.endswith(":group/ops/admins")
    read = iam.get_group(group_name="admins")
    assert (read.group.group_id, read.group.arn, read.group.path) == (
        created.group_id,
        created.arn,
        "/ops/",
    )
    assert read.users == ()
    assert [g.group_name for g in iam.list_groups().groups] == ["admins"]


def test_group_names_are_unique_regardless_of_case(iam: Client) -> None:
    iam.create_group(group_name="Admins")
    with pytest.raises(EntityAlreadyExistsError):
        iam.create_group(group_name="ADMINS")
    assert [g.group_name for g in iam.list_groups().groups] == ["Admins"]


def test_get_missing_group_is_no_such_entity(iam: Client) -> None:
    with pytest.raises(NoSuchEntityError):
        iam.get_group(group_name="ghosts")


def test_add_and_remove_members(iam: Client) -> None:
    iam.create_group(group_name="devs")
    iam.create_user(user_name="ann")
    iam.create_user(user_name="ben")
    iam.add_user_to_group(group_name="devs", user_name="ann")
    iam.add_user_to_group(group_name="devs", user_name="ben")
    assert members(iam, "devs") == {"ann", "ben"}
    assert groups_of(iam, "ann") == {"devs"}
    iam.remove_user_from_group(group_name="devs", user_name="ann")
    assert members(iam, "devs") == {"ben"}
    assert groups_of(iam, "ann") == set()


def test_adding_a_member_twice_is_harmless(iam: Client) -> None:
    iam.create_group(group_name="devs")
    iam.create_user(user_name="ann")
    iam.add_user_to_group(group_name="devs", user_name="ann")
    iam.add_user_to_group(group_name="devs", user_name="ann")
    assert [u.user_name for u in iam.get_group(group_name="devs").users] == ["ann"]


def test_membership_with_missing_entities_is_no_such_entity(iam: Client) -> None:
    iam.create_group(group_name="devs")
    iam.create_user(user_name="ann")
    with pytest.raises(NoSuchEntityError):
        iam.add_user_to_group(group_name="devs", user_name="ghost")
    with pytest.raises(NoSuchEntityError):
        iam.add_user_to_group(group_name="ghosts", user_name="ann")
    with pytest.raises(NoSuchEntityError):
        iam.remove_user_from_group(group_name="devs", user_name="ann")  # not a member
    with pytest.raises(NoSuchEntityError):
        iam.list_groups_for_user(user_name="ghost")
    assert members(iam, "devs") == set()
    assert groups_of(iam, "ann") == set()


def test_a_user_can_be_in_at_most_ten_groups(iam: Client) -> None:
    # "IAM and AWS STS quotas": groups an IAM user can be a member of: 10.
    iam.create_user(user_name="joiner")
    for i in range(11):
        iam.create_group(group_name=f"g{i:02d}")
    for i in range(10):
        iam.add_user_to_group(group_name=f"g{i:02d}", user_name="joiner")
    with pytest.raises(LimitExceededError):
        iam.add_user_to_group(group_name="g10", user_name="joiner")
    assert groups_of(iam, "joiner") == {f"g{i:02d}" for i in range(10)}
    assert members(iam, "g10") == set()


def test_update_group_renames_and_keeps_members(iam: Client) -> None:
    created = iam.create_group(group_name="old").group
    iam.create_user(user_name="ann")
    iam.add_user_to_group(group_name="old", user_name="ann")
    iam.update_group(group_name="old", new_group_name="new", new_path="/moved/")
    with pytest.raises(NoSuchEntityError):
        iam.get_group(group_name="old")
    renamed = iam.get_group(group_name="new")
    assert renamed.group.group_id == created.group_id
    assert renamed.group.arn.endswith(":group/moved/new")
    assert [u.user_name for u in renamed.users] == ["ann"]
    assert groups_of(iam, "ann") == {"new"}


def test_update_group_to_a_taken_name_fails_and_changes_nothing(iam: Client) -> None:
    iam.create_group(group_name="one")
    iam.create_group(group_name="two")
    with pytest.raises(EntityAlreadyExistsError):
        iam.update_group(group_name="two", new_group_name="ONE")
    assert {g.group_name for g in iam.list_groups().groups} == {"one", "two"}
    with pytest.raises(NoSuchEntityError):
        iam.update_group(group_name="ghosts", new_group_name="spirits")


def test_list_groups_filters_by_path_prefix(iam: Client) -> None:
    iam.create_group(group_name="a", path="/x/")
    iam.create_group(group_name="b", path="/x/y/")
    iam.create_group(group_name="c")
    assert {g.group_name for g in iam.list_groups(path_prefix="/x/").groups} == {"a", "b"}
    assert {g.group_name for g in iam.list_groups().groups} == {"a", "b", "c"}


def _member(iam: Client) -> None:
    iam.create_user(user_name="ann")
    iam.add_user_to_group(group_name="devs", user_name="ann")


def _inline(iam: Client) -> None:
    iam.put_group_policy(group_name="devs", policy_name="p", policy_document=ALLOW_S3)


def _attached(iam: Client) -> None:
    arn = iam.create_policy(policy_name="m", policy_document=ALLOW_S3).policy.arn
    assert arn is not None
    iam.attach_group_policy(group_name="devs", policy_arn=arn)


@pytest.mark.parametrize(
    "blocker", [_member, _inline, _attached], ids=["member", "inline-policy", "attached-policy"]
)
def test_delete_group_with_subordinates_is_a_delete_conflict(
    iam: Client, blocker: Callable[[Client], None]
) -> None:
    # DeleteGroup: "The group must not contain any users or have any attached policies."
    created = iam.create_group(group_name="devs").group
    blocker(iam)
    with pytest.raises(DeleteConflictError):
        iam.delete_group(group_name="devs")
    assert iam.get_group(group_name="devs").group.group_id == created.group_id


def test_delete_empty_group(iam: Client) -> None:
    iam.create_group(group_name="devs")
    iam.delete_group(group_name="devs")
    with pytest.raises(NoSuchEntityError):
        iam.get_group(group_name="devs")
    assert iam.list_groups().groups == ()
    with pytest.raises(NoSuchEntityError):
        iam.delete_group(group_name="devs")


def test_renamed_user_shows_its_new_name_in_its_groups(iam: Client) -> None:
    iam.create_group(group_name="devs")
    user = iam.create_user(user_name="ann").user
    iam.add_user_to_group(group_name="devs", user_name="ann")
    iam.update_user(user_name="ann", new_user_name="anne")
    listed = iam.get_group(group_name="devs").users
    assert [(u.user_name, u.user_id) for u in listed] == [("anne", user.user_id)]
    assert groups_of(iam, "anne") == {"devs"}
