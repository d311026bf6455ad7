"""IAM users end to end: create, read, rename, delete with its conflicts, tags and boundaries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from iam_helpers import ALLOW_S3

from iamstore.client import (
    Client,
    DeleteConflictError,
    EntityAlreadyExistsError,
    InvalidInputError,
    LimitExceededError,
    NoSuchEntityError,
    ValidationError,
)


def tags_of(iam: Client, user_name: str) -> dict[str, str]:
    return {t.key: t.value for t in iam.list_user_tags(user_name=user_name).tags}


def test_create_user_returns_what_get_user_reads(iam: Client) -> None:
    # API reference CreateUser/GetUser; "IAM identifiers": user ids start with AIDA.
    before = datetime.now(UTC) - timedelta(seconds=5)
    created = iam.create_user(user_name="alice", path="/eng/team/").user
    assert created.user_name == "alice"
    assert created.path == "/eng/team/"
    assert created.user_id.startswith("AIDA")
    assert len(created.user_id) == 21
    assert created.arn.startswith("arn:aws:iam::")
    assert created.arn.endswith(":user/eng/team/alice")
    assert before <= created.create_date <= datetime.now(UTC) + timedelta(seconds=5)
    read = iam.get_user(user_name="alice").user
    assert (read.user_id, read.arn, read.path, read.create_date) == (
        created.user_id,
        created.arn,
        created.path,
        created.create_date,
    )
    assert read.permissions_boundary is None


def test_default_path_is_slash(iam: Client) -> None:
    user = iam.create_user(user_name="plain").user
    assert user.path == "/"
    assert user.arn.endswith(":user/plain")


def test_get_user_without_name_describes_the_root_caller(iam: Client) -> None:
    # GetUser: "If you do not specify a user name, IAM determines the user name implicitly
    # based on the AWS access key ID used to sign the request."
    me = iam.get_user().user
    assert me.arn.endswith(":root")
    account_id = me.arn.split(":")[4]
    assert len(account_id) == 12
    assert account_id.isdigit()
    assert me.user_id == account_id


def test_user_names_are_unique_regardless_of_case(iam: Client) -> None:
    # "IAM identifiers": names are not distinguished by case.
    first = iam.create_user(user_name="Dana").user
    with pytest.raises(EntityAlreadyExistsError):
        iam.create_user(user_name="dANA")
    users = iam.list_users().users
    assert [(u.user_name, u.user_id) for u in users] == [("Dana", first.user_id)]


def test_get_missing_user_is_no_such_entity(iam: Client) -> None:
    with pytest.raises(NoSuchEntityError) as raised:
        iam.get_user(user_name="ghost")
    assert raised.value.code == "NoSuchEntity"
    assert "ghost" in raised.value.message


def test_list_users_filters_by_path_prefix(iam: Client) -> None:
    iam.create_user(user_name="a1", path="/a/")
    iam.create_user(user_name="a2", path="/a/b/")
    iam.create_user(user_name="c1", path="/c/")
    iam.create_user(user_name="root1")
    assert {u.user_name for u in iam.list_users().users} == {"a1", "a2", "c1", "root1"}
    assert {u.user_name for u in iam.list_users(path_prefix="/a/").users} == {"a1", "a2"}
    assert {u.user_name for u in iam.list_users(path_prefix="/a/b/").users} == {"a2"}
    assert iam.list_users(path_prefix="/zzz/").users == ()


def test_update_user_renames_and_keeps_the_user_id(iam: Client) -> None:
    # UpdateUser: the user keeps its unique id; the old name no longer resolves.
    original = iam.create_user(user_name="bob").user
    iam.put_user_policy(user_name="bob", policy_name="p", policy_document=ALLOW_S3)
    iam.update_user(user_name="bob", new_user_name="robert", new_path="/renamed/")
    with pytest.raises(NoSuchEntityError):
        iam.get_user(user_name="bob")
    renamed = iam.get_user(user_name="robert").user
    assert renamed.user_id == original.user_id
    assert renamed.path == "/renamed/"
    assert renamed.arn.endswith(":user/renamed/robert")
    assert iam.list_user_policies(user_name="robert").policy_names == ("p",)


def test_update_user_only_path(iam: Client) -> None:
    iam.create_user(user_name="pat")
    iam.update_user(user_name="pat", new_path="/ops/")
    user = iam.get_user(user_name="pat").user
    assert (user.user_name, user.path) == ("pat", "/ops/")


def test_update_user_to_a_taken_name_fails_and_changes_nothing(iam: Client) -> None:
    a = iam.create_user(user_name="anna").user
    b = iam.create_user(user_name="bert").user
    with pytest.raises(EntityAlreadyExistsError):
        iam.update_user(user_name="bert", new_user_name="ANNA")
    assert iam.get_user(user_name="anna").user.user_id == a.user_id
    assert iam.get_user(user_name="bert").user.user_id == b.user_id


def test_update_missing_user_is_no_such_entity(iam: Client) -> None:
    with pytest.raises(NoSuchEntityError):
        iam.update_user(user_name="ghost", new_user_name="spirit")
    assert iam.list_users().users == ()


def test_delete_user_then_recreate_gets_a_new_id(iam: Client) -> None:
    old = iam.create_user(user_name="eve").user
    iam.delete_user(user_name="eve")
    with pytest.raises(NoSuchEntityError):
        iam.get_user(user_name="eve")
    assert iam.list_users().users == ()
    new = iam.create_user(user_name="eve").user
    assert new.user_id != old.user_id


def test_delete_missing_user_is_no_such_entity(iam: Client) -> None:
    with pytest.raises(NoSuchEntityError):
        iam.delete_user(user_name="ghost")


def _with_key(iam: Client) -> Callable[[], None]:
    key = iam.create_access_key(user_name="owner").access_key.access_key_id
    return lambda: iam.delete_access_key(user_name="owner", access_key_id=key)


def _with_login_profile(iam: Client) -> Callable[[], None]:
    iam.create_login_profile(user_name="owner", password="Correct-Horse-1")
    return lambda: iam.delete_login_profile(user_name="owner")


def _with_inline_policy(iam: Client) -> Callable[[], None]:
    iam.put_user_policy(user_name="owner", policy_name="inline", policy_document=ALLOW_S3)
    return lambda: iam.delete_user_policy(user_name="owner", policy_name="inline")


def _with_attached_policy(iam: Client) -> Callable[[], None]:
    arn = iam.create_policy(policy_name="managed", policy_document=ALLOW_S3).policy.arn
    assert arn is not None
    iam.attach_user_policy(user_name="owner", policy_arn=arn)
    return lambda: iam.detach_user_policy(user_name="owner", policy_arn=arn)


def _with_group(iam: Client) -> Callable[[], None]:
    iam.create_group(group_name="club")
    iam.add_user_to_group(group_name="club", user_name="owner")
    return lambda: iam.remove_user_from_group(group_name="club", user_name="owner")


@pytest.mark.parametrize(
    "blocker",
    [_with_key, _with_login_profile, _with_inline_policy, _with_attached_policy, _with_group],
    ids=["access-key", "login-profile", "inline-policy", "attached-policy", "group"],
)
def test_delete_user_with_subordinates_is_a_delete_conflict(
    iam: Client, blocker: Callable[[Client], Callable[[], None]]
) -> None:
    # DeleteUser: keys, password, inline and attached policies and group memberships must be
    # removed first, else DeleteConflict.
    user = iam.create_user(user_name="owner").user
    unblock = blocker(iam)
    with pytest.raises(DeleteConflictError):
        iam.delete_user(user_name="owner")
    assert iam.get_user(user_name="owner").user.user_id == user.user_id
    unblock()
    iam.delete_user(user_name="owner")
    with pytest.raises(NoSuchEntityError):
        iam.get_user(user_name="owner")


def test_delete_user_with_a_permissions_boundary_succeeds(iam: Client) -> None:
    # A boundary is not among DeleteUser's preconditions.
    arn = iam.create_policy(policy_name="edge", policy_document=ALLOW_S3).policy.arn
    assert arn is not None
    iam.create_user(user_name="bounded", permissions_boundary=arn)
    iam.delete_user(user_name="bounded")
    assert iam.get_policy(policy_arn=arn).policy.permissions_boundary_usage_count == 0


def test_create_user_with_tags_and_boundary_shows_them_in_get_user(iam: Client) -> None:
    arn = iam.create_policy(policy_name="edge", policy_document=ALLOW_S3).policy.arn
    created = iam.create_user(
        user_name="tagged",
        permissions_boundary=arn,
        tags=[{"Key": "team", "Value": "core"}, {"Key": "cost", "Value": "42"}],
    ).user
    assert {(t.key, t.value) for t in created.tags} == {("team", "core"), ("cost", "42")}
    read = iam.get_user(user_name="tagged").user
    assert {(t.key, t.value) for t in read.tags} == {("team", "core"), ("cost", "42")}
    assert read.permissions_boundary is not None
    assert read.permissions_boundary.permissions_boundary_arn == arn
    assert read.permissions_boundary.permissions_boundary_type == "PermissionsBoundaryPolicy"


def test_create_user_with_a_missing_boundary_creates_nothing(iam: Client) -> None:
    account = iam.get_user().user.user_id
    with pytest.raises(NoSuchEntityError):
        iam.create_user(
            user_name="bounded", permissions_boundary=f"arn:aws:iam::{account}:policy/none"
        )
    assert iam.list_users().users == ()


def test_tag_user_merges_and_overwrites_values(iam: Client) -> None:
    # TagUser: "If a tag with the same key name already exists, then that tag is overwritten
    # with the new value."
    iam.create_user(user_name="t", tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    iam.tag_user(user_name="t", tags=[{"Key": "b", "Value": "20"}, {"Key": "c", "Value": "3"}])
    assert tags_of(iam, "t") == {"a": "1", "b": "20", "c": "3"}
    iam.untag_user(user_name="t", tag_keys=["a", "not-there"])
    assert tags_of(iam, "t") == {"b": "20", "c": "3"}
    assert {(t.key, t.value) for t in iam.get_user(user_name="t").user.tags} == {
        ("b", "20"),
        ("c", "3"),
    }


def test_tag_value_may_be_empty(iam: Client) -> None:
    # Tag: Value length constraints are 0..256.
    iam.create_user(user_name="t")
    iam.tag_user(user_name="t", tags=[{"Key": "flag", "Value": ""}])
    assert tags_of(iam, "t") == {"flag": ""}


@pytest.mark.parametrize("key", ["aws:team", "AWS:team", "Aws:cost"])
def test_tag_keys_with_the_aws_prefix_are_rejected(iam: Client, key: str) -> None:
    # "Tagging IAM resources": the aws: prefix is reserved for AWS use (any case).
    iam.create_user(user_name="t", tags=[{"Key": "keep", "Value": "1"}])
    with pytest.raises(InvalidInputError):
        iam.tag_user(user_name="t", tags=[{"Key": key, "Value": "x"}])
    with pytest.raises(InvalidInputError):
        iam.create_user(user_name="t2", tags=[{"Key": key, "Value": "x"}])
    assert tags_of(iam, "t") == {"keep": "1"}
    assert [u.user_name for u in iam.list_users().users] == ["t"]


def test_at_most_fifty_tags_per_user(iam: Client) -> None:
    # "IAM and AWS STS quotas": 50 tags per user.
    iam.create_user(user_name="t", tags=[{"Key": f"k{i}", "Value": "v"} for i in range(30)])
    iam.tag_user(user_name="t", tags=[{"Key": f"k{i}", "Value": "w"} for i in range(20, 50)])
    assert len(tags_of(iam, "t")) == 50
    with pytest.raises(LimitExceededError):
        iam.tag_user(user_name="t", tags=[{"Key": "one-more", "Value": "v"}])
    after = tags_of(iam, "t")
    assert len(after) == 50
    assert "one-more" not in after
    # Overwriting an existing key at the limit is not a new tag.
    iam.tag_user(user_name="t", tags=[{"Key": "k0", "Value": "new"}])
    assert tags_of(iam, "t")["k0"] == "new"


def test_more_than_fifty_tags_in_one_request_is_a_validation_error(iam: Client) -> None:
    # TagUser: Tags array has a maximum of 50 items.
    with pytest.raises(ValidationError):
        iam.create_user(user_name="t", tags=[{"Key": f"k{i}", "Value": "v"} for i in range(51)])
    assert iam.list_users().users == ()


def test_duplicate_tag_keys_in_one_request_are_rejected(iam: Client) -> None:
    iam.create_user(user_name="t")
    with pytest.raises(InvalidInputError):
        iam.tag_user(user_name="t", tags=[{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}])
    assert tags_of(iam, "t") == {}


def test_tagging_a_missing_user_is_no_such_entity(iam: Client) -> None:
    with pytest.raises(NoSuchEntityError):
        iam.tag_user(user_name="ghost", tags=[{"Key": "a", "Value": "1"}])
    with pytest.raises(NoSuchEntityError):
        iam.untag_user(user_name="ghost", tag_keys=["a"])
    with pytest.raises(NoSuchEntityError):
        iam.list_user_tags(user_name="ghost")
