"""The asyncio client: the same methods as Client, as coroutines, over grpc.aio channels."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Literal, TypeVar, cast, overload

import grpc
import grpc.aio

from iamstore.client import _operations as operations
from iamstore.client import results
from iamstore.client._convert import MalformedResponse, build_request, to_result
from iamstore.client._transport import (
    CHANNEL_OPTIONS,
    DEFAULT_ENDPOINT,
    DEFAULT_HOST,
    DEFAULT_REGION,
    DEFAULT_TIMEOUT,
    ConsistencyTokens,
    FailoverOrder,
    Settings,
    TlsCa,
    at_least_metadata,
    error_for_status,
    identity,
    is_unavailable,
    unavailable_error,
)
from iamstore.client.errors import ServiceFailureError
from iamstore.client.models import (
    AuthorizeRequestInput,
    ContextEntryInput,
    ContextProviderInput,
    OrganizationLevelInput,
    PolicyDescriptorInput,
    SignedRequestInput,
    TagInput,
)
from iamstore.client.paginators import AsyncPaginator, Page
from iamstore.client.providers import CredentialProvider, frozen_credentials, refresh_blocks

R = TypeVar("R")


class AsyncClient:
    """An asyncio iamstore client; takes the same arguments as Client.

    Channels are opened on first use, inside the running event loop; close them with
    `await client.close()` or `async with AsyncClient(...) as client`.
    """

    def __init__(
        self,
        endpoints: str | Sequence[str] = DEFAULT_ENDPOINT,
        *,
        credentials: CredentialProvider | None = None,
        region: str = DEFAULT_REGION,
        host: str = DEFAULT_HOST,
        timeout: float | None = DEFAULT_TIMEOUT,
        read_your_writes: bool = False,
        tls_ca: TlsCa = None,
    ) -> None:
        self._settings = Settings.build(endpoints, credentials, region, host, timeout, tls_ca)
        # Every write's token is remembered; with read_your_writes, every call sends them all,
        # so any node answers only once it has applied this client's own writes.
        self._tokens = ConsistencyTokens()
        self._read_your_writes = read_your_writes
        self._order = FailoverOrder(len(self._settings.endpoints))
        self._channels: dict[int, grpc.aio.Channel] = {}

    @property
    def endpoints(self) -> tuple[str, ...]:
        return self._settings.endpoints

    @property
    def consistency_token(self) -> str | None:
        """The tokens of every write this client made: pass as `at_least=` to another client."""
        return self._tokens.encode()

    async def close(self) -> None:
        channels = list(self._channels.values())
        self._channels.clear()
        for channel in channels:
            await channel.close(None)

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    def _channel(self, index: int) -> grpc.aio.Channel:
        channel = self._channels.get(index)
        if channel is None:
            endpoint = self._settings.endpoints[index]
            tls = self._settings.channel_credentials()
            if tls is None:
                channel = grpc.aio.insecure_channel(endpoint, options=CHANNEL_OPTIONS)
            else:
                channel = grpc.aio.secure_channel(endpoint, tls, options=CHANNEL_OPTIONS)
            self._channels[index] = channel
        return channel

    async def _call(self, operation: operations.Operation[R], params: Mapping[str, object]) -> R:
        """Sends one signed request, failing over to the next endpoint on UNAVAILABLE."""
        arguments = {
            name: value for name, value in params.items() if name not in ("self", "at_least")
        }
        at_least = params.get("at_least")
        wait_for = at_least_metadata(
            at_least if isinstance(at_least, str) else None,
            self._tokens if self._read_your_writes else None,
        )
        body = build_request(operation, arguments).SerializeToString()
        snapshot = None
        if refresh_blocks(self._settings.credentials):
            # A refresh the credentials must wait for (they are about to expire) is a blocking
            # AssumeRole call: wait for it in a worker thread, never on the event loop.
            snapshot = await asyncio.to_thread(frozen_credentials, self._settings.credentials)
        last_details: str | None = None
        for index in self._order.attempts():
            rpc = self._channel(index).unary_unary(
                operation.method_path,
                request_serializer=identity,
                response_deserializer=operation.response_type.FromString,
            )
            try:
                call = rpc(
                    body,
                    metadata=self._settings.sign(operation, body, snapshot) + wait_for,
                    timeout=self._settings.timeout,
                )
                response = await call
                self._tokens.merge_trailers(await call.trailing_metadata())
            except grpc.aio.AioRpcError as error:
                if is_unavailable(error.code()):
                    last_details = error.details()
                    continue
                raise error_for_status(
                    operation, error.code(), error.details(), error.trailing_metadata()
                ) from None
            self._order.answered(index)
            try:
                return to_result(operation, response)
            except MalformedResponse as malformed:
                raise ServiceFailureError(
                    "ServiceFailure", str(malformed), operation_name=operation.name
                ) from None
        raise unavailable_error(operation, self._settings.endpoints, last_details)

    @overload
    def get_paginator(
        self, operation_name: Literal["list_users"]
    ) -> AsyncPaginator[results.ListUsersResponse]: ...

    @overload
    def get_paginator(
        self, operation_name: Literal["list_user_tags"]
    ) -> AsyncPaginator[results.ListUserTagsResponse]: ...

    @overload
    def get_paginator(
        self, operation_name: Literal["get_group"]
    ) -> AsyncPaginator[results.GetGroupResponse]: ...

    @overload
    def get_paginator(
        self, operation_name: Literal["list_groups"]
    ) -> AsyncPaginator[results.ListGroupsResponse]: ...

    @overload
    def get_paginator(
        self, operation_name: Literal["list_groups_for_user"]
    ) -> AsyncPaginator[results.ListGroupsForUserResponse]: ...

    @overload
    def get_paginator(
        self, operation_name: Literal["list_roles"]
    ) -> AsyncPaginator[results.ListRolesResponse]: ...

    @overload
    def get_paginator(
        self, operation_name: Literal["list_role_tags"]
    ) -> AsyncPaginator[results.ListRoleTagsResponse]: ...

    @overload
    def get_paginator(
        self, operation_name: Literal["list_policies"]
    ) -> AsyncPaginator[results.ListPoliciesResponse]: ...

    @overload
    def get_paginator(
        self, operation_name: Literal["list_policy_versions"]
    ) -> AsyncPaginator[results.ListPolicyVersionsResponse]: ...

    @overload
    def get_paginator(
        self, operation_name: Literal["list_attached_user_policies"]
    ) -> AsyncPaginator[results.ListAttachedUserPoliciesResponse]: ...

    @overload
    def get_paginator(
        self, operation_name: Literal["list_attached_group_policies"]
    ) -> AsyncPaginator[results.ListAttachedGroupPoliciesResponse]: ...

    @overload
    def get_paginator(
        self, operation_name: Literal["list_attached_role_policies"]
    ) -> AsyncPaginator[results.ListAttachedRolePoliciesResponse]: ...

    @overload
    def get_paginator(
        self, operation_name: Literal["list_entities_for_policy"]
    ) -> AsyncPaginator[results.ListEntitiesForPolicyResponse]: ...

    @overload
    def get_paginator(
        self, operation_name: Literal["list_policy_tags"]
    ) -> AsyncPaginator[results.ListPolicyTagsResponse]: ...

    @overload
    def get_paginator(
        self, operation_name: Literal["list_user_policies"]
    ) -> AsyncPaginator[results.ListUserPoliciesResponse]: ...

    @overload
    def get_paginator(
        self, operation_name: Literal["list_group_policies"]
    ) -> AsyncPaginator[results.ListGroupPoliciesResponse]: ...

    @overload
    def get_paginator(
        self, operation_name: Literal["list_role_policies"]
    ) -> AsyncPaginator[results.ListRolePoliciesResponse]: ...

    @overload
    def get_paginator(
        self, operation_name: Literal["list_access_keys"]
    ) -> AsyncPaginator[results.ListAccessKeysResponse]: ...

    @overload
    def get_paginator(
        self, operation_name: Literal["list_mfa_devices"]
    ) -> AsyncPaginator[results.ListMFADevicesResponse]: ...

    @overload
    def get_paginator(
        self, operation_name: Literal["list_virtual_mfa_devices"]
    ) -> AsyncPaginator[results.ListVirtualMFADevicesResponse]: ...

    @overload
    def get_paginator(
        self, operation_name: Literal["list_instance_profiles"]
    ) -> AsyncPaginator[results.ListInstanceProfilesResponse]: ...

    @overload
    def get_paginator(
        self, operation_name: Literal["list_accounts"]
    ) -> AsyncPaginator[results.ListAccountsResponse]: ...
    def get_paginator(self, operation_name: str) -> AsyncPaginator[Page]:
        """A paginator for a list operation, by its Python name (`"list_users"`)."""
        operation = cast(operations.Operation[Page], operations.paginated_operation(operation_name))
        return AsyncPaginator(operation.name, lambda params: self._call(operation, params))

    # One method per operation; each body is the single line below, so `locals()` holds
    # exactly `self` and the keyword arguments (None meaning `not given`).

    async def create_user(
        self,
        *,
        user_name: str,
        path: str | None = None,
        permissions_boundary: str | None = None,
        tags: Sequence[TagInput] | None = None,
        at_least: str | None = None,
    ) -> results.CreateUserResponse:
        return await self._call(operations.CREATE_USER, locals())

    async def get_user(
        self, *, user_name: str | None = None, at_least: str | None = None
    ) -> results.GetUserResponse:
        return await self._call(operations.GET_USER, locals())

    async def list_users(
        self,
        *,
        path_prefix: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
        at_least: str | None = None,
    ) -> results.ListUsersResponse:
        return await self._call(operations.LIST_USERS, locals())

    async def update_user(
        self,
        *,
        user_name: str,
        new_path: str | None = None,
        new_user_name: str | None = None,
        at_least: str | None = None,
    ) -> None:
        return await self._call(operations.UPDATE_USER, locals())

    async def delete_user(self, *, user_name: str, at_least: str | None = None) -> None:
        return await self._call(operations.DELETE_USER, locals())

    async def tag_user(
        self, *, user_name: str, tags: Sequence[TagInput], at_least: str | None = None
    ) -> None:
        return await self._call(operations.TAG_USER, locals())

    async def untag_user(
        self, *, user_name: str, tag_keys: Sequence[str], at_least: str | None = None
    ) -> None:
        return await self._call(operations.UNTAG_USER, locals())

    async def list_user_tags(
        self,
        *,
        user_name: str,
        marker: str | None = None,
        max_items: int | None = None,
        at_least: str | None = None,
    ) -> results.ListUserTagsResponse:
        return await self._call(operations.LIST_USER_TAGS, locals())

    async def create_group(
        self,
        *,
        group_name: str,
        path: str | None = None,
        at_least: str | None = None,
    ) -> results.CreateGroupResponse:
        return await self._call(operations.CREATE_GROUP, locals())

    async def get_group(
        self,
        *,
        group_name: str,
        marker: str | None = None,
        max_items: int | None = None,
        at_least: str | None = None,
    ) -> results.GetGroupResponse:
        return await self._call(operations.GET_GROUP, locals())

    async def list_groups(
        self,
        *,
        path_prefix: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
        at_least: str | None = None,
    ) -> results.ListGroupsResponse:
        return await self._call(operations.LIST_GROUPS, locals())

    async def update_group(
        self,
        *,
        group_name: str,
        new_path: str | None = None,
        new_group_name: str | None = None,
        at_least: str | None = None,
    ) -> None:
        return await self._call(operations.UPDATE_GROUP, locals())

    async def delete_group(self, *, group_name: str, at_least: str | None = None) -> None:
        return await self._call(operations.DELETE_GROUP, locals())

    async def add_user_to_group(
        self, *, group_name: str, user_name: str, at_least: str | None = None
    ) -> None:
        return await self._call(operations.ADD_USER_TO_GROUP, locals())

    async def remove_user_from_group(
        self, *, group_name: str, user_name: str, at_least: str | None = None
    ) -> None:
        return await self._call(operations.REMOVE_USER_FROM_GROUP, locals())

    async def list_groups_for_user(
        self,
        *,
        user_name: str,
        marker: str | None = None,
        max_items: int | None = None,
        at_least: str | None = None,
    ) -> results.ListGroupsForUserResponse:
        return await self._call(operations.LIST_GROUPS_FOR_USER, locals())

    async def create_role(
        self,
        *,
        role_name: str,
        assume_role_policy_document: str,
        path: str | None = None,
        description: str | None = None,
        max_session_duration: int | None = None,
        max_signin_session_duration: int | None = None,
        permissions_boundary: str | None = None,
        tags: Sequence[TagInput] | None = None,
        at_least: str | None = None,
    ) -> results.CreateRoleResponse:
        return await self._call(operations.CREATE_ROLE, locals())

    async def get_role(
        self, *, role_name: str, at_least: str | None = None
    ) -> results.GetRoleResponse:
        return await self._call(operations.GET_ROLE, locals())

    async def list_roles(
        self,
        *,
        path_prefix: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
        at_least: str | None = None,
    ) -> results.ListRolesResponse:
        return await self._call(operations.LIST_ROLES, locals())

    async def update_role(
        self,
        *,
        role_name: str,
        description: str | None = None,
        max_session_duration: int | None = None,
        max_signin_session_duration: int | None = None,
        reset_max_signin_session_duration: bool | None = None,
        at_least: str | None = None,
    ) -> None:
        return await self._call(operations.UPDATE_ROLE, locals())

    async def update_assume_role_policy(
        self, *, role_name: str, policy_document: str, at_least: str | None = None
    ) -> None:
        return await self._call(operations.UPDATE_ASSUME_ROLE_POLICY, locals())

    async def delete_role(self, *, role_name: str, at_least: str | None = None) -> None:
        return await self._call(operations.DELETE_ROLE, locals())

    async def tag_role(
        self, *, role_name: str, tags: Sequence[TagInput], at_least: str | None = None
    ) -> None:
        return await self._call(operations.TAG_ROLE, locals())

    async def untag_role(
        self, *, role_name: str, tag_keys: Sequence[str], at_least: str | None = None
    ) -> None:
        return await self._call(operations.UNTAG_ROLE, locals())

    async def list_role_tags(
        self,
        *,
        role_name: str,
        marker: str | None = None,
        max_items: int | None = None,
        at_least: str | None = None,
    ) -> results.ListRoleTagsResponse:
        return await self._call(operations.LIST_ROLE_TAGS, locals())

    async def create_policy(
        self,
        *,
        policy_name: str,
        policy_document: str,
        path: str | None = None,
        description: str | None = None,
        tags: Sequence[TagInput] | None = None,
        at_least: str | None = None,
    ) -> results.CreatePolicyResponse:
        return await self._call(operations.CREATE_POLICY, locals())

    async def get_policy(
        self, *, policy_arn: str, at_least: str | None = None
    ) -> results.GetPolicyResponse:
        return await self._call(operations.GET_POLICY, locals())

    async def list_policies(
        self,
        *,
        scope: str | None = None,
        only_attached: bool | None = None,
        path_prefix: str | None = None,
        policy_usage_filter: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
        at_least: str | None = None,
    ) -> results.ListPoliciesResponse:
        return await self._call(operations.LIST_POLICIES, locals())

    async def delete_policy(self, *, policy_arn: str, at_least: str | None = None) -> None:
        return await self._call(operations.DELETE_POLICY, locals())

    async def create_policy_version(
        self,
        *,
        policy_arn: str,
        policy_document: str,
        set_as_default: bool | None = None,
        at_least: str | None = None,
    ) -> results.CreatePolicyVersionResponse:
        return await self._call(operations.CREATE_POLICY_VERSION, locals())

    async def get_policy_version(
        self,
        *,
        policy_arn: str,
        version_id: str,
        at_least: str | None = None,
    ) -> results.GetPolicyVersionResponse:
        return await self._call(operations.GET_POLICY_VERSION, locals())

    async def list_policy_versions(
        self,
        *,
        policy_arn: str,
        marker: str | None = None,
        max_items: int | None = None,
        at_least: str | None = None,
    ) -> results.ListPolicyVersionsResponse:
        return await self._call(operations.LIST_POLICY_VERSIONS, locals())

    async def set_default_policy_version(
        self, *, policy_arn: str, version_id: str, at_least: str | None = None
    ) -> None:
        return await self._call(operations.SET_DEFAULT_POLICY_VERSION, locals())

    async def delete_policy_version(
        self, *, policy_arn: str, version_id: str, at_least: str | None = None
    ) -> None:
        return await self._call(operations.DELETE_POLICY_VERSION, locals())

    async def attach_user_policy(
        self, *, user_name: str, policy_arn: str, at_least: str | None = None
    ) -> None:
        return await self._call(operations.ATTACH_USER_POLICY, locals())

    async def attach_group_policy(
        self, *, group_name: str, policy_arn: str, at_least: str | None = None
    ) -> None:
        return await self._call(operations.ATTACH_GROUP_POLICY, locals())

    async def attach_role_policy(
        self, *, role_name: str, policy_arn: str, at_least: str | None = None
    ) -> None:
        return await self._call(operations.ATTACH_ROLE_POLICY, locals())

    async def detach_user_policy(
        self, *, user_name: str, policy_arn: str, at_least: str | None = None
    ) -> None:
        return await self._call(operations.DETACH_USER_POLICY, locals())

    async def detach_group_policy(
        self, *, group_name: str, policy_arn: str, at_least: str | None = None
    ) -> None:
        return await self._call(operations.DETACH_GROUP_POLICY, locals())

    async def detach_role_policy(
        self, *, role_name: str, policy_arn: str, at_least: str | None = None
    ) -> None:
        return await self._call(operations.DETACH_ROLE_POLICY, locals())

    async def list_attached_user_policies(
        self,
        *,
        user_name: str,
        path_prefix: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
        at_least: str | None = None,
    ) -> results.ListAttachedUserPoliciesResponse:
        return await self._call(operations.LIST_ATTACHED_USER_POLICIES, locals())

    async def list_attached_group_policies(
        self,
        *,
        group_name: str,
        path_prefix: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
        at_least: str | None = None,
    ) -> results.ListAttachedGroupPoliciesResponse:
        return await self._call(operations.LIST_ATTACHED_GROUP_POLICIES, locals())

    async def list_attached_role_policies(
        self,
        *,
        role_name: str,
        path_prefix: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
        at_least: str | None = None,
    ) -> results.ListAttachedRolePoliciesResponse:
        return await self._call(operations.LIST_ATTACHED_ROLE_POLICIES, locals())

    async def list_entities_for_policy(
        self,
        *,
        policy_arn: str,
        entity_filter: str | None = None,
        path_prefix: str | None = None,
        policy_usage_filter: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
        at_least: str | None = None,
    ) -> results.ListEntitiesForPolicyResponse:
        return await self._call(operations.LIST_ENTITIES_FOR_POLICY, locals())

    async def tag_policy(
        self, *, policy_arn: str, tags: Sequence[TagInput], at_least: str | None = None
    ) -> None:
        return await self._call(operations.TAG_POLICY, locals())

    async def untag_policy(
        self, *, policy_arn: str, tag_keys: Sequence[str], at_least: str | None = None
    ) -> None:
        return await self._call(operations.UNTAG_POLICY, locals())

    async def list_policy_tags(
        self,
        *,
        policy_arn: str,
        marker: str | None = None,
        max_items: int | None = None,
        at_least: str | None = None,
    ) -> results.ListPolicyTagsResponse:
        return await self._call(operations.LIST_POLICY_TAGS, locals())

    async def put_user_policy(
        self,
        *,
        user_name: str,
        policy_name: str,
        policy_document: str,
        at_least: str | None = None,
    ) -> None:
        return await self._call(operations.PUT_USER_POLICY, locals())

    async def get_user_policy(
        self,
        *,
        user_name: str,
        policy_name: str,
        at_least: str | None = None,
    ) -> results.GetUserPolicyResponse:
        return await self._call(operations.GET_USER_POLICY, locals())

    async def delete_user_policy(
        self, *, user_name: str, policy_name: str, at_least: str | None = None
    ) -> None:
        return await self._call(operations.DELETE_USER_POLICY, locals())

    async def list_user_policies(
        self,
        *,
        user_name: str,
        marker: str | None = None,
        max_items: int | None = None,
        at_least: str | None = None,
    ) -> results.ListUserPoliciesResponse:
        return await self._call(operations.LIST_USER_POLICIES, locals())

    async def put_group_policy(
        self,
        *,
        group_name: str,
        policy_name: str,
        policy_document: str,
        at_least: str | None = None,
    ) -> None:
        return await self._call(operations.PUT_GROUP_POLICY, locals())

    async def get_group_policy(
        self,
        *,
        group_name: str,
        policy_name: str,
        at_least: str | None = None,
    ) -> results.GetGroupPolicyResponse:
        return await self._call(operations.GET_GROUP_POLICY, locals())

    async def delete_group_policy(
        self, *, group_name: str, policy_name: str, at_least: str | None = None
    ) -> None:
        return await self._call(operations.DELETE_GROUP_POLICY, locals())

    async def list_group_policies(
        self,
        *,
        group_name: str,
        marker: str | None = None,
        max_items: int | None = None,
        at_least: str | None = None,
    ) -> results.ListGroupPoliciesResponse:
        return await self._call(operations.LIST_GROUP_POLICIES, locals())

    async def put_role_policy(
        self,
        *,
        role_name: str,
        policy_name: str,
        policy_document: str,
        at_least: str | None = None,
    ) -> None:
        return await self._call(operations.PUT_ROLE_POLICY, locals())

    async def get_role_policy(
        self,
        *,
        role_name: str,
        policy_name: str,
        at_least: str | None = None,
    ) -> results.GetRolePolicyResponse:
        return await self._call(operations.GET_ROLE_POLICY, locals())

    async def delete_role_policy(
        self, *, role_name: str, policy_name: str, at_least: str | None = None
    ) -> None:
        return await self._call(operations.DELETE_ROLE_POLICY, locals())

    async def list_role_policies(
        self,
        *,
        role_name: str,
        marker: str | None = None,
        max_items: int | None = None,
        at_least: str | None = None,
    ) -> results.ListRolePoliciesResponse:
        return await self._call(operations.LIST_ROLE_POLICIES, locals())

    async def put_user_permissions_boundary(
        self,
        *,
        user_name: str,
        permissions_boundary: str,
        at_least: str | None = None,
    ) -> None:
        return await self._call(operations.PUT_USER_PERMISSIONS_BOUNDARY, locals())

    async def delete_user_permissions_boundary(
        self, *, user_name: str, at_least: str | None = None
    ) -> None:
        return await self._call(operations.DELETE_USER_PERMISSIONS_BOUNDARY, locals())

    async def put_role_permissions_boundary(
        self,
        *,
        role_name: str,
        permissions_boundary: str,
        at_least: str | None = None,
    ) -> None:
        return await self._call(operations.PUT_ROLE_PERMISSIONS_BOUNDARY, locals())

    async def delete_role_permissions_boundary(
        self, *, role_name: str, at_least: str | None = None
    ) -> None:
        return await self._call(operations.DELETE_ROLE_PERMISSIONS_BOUNDARY, locals())

    async def create_access_key(
        self,
        *,
        user_name: str | None = None,
        at_least: str | None = None,
    ) -> results.CreateAccessKeyResponse:
        return await self._call(operations.CREATE_ACCESS_KEY, locals())

    async def list_access_keys(
        self,
        *,
        user_name: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
        at_least: str | None = None,
    ) -> results.ListAccessKeysResponse:
        return await self._call(operations.LIST_ACCESS_KEYS, locals())

    async def update_access_key(
        self,
        *,
        access_key_id: str,
        status: str,
        user_name: str | None = None,
        at_least: str | None = None,
    ) -> None:
        return await self._call(operations.UPDATE_ACCESS_KEY, locals())

    async def delete_access_key(
        self, *, access_key_id: str, user_name: str | None = None, at_least: str | None = None
    ) -> None:
        return await self._call(operations.DELETE_ACCESS_KEY, locals())

    async def get_access_key_last_used(
        self,
        *,
        access_key_id: str,
        at_least: str | None = None,
    ) -> results.GetAccessKeyLastUsedResponse:
        return await self._call(operations.GET_ACCESS_KEY_LAST_USED, locals())

    async def create_login_profile(
        self,
        *,
        user_name: str | None = None,
        password: str | None = None,
        password_reset_required: bool | None = None,
        max_signin_session_duration: int | None = None,
        at_least: str | None = None,
    ) -> results.CreateLoginProfileResponse:
        return await self._call(operations.CREATE_LOGIN_PROFILE, locals())

    async def get_login_profile(
        self,
        *,
        user_name: str | None = None,
        at_least: str | None = None,
    ) -> results.GetLoginProfileResponse:
        return await self._call(operations.GET_LOGIN_PROFILE, locals())

    async def update_login_profile(
        self,
        *,
        user_name: str,
        password: str | None = None,
        password_reset_required: bool | None = None,
        max_signin_session_duration: int | None = None,
        reset_max_signin_session_duration: bool | None = None,
        at_least: str | None = None,
    ) -> None:
        return await self._call(operations.UPDATE_LOGIN_PROFILE, locals())

    async def delete_login_profile(
        self, *, user_name: str | None = None, at_least: str | None = None
    ) -> None:
        return await self._call(operations.DELETE_LOGIN_PROFILE, locals())

    async def get_account_password_policy(
        self, *, at_least: str | None = None
    ) -> results.GetAccountPasswordPolicyResponse:
        return await self._call(operations.GET_ACCOUNT_PASSWORD_POLICY, locals())

    async def update_account_password_policy(
        self,
        *,
        minimum_password_length: int | None = None,
        require_symbols: bool | None = None,
        require_numbers: bool | None = None,
        require_uppercase_characters: bool | None = None,
        require_lowercase_characters: bool | None = None,
        allow_users_to_change_password: bool | None = None,
        max_password_age: int | None = None,
        password_reuse_prevention: int | None = None,
        hard_expiry: bool | None = None,
        at_least: str | None = None,
    ) -> None:
        return await self._call(operations.UPDATE_ACCOUNT_PASSWORD_POLICY, locals())

    async def delete_account_password_policy(self, *, at_least: str | None = None) -> None:
        return await self._call(operations.DELETE_ACCOUNT_PASSWORD_POLICY, locals())

    async def get_account_summary(
        self, *, at_least: str | None = None
    ) -> results.GetAccountSummaryResponse:
        return await self._call(operations.GET_ACCOUNT_SUMMARY, locals())

    async def create_virtual_mfa_device(
        self,
        *,
        virtual_mfa_device_name: str,
        path: str | None = None,
        tags: Sequence[TagInput] | None = None,
        at_least: str | None = None,
    ) -> results.CreateVirtualMFADeviceResponse:
        return await self._call(operations.CREATE_VIRTUAL_MFA_DEVICE, locals())

    async def enable_mfa_device(
        self,
        *,
        user_name: str,
        serial_number: str,
        authentication_code1: str,
        authentication_code2: str,
        at_least: str | None = None,
    ) -> None:
        return await self._call(operations.ENABLE_MFA_DEVICE, locals())

    async def resync_mfa_device(
        self,
        *,
        user_name: str,
        serial_number: str,
        authentication_code1: str,
        authentication_code2: str,
        at_least: str | None = None,
    ) -> None:
        return await self._call(operations.RESYNC_MFA_DEVICE, locals())

    async def deactivate_mfa_device(
        self, *, serial_number: str, user_name: str | None = None, at_least: str | None = None
    ) -> None:
        return await self._call(operations.DEACTIVATE_MFA_DEVICE, locals())

    async def delete_virtual_mfa_device(
        self, *, serial_number: str, at_least: str | None = None
    ) -> None:
        return await self._call(operations.DELETE_VIRTUAL_MFA_DEVICE, locals())

    async def list_mfa_devices(
        self,
        *,
        user_name: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
        at_least: str | None = None,
    ) -> results.ListMFADevicesResponse:
        return await self._call(operations.LIST_MFA_DEVICES, locals())

    async def list_virtual_mfa_devices(
        self,
        *,
        assignment_status: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
        at_least: str | None = None,
    ) -> results.ListVirtualMFADevicesResponse:
        return await self._call(operations.LIST_VIRTUAL_MFA_DEVICES, locals())

    async def create_open_id_connect_provider(
        self,
        *,
        url: str,
        client_id_list: Sequence[str] | None = None,
        thumbprint_list: Sequence[str] | None = None,
        tags: Sequence[TagInput] | None = None,
        context_provider: ContextProviderInput | None = None,
        identity_center_instance_arn: str | None = None,
        at_least: str | None = None,
    ) -> results.CreateOpenIDConnectProviderResponse:
        return await self._call(operations.CREATE_OPEN_ID_CONNECT_PROVIDER, locals())

    async def get_open_id_connect_provider(
        self, *, open_id_connect_provider_arn: str, at_least: str | None = None
    ) -> results.GetOpenIDConnectProviderResponse:
        return await self._call(operations.GET_OPEN_ID_CONNECT_PROVIDER, locals())

    async def list_open_id_connect_providers(
        self, *, at_least: str | None = None
    ) -> results.ListOpenIDConnectProvidersResponse:
        return await self._call(operations.LIST_OPEN_ID_CONNECT_PROVIDERS, locals())

    async def delete_open_id_connect_provider(
        self, *, open_id_connect_provider_arn: str, at_least: str | None = None
    ) -> None:
        return await self._call(operations.DELETE_OPEN_ID_CONNECT_PROVIDER, locals())

    async def add_client_id_to_open_id_connect_provider(
        self, *, open_id_connect_provider_arn: str, client_id: str, at_least: str | None = None
    ) -> None:
        return await self._call(operations.ADD_CLIENT_ID_TO_OPEN_ID_CONNECT_PROVIDER, locals())

    async def remove_client_id_from_open_id_connect_provider(
        self, *, open_id_connect_provider_arn: str, client_id: str, at_least: str | None = None
    ) -> None:
        return await self._call(operations.REMOVE_CLIENT_ID_FROM_OPEN_ID_CONNECT_PROVIDER, locals())

    async def create_instance_profile(
        self,
        *,
        instance_profile_name: str,
        path: str | None = None,
        tags: Sequence[TagInput] | None = None,
        at_least: str | None = None,
    ) -> results.CreateInstanceProfileResponse:
        return await self._call(operations.CREATE_INSTANCE_PROFILE, locals())

    async def get_instance_profile(
        self, *, instance_profile_name: str, at_least: str | None = None
    ) -> results.GetInstanceProfileResponse:
        return await self._call(operations.GET_INSTANCE_PROFILE, locals())

    async def list_instance_profiles(
        self,
        *,
        path_prefix: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
        at_least: str | None = None,
    ) -> results.ListInstanceProfilesResponse:
        return await self._call(operations.LIST_INSTANCE_PROFILES, locals())

    async def delete_instance_profile(
        self, *, instance_profile_name: str, at_least: str | None = None
    ) -> None:
        return await self._call(operations.DELETE_INSTANCE_PROFILE, locals())

    async def add_role_to_instance_profile(
        self, *, instance_profile_name: str, role_name: str, at_least: str | None = None
    ) -> None:
        return await self._call(operations.ADD_ROLE_TO_INSTANCE_PROFILE, locals())

    async def remove_role_from_instance_profile(
        self, *, instance_profile_name: str, role_name: str, at_least: str | None = None
    ) -> None:
        return await self._call(operations.REMOVE_ROLE_FROM_INSTANCE_PROFILE, locals())

    async def change_password(
        self, *, old_password: str, new_password: str, at_least: str | None = None
    ) -> None:
        return await self._call(operations.CHANGE_PASSWORD, locals())

    async def ping(self, *, at_least: str | None = None) -> results.PingResponse:
        return await self._call(operations.PING, locals())

    async def status(self, *, at_least: str | None = None) -> results.StatusResponse:
        return await self._call(operations.STATUS, locals())

    async def list_audit_events(
        self,
        *,
        principal: str | None = None,
        action: str | None = None,
        decision: str | None = None,
        since: datetime | None = None,
        marker: str | None = None,
        max_items: int | None = None,
        at_least: str | None = None,
    ) -> results.ListAuditEventsResponse:
        params: dict[str, object] = dict(locals())
        if since is not None:  # a google.protobuf.Timestamp
            params["since"] = {"seconds": int(since.timestamp()), "nanos": since.microsecond * 1000}
        return await self._call(operations.LIST_AUDIT_EVENTS, params)

    async def create_account(
        self,
        *,
        account_name: str | None = None,
        at_least: str | None = None,
    ) -> results.CreateAccountResponse:
        return await self._call(operations.CREATE_ACCOUNT, locals())

    async def list_accounts(
        self,
        *,
        marker: str | None = None,
        max_items: int | None = None,
        at_least: str | None = None,
    ) -> results.ListAccountsResponse:
        return await self._call(operations.LIST_ACCOUNTS, locals())

    async def authorize(
        self,
        *,
        action: str,
        resource_arn: str,
        principal_arn: str | None = None,
        access_key_id: str | None = None,
        resource_account: str | None = None,
        resource_policy: str | None = None,
        resource_tags: Sequence[TagInput] | None = None,
        request_tags: Sequence[TagInput] | None = None,
        context_entries: Sequence[ContextEntryInput] | None = None,
        source_ip: str | None = None,
        user_agent: str | None = None,
        requested_region: str | None = None,
        secure_transport: bool | None = None,
        session_token: str | None = None,
        signed_request: SignedRequestInput | None = None,
        at_least: str | None = None,
    ) -> results.AuthorizeResponse:
        return await self._call(operations.AUTHORIZE, locals())

    async def authorize_batch(
        self,
        *,
        requests: Sequence[AuthorizeRequestInput],
        at_least: str | None = None,
    ) -> results.AuthorizeBatchResponse:
        return await self._call(operations.AUTHORIZE_BATCH, locals())

    async def simulate_principal_policy(
        self,
        *,
        policy_source_arn: str,
        action_names: Sequence[str],
        policy_input_list: Sequence[str] | None = None,
        permissions_boundary_policy_input_list: Sequence[str] | None = None,
        policy_exclusion_list: Sequence[str] | None = None,
        resource_arns: Sequence[str] | None = None,
        resource_policy: str | None = None,
        resource_owner: str | None = None,
        caller_arn: str | None = None,
        context_entries: Sequence[ContextEntryInput] | None = None,
        resource_handling_option: str | None = None,
        max_items: int | None = None,
        marker: str | None = None,
        at_least: str | None = None,
    ) -> results.SimulatePolicyResponse:
        return await self._call(operations.SIMULATE_PRINCIPAL_POLICY, locals())

    async def simulate_custom_policy(
        self,
        *,
        policy_input_list: Sequence[str],
        action_names: Sequence[str],
        permissions_boundary_policy_input_list: Sequence[str] | None = None,
        ordered_organization_policy_input_list: Sequence[OrganizationLevelInput] | None = None,
        resource_arns: Sequence[str] | None = None,
        resource_policy: str | None = None,
        resource_owner: str | None = None,
        caller_arn: str | None = None,
        context_entries: Sequence[ContextEntryInput] | None = None,
        resource_handling_option: str | None = None,
        max_items: int | None = None,
        marker: str | None = None,
        at_least: str | None = None,
    ) -> results.SimulatePolicyResponse:
        return await self._call(operations.SIMULATE_CUSTOM_POLICY, locals())

    # --- STS (boto3's STS client names) ---------------------------------------------

    async def get_caller_identity(
        self, *, at_least: str | None = None
    ) -> results.GetCallerIdentityResponse:
        return await self._call(operations.GET_CALLER_IDENTITY, locals())

    async def get_session_token(
        self,
        *,
        duration_seconds: int | None = None,
        serial_number: str | None = None,
        token_code: str | None = None,
        at_least: str | None = None,
    ) -> results.GetSessionTokenResponse:
        return await self._call(operations.GET_SESSION_TOKEN, locals())

    async def assume_role(
        self,
        *,
        role_arn: str,
        role_session_name: str,
        policy_arns: Sequence[PolicyDescriptorInput] | None = None,
        policy: str | None = None,
        duration_seconds: int | None = None,
        tags: Sequence[TagInput] | None = None,
        transitive_tag_keys: Sequence[str] | None = None,
        external_id: str | None = None,
        serial_number: str | None = None,
        token_code: str | None = None,
        source_identity: str | None = None,
        at_least: str | None = None,
    ) -> results.AssumeRoleResponse:
        return await self._call(operations.ASSUME_ROLE, locals())

    async def assume_role_with_web_identity(
        self,
        *,
        role_arn: str,
        role_session_name: str,
        web_identity_token: str,
        provider_id: str | None = None,
        policy_arns: Sequence[PolicyDescriptorInput] | None = None,
        policy: str | None = None,
        duration_seconds: int | None = None,
        at_least: str | None = None,
    ) -> results.AssumeRoleWithWebIdentityResponse:
        """Unsigned, as in AWS: the web identity token is the credential."""
        return await self._call(operations.ASSUME_ROLE_WITH_WEB_IDENTITY, locals())
