"""Instance profiles through real gRPC: one role each, AWS's conflicts, paging and isolation."""

from __future__ import annotations

import pytest
from iam_helpers import TRUST_EC2

from iamstore.client import (
    Client,
    DeleteConflictError,
    EntityAlreadyExistsError,
    LimitExceededError,
    NoSuchEntityError,
)


def test_create_get_delete(iam: Client) -> None:
    made = iam.create_instance_profile(
        instance_profile_name="web", path="/app/", tags=[{"Key": "k", "Value": "v"}]
    ).instance_profile
    account = iam.get_user().user.arn.split(":")[4]
    # AWS: arn:aws:iam::ACCOUNT:instance-profile/PATH/NAME, ids start with AIPA.
    assert made.arn == f"arn:aws:iam::{account}:instance-profile/app/web"
    assert made.instance_profile_id.startswith("AIPA")
    assert len(made.instance_profile_id) == 21
    assert (made.path, made.instance_profile_name, made.roles) == ("/app/", "web", ())
    got = iam.get_instance_profile(instance_profile_name="WEB").instance_profile
    assert (got.arn, got.create_date) == (made.arn, made.create_date)
    assert [(t.key, t.value) for t in got.tags] == [("k", "v")]
    iam.delete_instance_profile(instance_profile_name="web")
    with pytest.raises(NoSuchEntityError):
        iam.get_instance_profile(instance_profile_name="web")
    with pytest.raises(NoSuchEntityError):
        iam.delete_instance_profile(instance_profile_name="web")


def test_same_name_is_entity_already_exists(iam: Client) -> None:
    first = iam.create_instance_profile(instance_profile_name="web").instance_profile
    with pytest.raises(EntityAlreadyExistsError):
        iam.create_instance_profile(instance_profile_name="Web", path="/other/")
    got = iam.get_instance_profile(instance_profile_name="web").instance_profile
    assert got.instance_profile_id == first.instance_profile_id


def test_one_role_per_profile(iam: Client) -> None:
    iam.create_role(role_name="r1", assume_role_policy_document=TRUST_EC2)
    iam.create_role(role_name="r2", assume_role_policy_document=TRUST_EC2)
    iam.create_instance_profile(instance_profile_name="web")
    iam.add_role_to_instance_profile(instance_profile_name="web", role_name="r1")
    roles = iam.get_instance_profile(instance_profile_name="web").instance_profile.roles
    assert [r.role_name for r in roles] == ["r1"]
    assert roles[0].assume_role_policy_document is not None
    # AWS quota "Roles in an instance profile": 1, so a second role is LimitExceeded.
    for role in ("r2", "r1"):
        with pytest.raises(LimitExceededError):
            iam.add_role_to_instance_profile(instance_profile_name="web", role_name=role)
    iam.remove_role_from_instance_profile(instance_profile_name="web", role_name="r1")
    iam.add_role_to_instance_profile(instance_profile_name="web", role_name="r2")
    roles = iam.get_instance_profile(instance_profile_name="web").instance_profile.roles
    assert [r.role_name for r in roles] == ["r2"]


def test_role_and_profile_deletes_conflict_while_linked(iam: Client) -> None:
    iam.create_role(role_name="r", assume_role_policy_document=TRUST_EC2)
    iam.create_instance_profile(instance_profile_name="web")
    iam.add_role_to_instance_profile(instance_profile_name="web", role_name="r")
    with pytest.raises(DeleteConflictError):
        iam.delete_role(role_name="r")
    with pytest.raises(DeleteConflictError):
        iam.delete_instance_profile(instance_profile_name="web")
    iam.remove_role_from_instance_profile(instance_profile_name="web", role_name="r")
    iam.delete_role(role_name="r")
    iam.delete_instance_profile(instance_profile_name="web")
    assert iam.list_instance_profiles().instance_profiles == ()


def test_missing_profile_role_or_link_is_no_such_entity(iam: Client) -> None:
    iam.create_role(role_name="r", assume_role_policy_document=TRUST_EC2)
    iam.create_instance_profile(instance_profile_name="web")
    with pytest.raises(NoSuchEntityError):
        iam.add_role_to_instance_profile(instance_profile_name="nope", role_name="r")
    with pytest.raises(NoSuchEntityError):
        iam.add_role_to_instance_profile(instance_profile_name="web", role_name="nope")
    with pytest.raises(NoSuchEntityError):
        iam.remove_role_from_instance_profile(instance_profile_name="web", role_name="r")
    assert iam.get_instance_profile(instance_profile_name="web").instance_profile.roles == ()


def test_list_filters_by_path_and_pages(iam: Client) -> None:
    for name in ("c", "a", "b"):
        iam.create_instance_profile(instance_profile_name=name, path="/x/")
    iam.create_instance_profile(instance_profile_name="d")
    everything = iam.list_instance_profiles().instance_profiles
    assert [p.instance_profile_name for p in everything] == ["a", "b", "c", "d"]
    under_x = iam.list_instance_profiles(path_prefix="/x/").instance_profiles
    assert [p.instance_profile_name for p in under_x] == ["a", "b", "c"]
    page = iam.list_instance_profiles(max_items=3)
    assert page.is_truncated
    assert len(page.instance_profiles) == 3
    rest = iam.list_instance_profiles(marker=page.marker)
    assert [p.instance_profile_name for p in rest.instance_profiles] == ["d"]
    assert not rest.is_truncated
    paged = [
        p.instance_profile_name
        for page in iam.get_paginator("list_instance_profiles").paginate(max_items=2)
        for p in page.instance_profiles
    ]
    assert paged == ["a", "b", "c", "d"]


def test_profiles_are_isolated_between_accounts(iam: Client, other_account: Client) -> None:
    iam.create_instance_profile(instance_profile_name="web")
    other_account.create_role(role_name="r", assume_role_policy_document=TRUST_EC2)
    with pytest.raises(NoSuchEntityError):
        other_account.get_instance_profile(instance_profile_name="web")
    with pytest.raises(NoSuchEntityError):
        other_account.add_role_to_instance_profile(instance_profile_name="web", role_name="r")
    assert other_account.list_instance_profiles().instance_profiles == ()
    other_account.create_instance_profile(instance_profile_name="web")  # names are per account
    assert len(iam.list_instance_profiles().instance_profiles) == 1
