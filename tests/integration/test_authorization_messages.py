"""Encoded authorization failure messages: Authorize seals one, DecodeAuthorizationMessage
reads it."""

from __future__ import annotations

import json

import pytest

from iamstore.client import AccessDeniedError, Client, Credentials, IamError
from iamstore.cluster.testing.inproc import InProcessNode

BUCKET = "arn:aws:s3:::reports"


def doc(effect: str, *actions: str) -> str:
    statement = {"Sid": "S1", "Effect": effect, "Action": list(actions), "Resource": "*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _denied_message(iam: Client, arn: str, action: str = "s3:GetObject") -> str:
    result = iam.authorize(
        principal_arn=arn,
        action=action,
        resource_arn=BUCKET,
        encode_failure_message=True,
        at_least=iam.consistency_token,
    )
    assert result.decision != "Allow"
    assert result.encoded_message is not None
    return result.encoded_message


def test_a_denial_decodes_to_aws_shape(iam: Client) -> None:
    arn = iam.create_user(user_name="alice").user.arn
    decoded = json.loads(
        iam.decode_authorization_message(encoded_message=_denied_message(iam, arn)).decoded_message
    )
    assert decoded["allowed"] is False
    assert decoded["explicitDeny"] is False
    assert decoded["context"]["principal"]["arn"] == arn
    assert decoded["context"]["action"] == "s3:GetObject"
    assert decoded["context"]["resource"] == BUCKET
    keys = {item["key"] for item in decoded["context"]["conditions"]["items"]}
    assert "aws:username" in keys


def test_an_explicit_deny_names_its_statement(iam: Client) -> None:
    arn = iam.create_user(user_name="alice").user.arn
    iam.put_user_policy(user_name="alice", policy_name="no", policy_document=doc("Deny", "s3:*"))
    decoded = json.loads(
        iam.decode_authorization_message(encoded_message=_denied_message(iam, arn)).decoded_message
    )
    assert decoded["explicitDeny"] is True
    [statement] = decoded["matchedStatements"]["items"]
    assert statement["effect"] == "DENY"
    assert statement["statementId"] == "S1"


def test_allowed_or_unasked_decisions_carry_no_message(iam: Client) -> None:
    arn = iam.create_user(user_name="alice").user.arn
    iam.put_user_policy(user_name="alice", policy_name="yes", policy_document=doc("Allow", "s3:*"))
    allowed = iam.authorize(
        principal_arn=arn,
        action="s3:GetObject",
        resource_arn=BUCKET,
        encode_failure_message=True,
        at_least=iam.consistency_token,
    )
    assert allowed.decision == "Allow"
    assert allowed.encoded_message is None
    unasked = iam.authorize(principal_arn=arn, action="s3:PutObject", resource_arn="x")
    assert unasked.encoded_message is None


def test_only_the_messages_account_can_decode_it(iam: Client, other_account: Client) -> None:
    message = _denied_message(iam, iam.create_user(user_name="alice").user.arn)
    with pytest.raises(IamError) as error:
        other_account.decode_authorization_message(encoded_message=message)
    assert error.value.code == "InvalidAuthorizationMessageException"


def test_a_tampered_message_is_refused(iam: Client) -> None:
    message = _denied_message(iam, iam.create_user(user_name="alice").user.arn)
    flipped = message[:-2] + ("A" if message[-2] != "A" else "B") + message[-1]
    with pytest.raises(IamError) as error:
        iam.decode_authorization_message(encoded_message=flipped)
    assert error.value.code == "InvalidAuthorizationMessageException"


def test_decoding_needs_the_permission(iam_node: InProcessNode, iam: Client) -> None:
    message = _denied_message(iam, iam.create_user(user_name="alice").user.arn)
    iam.create_user(user_name="reader")
    key = iam.create_access_key(user_name="reader").access_key
    with Client(
        iam_node.address, credentials=Credentials(key.access_key_id, key.secret_access_key)
    ) as reader:
        with pytest.raises(AccessDeniedError):
            reader.decode_authorization_message(encoded_message=message)
        iam.put_user_policy(
            user_name="reader",
            policy_name="decode",
            policy_document=doc("Allow", "sts:DecodeAuthorizationMessage"),
        )
        decoded = reader.decode_authorization_message(
            encoded_message=message, at_least=iam.consistency_token
        )
    assert json.loads(decoded.decoded_message)["allowed"] is False
