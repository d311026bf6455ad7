"""Authorize about whoever signed a request: the node verifies the caller's SigV4 signature.

A service that authenticates its callers with SigV4 holds none of their secrets, so it cannot
check a signature itself; it passes the request as received and the node verifies it (and a
session token with it), then decides with the signer's whole session. Requests here are signed
by botocore, an independent SigV4 implementation.
"""

from __future__ import annotations

import datetime
import hashlib

import botocore.auth
import pytest
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials
from security_nodes import allow, doc, trust_account, user_client

from iamstore.client import AccessDeniedError, Client, InvalidInputError
from iamstore.client.models import SignedRequest, SignedRequestHeader, TemporaryCredentials
from iamstore.cluster.testing.inproc import InProcessNode

HOST = "reports.internal"
OBJECT = "arn:aws:s3:::reports/q3.csv"


def _signed(
    key_id: str,
    secret: str,
    token: str | None = None,
    *,
    path: str = "/reports/q3",
    body: bytes = b"",
) -> SignedRequest:
    """A POST to the reports service, signed as botocore signs (service `reports`)."""
    request = AWSRequest(
        method="POST", url=f"https://{HOST}{path}?view=full", data=body, headers={"Host": HOST}
    )
    botocore.auth.SigV4Auth(
        BotoCredentials(key_id, secret, token), "reports", "us-east-1"
    ).add_auth(request)
    return SignedRequest(
        method="POST",
        path=path,
        query="view=full",
        headers=tuple(SignedRequestHeader(name=k, value=v) for k, v in request.headers.items()),
        payload_sha256=hashlib.sha256(body).hexdigest(),
    )


def _ask(iam: Client, signed: SignedRequest, action: str = "s3:GetObject") -> tuple[str, str]:
    answer = iam.authorize(signed_request=signed, action=action, resource_arn=OBJECT)
    return answer.decision, answer.principal_arn


def _role_session(node: InProcessNode, iam: Client, session_policy: str) -> TemporaryCredentials:
    account = iam.get_caller_identity().account
    arn = iam.create_role(
        role_name="reader", assume_role_policy_document=trust_account(account)
    ).role.arn
    assert arn is not None
    iam.put_role_policy(role_name="reader", policy_name="p", policy_document=doc(allow("s3:*")))
    with user_client(node, iam, "caller", doc(allow("sts:AssumeRole"))) as caller:
        issued = caller.assume_role(role_arn=arn, role_session_name="s1", policy=session_policy)
    assert issued.credentials is not None
    return issued.credentials


def test_a_request_signed_by_a_role_session_is_decided_with_the_session(
    iam_node: InProcessNode, iam: Client
) -> None:
    creds = _role_session(iam_node, iam, doc(allow("s3:GetObject")))
    signed = _signed(creds.access_key_id, creds.secret_access_key, creds.session_token)
    account = iam.get_caller_identity().account
    session_arn = f"arn:aws:sts::{account}:assumed-role/reader/s1"
    assert _ask(iam, signed) == ("Allow", session_arn)
    assert _ask(iam, signed, "s3:PutObject") == ("ImplicitDeny", session_arn)  # session policy


def test_a_request_signed_with_a_users_key(iam_node: InProcessNode, iam: Client) -> None:
    iam.create_user(user_name="alice")
    iam.put_user_policy(user_name="alice", policy_name="p", policy_document=doc(allow("s3:*")))
    key = iam.create_access_key(user_name="alice").access_key
    signed = _signed(key.access_key_id, key.secret_access_key)
    decision, principal = _ask(iam, signed)
    assert decision == "Allow"
    assert principal.endswith(":user/alice")


def test_a_request_that_does_not_verify_is_refused(
    iam_node: InProcessNode, iam: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    iam.create_user(user_name="alice")
    key = iam.create_access_key(user_name="alice").access_key
    good = _signed(key.access_key_id, key.secret_access_key)
    other_path = SignedRequest(
        method=good.method,
        path="/reports/q4",
        query=good.query,
        headers=good.headers,
        payload_sha256=good.payload_sha256,
    )
    other_body = SignedRequest(
        method=good.method,
        path=good.path,
        query=good.query,
        headers=good.headers,
        payload_sha256=hashlib.sha256(b"changed").hexdigest(),
    )
    wrong_secret = _signed(key.access_key_id, "x" * 40)
    unknown_key = _signed("AKIA" + "Z" * 16, key.secret_access_key)
    for bad, code in (
        (other_path, "SignatureDoesNotMatch"),
        (other_body, "SignatureDoesNotMatch"),
        (wrong_secret, "SignatureDoesNotMatch"),
        (unknown_key, "InvalidClientTokenId"),
    ):
        with pytest.raises(InvalidInputError, match=code):
            _ask(iam, bad)
    # A signature older than the replay window (SigV4's 5 minutes) no longer counts.
    old = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) - datetime.timedelta(minutes=6)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda *a, **k: old)
    with pytest.raises(InvalidInputError, match="expired"):
        _ask(iam, _signed(key.access_key_id, key.secret_access_key))


def test_a_forged_session_token_is_refused(iam_node: InProcessNode, iam: Client) -> None:
    creds = _role_session(iam_node, iam, doc(allow("s3:*")))
    forged = creds.session_token[:-4] + ("AAAA" if creds.session_token[-4:] != "AAAA" else "BBBB")
    with pytest.raises(InvalidInputError, match="InvalidClientTokenId"):
        _ask(iam, _signed(creds.access_key_id, creds.secret_access_key, forged))


def test_another_accounts_signer_is_not_yours_to_ask_about(
    iam_node: InProcessNode, iam: Client, management: Client
) -> None:
    iam.create_user(user_name="alice")
    key = iam.create_access_key(user_name="alice").access_key
    with pytest.raises(AccessDeniedError, match="not in your account"):
        _ask(management, _signed(key.access_key_id, key.secret_access_key))


def test_exactly_one_way_to_name_the_principal(iam: Client) -> None:
    iam.create_user(user_name="alice")
    key = iam.create_access_key(user_name="alice").access_key
    signed = _signed(key.access_key_id, key.secret_access_key)
    with pytest.raises(InvalidInputError, match="exactly one"):
        iam.authorize(
            signed_request=signed,
            access_key_id=key.access_key_id,
            action="s3:GetObject",
            resource_arn=OBJECT,
        )
