"""The node answers signed calls end to end: create, read, and a typed AWS error."""

from __future__ import annotations

import pytest

from iamstore.client import Client, EntityAlreadyExistsError, NoSuchEntityError


def test_create_then_get_user(iam: Client) -> None:
    created = iam.create_user(user_name="alice", path="/eng/")
    assert created.user.arn.endswith(":user/eng/alice")
    assert created.user.user_id.startswith("AIDA")
    assert len(created.user.user_id) == 21
    assert iam.get_user(user_name="ALICE").user.user_id == created.user.user_id


def test_duplicate_user_name_is_entity_already_exists(iam: Client) -> None:
    iam.create_user(user_name="bob")
    with pytest.raises(EntityAlreadyExistsError):
        iam.create_user(user_name="Bob")


def test_accounts_are_isolated(iam: Client, other_account: Client) -> None:
    iam.create_user(user_name="carol")
    with pytest.raises(NoSuchEntityError):
        other_account.get_user(user_name="carol")
    assert other_account.list_users().users == ()
