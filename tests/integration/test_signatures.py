"""The node verifies SigV4 over the exact wire bytes (ARCHITECTURE "Security model")."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterator, Sequence
from typing import cast

import grpc
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials

from iamstore.client import Client, Credentials, InvalidClientTokenIdError
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.v1 import iam_pb2 as pb
from iamstore.wire.errors import ERROR_CODE_KEY
from iamstore.wire.sigv4 import DEFAULT_HOST, DEFAULT_REGION, sign_grpc

GET_USER = "/iamstore.v1.Iam/GetUser"
SELF_READ = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", '
    '"Resource": "arn:aws:iam::*:user/${aws:username}"}]}'
)
LIST_USERS = "/iamstore.v1.Iam/ListUsers"


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


@pytest.fixture
def root(iam_node: InProcessNode) -> Credentials:
    return resolve_credentials(credentials_file=str(iam_node.credentials_file))


@pytest.fixture
def channel(iam_node: InProcessNode) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(iam_node.address) as ch:
        yield ch


def _call(
    channel: grpc.Channel, path: str, body: bytes, metadata: Sequence[tuple[str, str | bytes]]
) -> tuple[grpc.StatusCode, str | None]:
    method = channel.unary_unary(path, request_serializer=None, response_deserializer=None)
    try:
        method(body, metadata=tuple(metadata), timeout=10)
    except grpc.RpcError as err:
        call = cast(grpc.Call, err)  # a failed unary call's error is also its Call
        trailers: dict[str, str | bytes] = {k: v for k, v in call.trailing_metadata() or ()}
        code = trailers.get(ERROR_CODE_KEY)
        return call.code(), code if isinstance(code, str) else None
    return grpc.StatusCode.OK, None


def _sign(
    creds: Credentials, path: str, body: bytes, now: datetime.datetime | None = None
) -> list[tuple[str, str]]:
    return sign_grpc(
        method_path=path,
        body=body,
        access_key_id=creds.access_key_id,
        secret_access_key=creds.secret_access_key,
        session_token=None,
        region=DEFAULT_REGION,
        host=DEFAULT_HOST,
        now=now or _now(),
    )


def test_a_correct_signature_is_accepted(channel: grpc.Channel, root: Credentials) -> None:
    body = pb.ListUsersRequest().SerializeToString()
    assert _call(channel, LIST_USERS, body, _sign(root, LIST_USERS, body))[0] == grpc.StatusCode.OK


def test_tampered_body_is_refused(channel: grpc.Channel, root: Credentials) -> None:
    signed = pb.GetUserRequest(user_name="alice").SerializeToString()
    sent = pb.GetUserRequest(user_name="mallory").SerializeToString()
    status, code = _call(channel, GET_USER, sent, _sign(root, GET_USER, signed))
    assert (status, code) == (grpc.StatusCode.UNAUTHENTICATED, "SignatureDoesNotMatch")


def test_signature_for_another_method_is_refused(channel: grpc.Channel, root: Credentials) -> None:
    body = pb.ListUsersRequest().SerializeToString()
    status, code = _call(channel, LIST_USERS, body, _sign(root, GET_USER, body))
    assert (status, code) == (grpc.StatusCode.UNAUTHENTICATED, "SignatureDoesNotMatch")


@pytest.mark.parametrize("skew_minutes", [-6, 6])
def test_stale_or_future_date_is_refused(
    channel: grpc.Channel, root: Credentials, skew_minutes: int
) -> None:
    body = pb.ListUsersRequest().SerializeToString()
    when = _now() + datetime.timedelta(minutes=skew_minutes)
    status, code = _call(channel, LIST_USERS, body, _sign(root, LIST_USERS, body, when))
    assert (status, code) == (grpc.StatusCode.UNAUTHENTICATED, "SignatureDoesNotMatch")


def test_unknown_key_is_refused(channel: grpc.Channel) -> None:
    body = pb.ListUsersRequest().SerializeToString()
    stranger = Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    status, code = _call(channel, LIST_USERS, body, _sign(stranger, LIST_USERS, body))
    assert (status, code) == (grpc.StatusCode.UNAUTHENTICATED, "InvalidClientTokenId")


def test_unsigned_call_is_refused(channel: grpc.Channel) -> None:
    body = pb.ListUsersRequest().SerializeToString()
    status, code = _call(channel, LIST_USERS, body, [])
    assert (status, code) == (grpc.StatusCode.UNAUTHENTICATED, "MissingAuthenticationToken")


def test_inactive_then_deleted_key_is_refused(iam: Client, iam_node: InProcessNode) -> None:
    iam.create_user(user_name="keyholder")
    # AWS authorizes GetUser on oneself by policy too.
    iam.put_user_policy(user_name="keyholder", policy_name="self", policy_document=SELF_READ)
    made = iam.create_access_key(user_name="keyholder").access_key
    user_client = Client(
        iam_node.address, credentials=Credentials(made.access_key_id, made.secret_access_key)
    )
    with user_client:
        assert user_client.get_user().user.user_name == "keyholder"
        iam.update_access_key(
            user_name="keyholder", access_key_id=made.access_key_id, status="Inactive"
        )
        with pytest.raises(InvalidClientTokenIdError):
            user_client.get_user()
        iam.update_access_key(
            user_name="keyholder", access_key_id=made.access_key_id, status="Active"
        )
        assert user_client.get_user().user.user_name == "keyholder"
        iam.delete_access_key(user_name="keyholder", access_key_id=made.access_key_id)
        with pytest.raises(InvalidClientTokenIdError):
            user_client.get_user()


def test_botocore_signature_is_accepted(channel: grpc.Channel, root: Credentials) -> None:
    """A request signed by botocore's own SigV4Auth passes the node's verifier."""
    body = pb.ListUsersRequest(path_prefix="/").SerializeToString()
    request = AWSRequest(method="POST", url=f"https://{DEFAULT_HOST}{LIST_USERS}", data=body)
    SigV4Auth(
        BotoCredentials(root.access_key_id, root.secret_access_key), "iam", DEFAULT_REGION
    ).add_auth(request)
    metadata = [
        ("authorization", request.headers["Authorization"]),
        ("x-amz-date", request.headers["X-Amz-Date"]),
        # botocore signs the payload hash without sending it as a header for IAM
        ("x-amz-content-sha256", hashlib.sha256(body).hexdigest()),
    ]
    assert _call(channel, LIST_USERS, body, metadata)[0] == grpc.StatusCode.OK
