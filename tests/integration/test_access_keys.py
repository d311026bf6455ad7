"""Access keys end to end: shape, quota, status, signing with them, and last-used tracking."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from iamstore.client import (
    Client,
    Credentials,
    InvalidClientTokenIdError,
    LimitExceededError,
    NoSuchEntityError,
    SignatureDoesNotMatchError,
    ValidationError,
)
from iamstore.client.models import AccessKey
from iamstore.cluster.testing.inproc import InProcessNode


def client_for(node: InProcessNode, key: AccessKey) -> Client:
    return Client(node.address, credentials=Credentials(key.access_key_id, key.secret_access_key))


def key_states(iam: Client, user_name: str | None = None) -> dict[str, str | None]:
    listed = iam.list_access_keys(user_name=user_name).access_key_metadata
    return {k.access_key_id or "": k.status for k in listed}


def test_create_access_key_shape(iam: Client) -> None:
    # "IAM identifiers": access key ids start with AKIA; CreateAccessKey returns the 40-char
    # secret, the only time it is ever returned.
    iam.create_user(user_name="u")
    key = iam.create_access_key(user_name="u").access_key
    assert re.fullmatch(r"AKIA[A-Z2-7]{16}", key.access_key_id)
    assert len(key.secret_access_key) == 40
    assert (key.user_name, key.status) == ("u", "Active")
    assert key.create_date is not None
    assert abs(key.create_date - datetime.now(UTC)) < timedelta(minutes=1)
    listed = iam.list_access_keys(user_name="u").access_key_metadata
    assert [(k.access_key_id, k.user_name, k.status) for k in listed] == [
        (key.access_key_id, "u", "Active")
    ]
    assert not hasattr(listed[0], "secret_access_key")


def test_two_keys_per_user(iam: Client) -> None:
    # "IAM and AWS STS quotas": access keys assigned to an IAM user: 2.
    iam.create_user(user_name="u")
    first = iam.create_access_key(user_name="u").access_key
    second = iam.create_access_key(user_name="u").access_key
    assert first.access_key_id != second.access_key_id
    with pytest.raises(LimitExceededError):
        iam.create_access_key(user_name="u")
    assert set(key_states(iam, "u")) == {first.access_key_id, second.access_key_id}
    # Deleting one frees a slot.
    iam.delete_access_key(user_name="u", access_key_id=first.access_key_id)
    third = iam.create_access_key(user_name="u").access_key
    assert set(key_states(iam, "u")) == {second.access_key_id, third.access_key_id}


def test_root_keys_count_against_the_same_quota(iam: Client) -> None:
    # Without UserName the keys are the caller's (here the account root, which has one key).
    assert len(key_states(iam)) == 1
    iam.create_access_key()
    assert len(key_states(iam)) == 2
    with pytest.raises(LimitExceededError):
        iam.create_access_key()
    assert len(key_states(iam)) == 2


def test_create_key_for_missing_user_is_no_such_entity(iam: Client) -> None:
    with pytest.raises(NoSuchEntityError):
        iam.create_access_key(user_name="ghost")
    with pytest.raises(NoSuchEntityError):
        iam.list_access_keys(user_name="ghost")


def test_inactive_key_cannot_sign_until_reactivated(iam: Client, iam_node: InProcessNode) -> None:
    # UpdateAccessKey: "Inactive means that the key cannot be used" for programmatic calls.
    spare = iam.create_access_key().access_key
    with client_for(iam_node, spare) as spare_client:
        assert spare_client.get_user().user.arn == iam.get_user().user.arn
        iam.update_access_key(access_key_id=spare.access_key_id, status="Inactive")
        assert key_states(iam)[spare.access_key_id] == "Inactive"
        with pytest.raises(InvalidClientTokenIdError):
            spare_client.list_users()
        iam.update_access_key(access_key_id=spare.access_key_id, status="Active")
        assert key_states(iam)[spare.access_key_id] == "Active"
        assert spare_client.list_users().users == ()


def test_deleted_key_cannot_sign(iam: Client, iam_node: InProcessNode) -> None:
    spare = iam.create_access_key().access_key
    with client_for(iam_node, spare) as spare_client:
        spare_client.list_users()
        iam.delete_access_key(access_key_id=spare.access_key_id)
        assert spare.access_key_id not in key_states(iam)
        with pytest.raises(InvalidClientTokenIdError):
            spare_client.list_users()


def test_user_key_signs_as_that_user(iam: Client, iam_node: InProcessNode) -> None:
    user = iam.create_user(user_name="u").user
    # AWS authorizes GetUser on oneself by policy too.
    iam.put_user_policy(
        user_name="u",
        policy_name="self",
        policy_document=(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
            '"Action": "iam:GetUser", "Resource": "arn:aws:iam::*:user/${aws:username}"}]}'
        ),
    )
    key = iam.create_access_key(user_name="u").access_key
    with client_for(iam_node, key) as user_client:
        assert user_client.get_user().user.user_id == user.user_id
        assert user_client.get_user().user.arn == user.arn


def test_wrong_secret_is_refused(iam: Client, iam_node: InProcessNode) -> None:
    spare = iam.create_access_key().access_key
    wrong = AccessKey(
        user_name="", access_key_id=spare.access_key_id, status="Active", secret_access_key="x" * 40
    )
    with client_for(iam_node, wrong) as wrong_client, pytest.raises(SignatureDoesNotMatchError):
        wrong_client.list_users()


def test_last_used_is_na_until_the_key_signs(iam: Client, iam_node: InProcessNode) -> None:
    # GetAccessKeyLastUsed: a key never used reports ServiceName and Region as N/A and no date.
    iam.create_user(user_name="u")
    unused = iam.create_access_key(user_name="u").access_key
    result = iam.get_access_key_last_used(access_key_id=unused.access_key_id)
    assert result.user_name == "u"
    assert result.access_key_last_used.last_used_date is None
    assert result.access_key_last_used.service_name == "N/A"
    assert result.access_key_last_used.region == "N/A"

    spare = iam.create_access_key().access_key
    before = datetime.now(UTC) - timedelta(seconds=5)
    with client_for(iam_node, spare) as spare_client:
        spare_client.list_users()
    used = iam.get_access_key_last_used(access_key_id=spare.access_key_id).access_key_last_used
    assert used.last_used_date is not None
    assert before <= used.last_used_date <= datetime.now(UTC) + timedelta(seconds=5)
    assert used.service_name == "iam"


def test_update_access_key_with_a_bad_status_is_a_validation_error(iam: Client) -> None:
    iam.create_user(user_name="u")
    key = iam.create_access_key(user_name="u").access_key
    with pytest.raises(ValidationError) as raised:
        iam.update_access_key(user_name="u", access_key_id=key.access_key_id, status="Disabled")
    assert raised.value.message.startswith(
        "1 validation error detected: Value 'Disabled' at 'status' failed to satisfy constraint"
    )
    assert key_states(iam, "u") == {key.access_key_id: "Active"}


def test_keys_of_another_user_are_no_such_entity(iam: Client) -> None:
    iam.create_user(user_name="a")
    iam.create_user(user_name="b")
    key = iam.create_access_key(user_name="a").access_key
    with pytest.raises(NoSuchEntityError):
        iam.update_access_key(user_name="b", access_key_id=key.access_key_id, status="Inactive")
    with pytest.raises(NoSuchEntityError):
        iam.delete_access_key(user_name="b", access_key_id=key.access_key_id)
    with pytest.raises(NoSuchEntityError):
        iam.delete_access_key(user_name="a", access_key_id="AKIA" + "Z" * 16)
    assert key_states(iam, "a") == {key.access_key_id: "Active"}
    with pytest.raises(NoSuchEntityError):
        iam.get_access_key_last_used(access_key_id="AKIA" + "Z" * 16)
