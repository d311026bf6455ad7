"""An error quoting a long input still reaches the client as that error."""

from __future__ import annotations

import json

import pytest

from iamstore.client import Client, MalformedPolicyDocumentError


def test_an_error_quoting_a_long_value_keeps_its_code(iam: Client) -> None:
    """The message quotes the offending resource (12,000 characters). It once went out whole
    as the status details, past the 8 KiB a client takes in headers, and the client saw a
    code-less "Stream removed" failure instead of MalformedPolicyDocument."""
    iam.create_user(user_name="long")
    document = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "x" * 12000}],
        }
    )
    with pytest.raises(MalformedPolicyDocumentError) as raised:
        iam.put_user_policy(user_name="long", policy_name="p", policy_document=document)
    assert raised.value.message.endswith("(truncated)")
