"""Client and AsyncClient against the fake node: typed results, errors, failover, signing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import grpc
import pytest
from client_fake_node import ACCESS_KEY_ID, CREDENTIALS, FakeNode
from google.protobuf.timestamp_pb2 import Timestamp

from iamstore.client import (
    AccessDeniedError,
    AsyncClient,
    Client,
    Credentials,
    DeleteConflictError,
    EntityAlreadyExistsError,
    IamError,
    NoSuchEntityError,
    ServiceFailureError,
    ServiceUnavailableError,
    SignatureDoesNotMatchError,
    Tag,
    User,
)
from iamstore.client._operations import GET_USER
from iamstore.client._transport import error_for_status
from iamstore.client.errors import ERROR_CLASSES
from iamstore.client.results import CreateUserResponse, GetAccountSummaryResponse
from iamstore.v1 import iam_pb2, node_pb2
from iamstore.wire.errors import WireError

CREATED = datetime(2024, 5, 1, 12, 30, 15, tzinfo=UTC)


def _timestamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def _user_pb(name: str = "alice") -> iam_pb2.User:
    return iam_pb2.User(
        path="/eng/",
        user_name=name,
        user_id="AIDAEXAMPLE",
        arn=f"arn:aws:iam::123456789012:user/eng/{name}",
        create_date=_timestamp(CREATED),
        tags=[iam_pb2.Tag(key="team", value="db")],
    )


async def test_sync_create_user_sends_signed_request_and_returns_typed_user(
    node: FakeNode,
) -> None:
    node.answer("CreateUser", iam_pb2.CreateUserResponse(user=_user_pb()))
    with Client(node.endpoint, credentials=CREDENTIALS) as client:
        result = await asyncio.to_thread(
            client.create_user,
            user_name="alice",
            path="/eng/",
            tags=[Tag(key="team", value="db"), {"Key": "env", "Value": "prod"}],
        )
    assert result == CreateUserResponse(
        user=User(
            path="/eng/",
            user_name="alice",
            user_id="AIDAEXAMPLE",
            arn="arn:aws:iam::123456789012:user/eng/alice",
            create_date=CREATED,
            tags=(Tag(key="team", value="db"),),
        )
    )
    assert result.user.create_date.tzinfo is not None
    # Absent optional members are None, not protobuf's empty defaults.
    assert result.user.password_last_used is None
    assert result.user.permissions_boundary is None
    [request] = node.requests("CreateUser", iam_pb2.CreateUserRequest)
    assert request == iam_pb2.CreateUserRequest(
        user_name="alice",
        path="/eng/",
        tags=[iam_pb2.Tag(key="team", value="db"), iam_pb2.Tag(key="env", value="prod")],
    )
    # Optional parameters not given are not sent at all.
    assert not request.HasField("permissions_boundary")
    assert (
        node.calls[0]
        .metadata["authorization"]
        .startswith(f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY_ID}/")
    )


async def test_async_client_returns_the_same_typed_result(node: FakeNode) -> None:
    node.answer("GetUser", iam_pb2.GetUserResponse(user=_user_pb("bob")))
    async with AsyncClient(node.endpoint, credentials=CREDENTIALS) as client:
        result = await client.get_user(user_name="bob")
    assert result.user.user_name == "bob"
    assert result.user.create_date == CREATED


async def test_empty_response_returns_none(node: FakeNode) -> None:
    node.answer("DeleteUser", iam_pb2.DeleteUserResponse())
    async with AsyncClient(node.endpoint, credentials=CREDENTIALS) as client:
        # The point of the test: an empty response comes back as None.
        result = await client.delete_user(user_name="alice")  # type: ignore[func-returns-value]
        assert result is None
    [request] = node.requests("DeleteUser", iam_pb2.DeleteUserRequest)
    assert request.user_name == "alice"


async def test_map_and_scalar_list_results(node: FakeNode) -> None:
    node.answer(
        "GetAccountSummary",
        iam_pb2.GetAccountSummaryResponse(summary_map={"Users": 3, "UsersQuota": 5000}),
    )
    node.answer("ListUserPolicies", iam_pb2.ListUserPoliciesResponse(policy_names=["a", "b"]))
    async with AsyncClient(node.endpoint, credentials=CREDENTIALS) as client:
        summary = await client.get_account_summary()
        policies = await client.list_user_policies(user_name="alice")
    assert summary == GetAccountSummaryResponse(summary_map={"Users": 3, "UsersQuota": 5000})
    assert policies.policy_names == ("a", "b")
    assert policies.is_truncated is None


async def test_ping_and_accounts_use_their_own_services(node: FakeNode) -> None:
    node.answer("Ping", node_pb2.PingResponse(node_id="n1"))
    node.answer(
        "CreateAccount",
        node_pb2.CreateAccountResponse(
            account=node_pb2.Account(
                account_id="111122223333",
                account_name="dev",
                arn="arn:aws:organizations::111122223333:account/dev",
                create_date=_timestamp(CREATED),
            ),
            root_credentials=node_pb2.RootCredentials(access_key_id="AKIA1", secret_access_key="s"),
        ),
    )
    async with AsyncClient(node.endpoint, credentials=CREDENTIALS) as client:
        assert (await client.ping()).node_id == "n1"
        created = await client.create_account(account_name="dev")
    assert created.account.account_name == "dev"
    assert created.root_credentials.secret_access_key == "s"
    assert [call.method for call in node.calls] == [
        "/iamstore.v1.Node/Ping",
        "/iamstore.v1.Accounts/CreateAccount",
    ]


async def test_response_missing_a_required_member_is_a_service_failure(node: FakeNode) -> None:
    node.answer("GetUser", iam_pb2.GetUserResponse())
    async with AsyncClient(node.endpoint, credentials=CREDENTIALS) as client:
        with pytest.raises(ServiceFailureError, match="lacks required field `user`"):
            await client.get_user(user_name="alice")


@pytest.mark.parametrize("code", sorted(ERROR_CLASSES))
async def test_every_error_code_raises_its_exception(node: FakeNode, code: str) -> None:
    node.answer("GetUser", WireError(code, "the thing `x` is wrong", field="UserName"))
    async with AsyncClient(node.endpoint, credentials=CREDENTIALS) as client:
        with pytest.raises(IamError) as caught:
            await client.get_user(user_name="x")
    assert type(caught.value) is ERROR_CLASSES[code]
    assert (caught.value.code, caught.value.message, caught.value.field) == (
        code,
        "the thing `x` is wrong",
        "UserName",
    )
    # The aws CLI's wording of a failed call.
    assert str(caught.value) == (
        f"An error occurred ({code}) when calling the GetUser operation: the thing `x` is wrong"
    )


async def test_unknown_error_code_raises_the_base_class(node: FakeNode) -> None:
    node.answer("GetUser", WireError("SomethingNew", "new failure"))
    async with AsyncClient(node.endpoint, credentials=CREDENTIALS) as client:
        with pytest.raises(IamError) as caught:
            await client.get_user(user_name="x")
    assert type(caught.value) is IamError
    assert caught.value.code == "SomethingNew"


async def test_sync_client_maps_errors_too(node: FakeNode) -> None:
    node.answer(
        "DeleteUser",
        WireError("DeleteConflict", "user `alice` has access keys"),
    )
    node.answer("CreateUser", WireError("EntityAlreadyExists", "user `alice` already exists"))
    with Client(node.endpoint, credentials=CREDENTIALS) as client:
        with pytest.raises(DeleteConflictError, match="has access keys"):
            await asyncio.to_thread(client.delete_user, user_name="alice")
        with pytest.raises(EntityAlreadyExistsError):
            await asyncio.to_thread(client.create_user, user_name="alice")


async def test_wrong_secret_is_rejected_by_the_signature_check(node: FakeNode) -> None:
    node.answer("GetUser", iam_pb2.GetUserResponse(user=_user_pb()))
    wrong = Credentials(ACCESS_KEY_ID, "not-the-secret")
    async with AsyncClient(node.endpoint, credentials=wrong) as client:
        with pytest.raises(SignatureDoesNotMatchError):
            await client.get_user(user_name="alice")


async def test_failover_from_dead_endpoint_to_live_one(node: FakeNode, dead_endpoint: str) -> None:
    node.answer("GetUser", iam_pb2.GetUserResponse(user=_user_pb()))
    async with AsyncClient([dead_endpoint, node.endpoint], credentials=CREDENTIALS) as client:
        assert (await client.get_user(user_name="alice")).user.user_name == "alice"
        assert (await client.get_user(user_name="alice")).user.user_name == "alice"
    # Both calls reached the live node exactly once each: no duplicate delivery.
    assert len(node.calls) == 2


async def test_sync_failover_accepts_comma_separated_endpoints(
    node: FakeNode, dead_endpoint: str
) -> None:
    node.answer("GetUser", iam_pb2.GetUserResponse(user=_user_pb()))
    with Client(f"{dead_endpoint},{node.endpoint}", credentials=CREDENTIALS) as client:
        assert client.endpoints == (dead_endpoint, node.endpoint)
        result = await asyncio.to_thread(client.get_user, user_name="alice")
    assert result.user.user_name == "alice"


async def test_all_endpoints_dead_raises_service_unavailable(dead_endpoint: str) -> None:
    async with AsyncClient([dead_endpoint], credentials=CREDENTIALS, timeout=5) as client:
        with pytest.raises(ServiceUnavailableError, match="no endpoint answered") as caught:
            await client.get_user(user_name="alice")
    assert caught.value.code == "ServiceUnavailable"
    assert caught.value.operation_name == "GetUser"


async def test_errors_other_than_unavailable_do_not_fail_over(node: FakeNode) -> None:
    node.answer("GetUser", WireError("AccessDenied", "not allowed"))
    # The same node listed twice: a failover would show up as a second call.
    async with AsyncClient([node.endpoint, node.endpoint], credentials=CREDENTIALS) as client:
        with pytest.raises(AccessDeniedError):
            await client.get_user(user_name="alice")
    assert len(node.calls) == 1


def test_status_without_trailers_falls_back_on_the_status_code() -> None:
    # A proxy may strip trailers; NOT_FOUND alone still means NoSuchEntity.
    error = error_for_status(GET_USER, grpc.StatusCode.NOT_FOUND, "user `x` not found", None)
    assert type(error) is NoSuchEntityError
    assert error.operation_name == "GetUser"


def test_bad_arguments_are_rejected_before_any_call() -> None:
    client = Client("127.0.0.1:1", credentials=CREDENTIALS)
    with pytest.raises(TypeError, match="`tag_keys` must be a list"):
        client.untag_user(user_name="a", tag_keys="solo")
    with pytest.raises(ValueError, match="at least one endpoint"):
        Client([], credentials=CREDENTIALS)
    client.close()


def test_credentials_are_resolved_from_the_environment_when_omitted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    client = Client("127.0.0.1:1")
    assert client._settings.credentials == Credentials("AKIAENV", "env-secret")
    client.close()


def test_consistency_tokens_keep_the_highest_sequence_per_origin() -> None:
    from iamstore.client._transport import ConsistencyTokens, at_least_metadata
    from iamstore.wire.consistency import AT_LEAST_KEY

    seen = ConsistencyTokens()
    seen.merge("n1:3")
    seen.merge_trailers((("x-iam-consistency-token", "n1:2"), ("other", "x")))
    seen.merge_trailers((("x-iam-consistency-token", "n2:7"),))
    assert seen.encode() == "n1:3,n2:7"
    assert at_least_metadata("n1:5", seen) == ((AT_LEAST_KEY, "n1:5,n2:7"),)
    assert at_least_metadata(None, None) == ()
