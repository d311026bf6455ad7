"""GetFederationToken and GetAccessKeyInfo through real gRPC."""

from __future__ import annotations

import json
import time

import pytest
from iam_helpers import assert_lasts

from iamstore.client import AccessDeniedError, Client, Credentials, IamError, ValidationError
from iamstore.client.models import TemporaryCredentials
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node.access_key_ids import temporary_key_id


def doc(*actions: str) -> str:
    statement = {"Effect": "Allow", "Action": list(actions), "Resource": "*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def user_client(iam_node: InProcessNode, iam: Client, name: str, *actions: str) -> Client:
    iam.create_user(user_name=name)
    if actions:
        iam.put_user_policy(user_name=name, policy_name="p", policy_document=doc(*actions))
    key = iam.create_access_key(user_name=name).access_key
    return Client(
        iam_node.address, credentials=Credentials(key.access_key_id, key.secret_access_key)
    )


def session_client(iam_node: InProcessNode, creds: TemporaryCredentials) -> Client:
    return Client(
        iam_node.address,
        credentials=Credentials(creds.access_key_id, creds.secret_access_key, creds.session_token),
    )


def test_a_federated_user_has_aws_arn_and_id(iam_node: InProcessNode, iam: Client) -> None:
    account = iam.get_caller_identity().account
    with user_client(iam_node, iam, "broker", "sts:GetFederationToken") as broker:
        asked = time.time()
        made = broker.get_federation_token(name="carol", policy=doc("s3:GetObject"))
    assert made.federated_user.arn == f"arn:aws:sts::{account}:federated-user/carol"
    assert made.federated_user.federated_user_id == f"{account}:carol"
    assert_lasts(made.credentials.expiration, 43_200, asked)  # AWS's default for a user: 12 h
    with session_client(iam_node, made.credentials) as carol:
        identity = carol.get_caller_identity()
    assert identity.arn == made.federated_user.arn
    assert identity.user_id == f"{account}:carol"


def test_permissions_are_the_intersection_with_the_session_policy(
    iam_node: InProcessNode, iam: Client
) -> None:
    # The broker may authorize and federate; each federated session gets what its policy
    # grants of that, and nothing without a policy (AWS).
    actions = ("sts:GetFederationToken", "iamstore:Authorize")
    with user_client(iam_node, iam, "broker", *actions) as broker:
        allowed = broker.get_federation_token(name="fed-a", policy=doc("iamstore:Authorize"))
        narrowed = broker.get_federation_token(name="fed-b", policy=doc("s3:GetObject"))
        bare = broker.get_federation_token(name="fed-c")
        broker_arn = broker.get_caller_identity().arn

    def can_authorize(creds: TemporaryCredentials) -> bool:
        with session_client(iam_node, creds) as session:
            try:
                session.authorize(
                    principal_arn=broker_arn, action="s3:GetObject", resource_arn="arn:aws:s3:::b"
                )
            except AccessDeniedError:
                return False
            return True

    assert can_authorize(allowed.credentials)
    assert not can_authorize(narrowed.credentials)
    assert not can_authorize(bare.credentials)


def test_a_session_policy_cannot_grant_more_than_the_user_has(
    iam_node: InProcessNode, iam: Client
) -> None:
    with user_client(iam_node, iam, "broker", "sts:GetFederationToken") as broker:
        made = broker.get_federation_token(name="fed-d", policy=doc("*"))
        broker_arn = broker.get_caller_identity().arn
    with session_client(iam_node, made.credentials) as session, pytest.raises(AccessDeniedError):
        session.authorize(
            principal_arn=broker_arn, action="s3:GetObject", resource_arn="arn:aws:s3:::b"
        )


def test_without_permission_the_call_is_refused(iam_node: InProcessNode, iam: Client) -> None:
    with user_client(iam_node, iam, "nobody") as nobody, pytest.raises(AccessDeniedError) as error:
        nobody.get_federation_token(name="carol", policy=doc("s3:GetObject"))
    assert "sts:GetFederationToken" in error.value.message


def test_temporary_credentials_cannot_federate(iam_node: InProcessNode, iam: Client) -> None:
    with user_client(iam_node, iam, "broker", "sts:GetFederationToken") as broker:
        made = broker.get_federation_token(name="carol", policy=doc("*"))
        session_creds = broker.get_session_token().credentials
    with session_client(iam_node, made.credentials) as carol, pytest.raises(AccessDeniedError):
        carol.get_federation_token(name="again", policy=doc("*"))
    with session_client(iam_node, session_creds) as session, pytest.raises(AccessDeniedError):
        session.get_federation_token(name="again", policy=doc("*"))


def test_a_federated_user_cannot_call_iam(iam_node: InProcessNode, iam: Client) -> None:
    with user_client(iam_node, iam, "broker", "sts:GetFederationToken", "iam:*") as broker:
        made = broker.get_federation_token(name="carol", policy=doc("*"))
    with session_client(iam_node, made.credentials) as carol, pytest.raises(AccessDeniedError):
        carol.list_users()


def test_durations_follow_aws(iam_node: InProcessNode, iam: Client) -> None:
    asked = time.time()
    made = iam.get_federation_token(name="root-fed", policy=doc("*"))
    assert_lasts(made.credentials.expiration, 3600, asked)
    # The root asking for more gets one hour (AWS: "defaults to one hour"), not an error.
    asked = time.time()
    made = iam.get_federation_token(name="root-fed", policy=doc("*"), duration_seconds=7200)
    assert_lasts(made.credentials.expiration, 3600, asked)
    with pytest.raises(ValidationError):  # past the API's 129,600 s range, even the root
        iam.get_federation_token(name="root-fed", duration_seconds=129_601)
    with pytest.raises(ValidationError):
        iam.get_federation_token(name="short", duration_seconds=600)
    with pytest.raises(ValidationError):
        iam.get_federation_token(name="bad name")


def test_get_access_key_info_names_the_owning_account(
    iam_node: InProcessNode, iam: Client, other_account: Client
) -> None:
    account = iam.get_caller_identity().account
    iam.create_user(user_name="u")
    key = iam.create_access_key(user_name="u").access_key.access_key_id
    assert other_account.get_access_key_info(access_key_id=key).account == account
    with pytest.raises(IamError) as error:
        iam.get_access_key_info(access_key_id="AKIAUNKNOWNUNKNOWN00")
    assert error.value.code == "InvalidInput"


def test_get_access_key_info_names_the_account_of_a_temporary_key(
    iam: Client, other_account: Client
) -> None:
    # STS API Reference, GetAccessKeyInfo: ASIA keys name their account too. The answer is
    # read from the id (nothing is kept per session), for a caller of any account.
    account = iam.get_caller_identity().account
    session_key = iam.get_session_token(duration_seconds=900).credentials.access_key_id
    assert other_account.get_access_key_info(access_key_id=session_key).account == account
    # An id naming an account this cluster does not hold answers the same way: whether an
    # account exists here is not revealed.
    absent = temporary_key_id("000000000042", b"\x00\x01\x02\x03")
    assert iam.get_access_key_info(access_key_id=absent).account == "000000000042"
    # A changed last character breaks the checksum: the id is not one iamstore issued.
    changed = session_key[:-1] + ("A" if session_key[-1] != "A" else "B")
    for made_up in ("ASIAIOSFODNN7EXAMPLE", changed):
        with pytest.raises(IamError) as error:
            iam.get_access_key_info(access_key_id=made_up)
        assert error.value.code == "InvalidInput"
