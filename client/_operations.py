"""The operation table: each RPC's AWS name, method path, protobuf messages and result type."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from types import ModuleType
from typing import Generic, TypeVar

from google.protobuf.descriptor import ServiceDescriptor
from google.protobuf.message import Message

from iamstore.client import results
from iamstore.v1 import audit_pb2, authz_pb2, iam_pb2, node_pb2, sts_pb2

R_co = TypeVar("R_co", covariant=True)

# An acronym ends where its last capital starts a word ("MFADevice"); a word ends at a capital.
_ACRONYM_END = re.compile(r"([A-Z]+)([A-Z][a-z])")
_WORD_END = re.compile(r"([a-z\d])([A-Z])")


@functools.lru_cache(maxsize=4096)  # called per mapping key of every request item
def snake_case(name: str) -> str:
    """`CreateUser` -> `create_user`, `CreateVirtualMFADevice` -> `create_virtual_mfa_device`.

    The Python and boto3 spelling of an operation or a member (botocore's `xform_name`).
    """
    return _WORD_END.sub(r"\1_\2", _ACRONYM_END.sub(r"\1_\2", name)).lower()


@dataclass(frozen=True, slots=True)
class Operation(Generic[R_co]):
    """One RPC: what to send, where, and which dataclass the response becomes."""

    name: str
    method_path: str
    request_type: type[Message]
    response_type: type[Message]
    # None: the response message is empty and the call returns None.
    result_type: type[R_co] | None

    @property
    def python_name(self) -> str:
        return snake_case(self.name)

    @property
    def paginated(self) -> bool:
        """Whether the request takes Marker/MaxItems and the response says IsTruncated."""
        fields = self.request_type.DESCRIPTOR.fields_by_name
        return "marker" in fields and "max_items" in fields


@dataclass(frozen=True, slots=True)
class _Service:
    module: ModuleType
    descriptor: ServiceDescriptor


IAM = _Service(iam_pb2, iam_pb2.DESCRIPTOR.services_by_name["Iam"])
NODE = _Service(node_pb2, node_pb2.DESCRIPTOR.services_by_name["Node"])
ACCOUNTS = _Service(node_pb2, node_pb2.DESCRIPTOR.services_by_name["Accounts"])
AUTHZ = _Service(authz_pb2, authz_pb2.DESCRIPTOR.services_by_name["Authz"])
AUDIT = _Service(audit_pb2, audit_pb2.DESCRIPTOR.services_by_name["Audit"])
STS = _Service(sts_pb2, sts_pb2.DESCRIPTOR.services_by_name["Sts"])


def _make(service: _Service, name: str, result_type: type[R_co] | None) -> Operation[R_co]:
    method = service.descriptor.methods_by_name[name]
    request_type: type[Message] = getattr(service.module, method.input_type.name)
    response_type: type[Message] = getattr(service.module, method.output_type.name)
    return Operation(
        name=name,
        method_path=f"/{service.descriptor.full_name}/{name}",
        request_type=request_type,
        response_type=response_type,
        result_type=result_type,
    )


def _operation(service: _Service, name: str, result_type: type[R_co]) -> Operation[R_co]:
    return _make(service, name, result_type)


def _operation_without_result(service: _Service, name: str) -> Operation[None]:
    return _make(service, name, None)


CREATE_USER = _operation(IAM, "CreateUser", results.CreateUserResponse)
GET_USER = _operation(IAM, "GetUser", results.GetUserResponse)
LIST_USERS = _operation(IAM, "ListUsers", results.ListUsersResponse)
UPDATE_USER = _operation_without_result(IAM, "UpdateUser")
DELETE_USER = _operation_without_result(IAM, "DeleteUser")
TAG_USER = _operation_without_result(IAM, "TagUser")
UNTAG_USER = _operation_without_result(IAM, "UntagUser")
LIST_USER_TAGS = _operation(IAM, "ListUserTags", results.ListUserTagsResponse)
CREATE_GROUP = _operation(IAM, "CreateGroup", results.CreateGroupResponse)
GET_GROUP = _operation(IAM, "GetGroup", results.GetGroupResponse)
LIST_GROUPS = _operation(IAM, "ListGroups", results.ListGroupsResponse)
UPDATE_GROUP = _operation_without_result(IAM, "UpdateGroup")
DELETE_GROUP = _operation_without_result(IAM, "DeleteGroup")
ADD_USER_TO_GROUP = _operation_without_result(IAM, "AddUserToGroup")
REMOVE_USER_FROM_GROUP = _operation_without_result(IAM, "RemoveUserFromGroup")
LIST_GROUPS_FOR_USER = _operation(IAM, "ListGroupsForUser", results.ListGroupsForUserResponse)
CREATE_ROLE = _operation(IAM, "CreateRole", results.CreateRoleResponse)
GET_ROLE = _operation(IAM, "GetRole", results.GetRoleResponse)
LIST_ROLES = _operation(IAM, "ListRoles", results.ListRolesResponse)
UPDATE_ROLE = _operation_without_result(IAM, "UpdateRole")
UPDATE_ASSUME_ROLE_POLICY = _operation_without_result(IAM, "UpdateAssumeRolePolicy")
DELETE_ROLE = _operation_without_result(IAM, "DeleteRole")
TAG_ROLE = _operation_without_result(IAM, "TagRole")
UNTAG_ROLE = _operation_without_result(IAM, "UntagRole")
LIST_ROLE_TAGS = _operation(IAM, "ListRoleTags", results.ListRoleTagsResponse)
CREATE_POLICY = _operation(IAM, "CreatePolicy", results.CreatePolicyResponse)
GET_POLICY = _operation(IAM, "GetPolicy", results.GetPolicyResponse)
LIST_POLICIES = _operation(IAM, "ListPolicies", results.ListPoliciesResponse)
DELETE_POLICY = _operation_without_result(IAM, "DeletePolicy")
CREATE_POLICY_VERSION = _operation(IAM, "CreatePolicyVersion", results.CreatePolicyVersionResponse)
GET_POLICY_VERSION = _operation(IAM, "GetPolicyVersion", results.GetPolicyVersionResponse)
LIST_POLICY_VERSIONS = _operation(IAM, "ListPolicyVersions", results.ListPolicyVersionsResponse)
SET_DEFAULT_POLICY_VERSION = _operation_without_result(IAM, "SetDefaultPolicyVersion")
DELETE_POLICY_VERSION = _operation_without_result(IAM, "DeletePolicyVersion")
ATTACH_USER_POLICY = _operation_without_result(IAM, "AttachUserPolicy")
ATTACH_GROUP_POLICY = _operation_without_result(IAM, "AttachGroupPolicy")
ATTACH_ROLE_POLICY = _operation_without_result(IAM, "AttachRolePolicy")
DETACH_USER_POLICY = _operation_without_result(IAM, "DetachUserPolicy")
DETACH_GROUP_POLICY = _operation_without_result(IAM, "DetachGroupPolicy")
DETACH_ROLE_POLICY = _operation_without_result(IAM, "DetachRolePolicy")
LIST_ATTACHED_USER_POLICIES = _operation(
    IAM, "ListAttachedUserPolicies", results.ListAttachedUserPoliciesResponse
)
LIST_ATTACHED_GROUP_POLICIES = _operation(
    IAM, "ListAttachedGroupPolicies", results.ListAttachedGroupPoliciesResponse
)
LIST_ATTACHED_ROLE_POLICIES = _operation(
    IAM, "ListAttachedRolePolicies", results.ListAttachedRolePoliciesResponse
)
LIST_ENTITIES_FOR_POLICY = _operation(
    IAM, "ListEntitiesForPolicy", results.ListEntitiesForPolicyResponse
)
TAG_POLICY = _operation_without_result(IAM, "TagPolicy")
UNTAG_POLICY = _operation_without_result(IAM, "UntagPolicy")
LIST_POLICY_TAGS = _operation(IAM, "ListPolicyTags", results.ListPolicyTagsResponse)
PUT_USER_POLICY = _operation_without_result(IAM, "PutUserPolicy")
GET_USER_POLICY = _operation(IAM, "GetUserPolicy", results.GetUserPolicyResponse)
DELETE_USER_POLICY = _operation_without_result(IAM, "DeleteUserPolicy")
LIST_USER_POLICIES = _operation(IAM, "ListUserPolicies", results.ListUserPoliciesResponse)
PUT_GROUP_POLICY = _operation_without_result(IAM, "PutGroupPolicy")
GET_GROUP_POLICY = _operation(IAM, "GetGroupPolicy", results.GetGroupPolicyResponse)
DELETE_GROUP_POLICY = _operation_without_result(IAM, "DeleteGroupPolicy")
LIST_GROUP_POLICIES = _operation(IAM, "ListGroupPolicies", results.ListGroupPoliciesResponse)
PUT_ROLE_POLICY = _operation_without_result(IAM, "PutRolePolicy")
GET_ROLE_POLICY = _operation(IAM, "GetRolePolicy", results.GetRolePolicyResponse)
DELETE_ROLE_POLICY = _operation_without_result(IAM, "DeleteRolePolicy")
LIST_ROLE_POLICIES = _operation(IAM, "ListRolePolicies", results.ListRolePoliciesResponse)
PUT_USER_PERMISSIONS_BOUNDARY = _operation_without_result(IAM, "PutUserPermissionsBoundary")
DELETE_USER_PERMISSIONS_BOUNDARY = _operation_without_result(IAM, "DeleteUserPermissionsBoundary")
PUT_ROLE_PERMISSIONS_BOUNDARY = _operation_without_result(IAM, "PutRolePermissionsBoundary")
DELETE_ROLE_PERMISSIONS_BOUNDARY = _operation_without_result(IAM, "DeleteRolePermissionsBoundary")
CREATE_ACCESS_KEY = _operation(IAM, "CreateAccessKey", results.CreateAccessKeyResponse)
LIST_ACCESS_KEYS = _operation(IAM, "ListAccessKeys", results.ListAccessKeysResponse)
UPDATE_ACCESS_KEY = _operation_without_result(IAM, "UpdateAccessKey")
DELETE_ACCESS_KEY = _operation_without_result(IAM, "DeleteAccessKey")
GET_ACCESS_KEY_LAST_USED = _operation(
    IAM, "GetAccessKeyLastUsed", results.GetAccessKeyLastUsedResponse
)
CREATE_LOGIN_PROFILE = _operation(IAM, "CreateLoginProfile", results.CreateLoginProfileResponse)
GET_LOGIN_PROFILE = _operation(IAM, "GetLoginProfile", results.GetLoginProfileResponse)
UPDATE_LOGIN_PROFILE = _operation_without_result(IAM, "UpdateLoginProfile")
DELETE_LOGIN_PROFILE = _operation_without_result(IAM, "DeleteLoginProfile")
GET_ACCOUNT_PASSWORD_POLICY = _operation(
    IAM, "GetAccountPasswordPolicy", results.GetAccountPasswordPolicyResponse
)
UPDATE_ACCOUNT_PASSWORD_POLICY = _operation_without_result(IAM, "UpdateAccountPasswordPolicy")
DELETE_ACCOUNT_PASSWORD_POLICY = _operation_without_result(IAM, "DeleteAccountPasswordPolicy")
GET_ACCOUNT_SUMMARY = _operation(IAM, "GetAccountSummary", results.GetAccountSummaryResponse)
CREATE_VIRTUAL_MFA_DEVICE = _operation(
    IAM, "CreateVirtualMFADevice", results.CreateVirtualMFADeviceResponse
)
ENABLE_MFA_DEVICE = _operation_without_result(IAM, "EnableMFADevice")
RESYNC_MFA_DEVICE = _operation_without_result(IAM, "ResyncMFADevice")
DEACTIVATE_MFA_DEVICE = _operation_without_result(IAM, "DeactivateMFADevice")
DELETE_VIRTUAL_MFA_DEVICE = _operation_without_result(IAM, "DeleteVirtualMFADevice")
LIST_MFA_DEVICES = _operation(IAM, "ListMFADevices", results.ListMFADevicesResponse)
LIST_VIRTUAL_MFA_DEVICES = _operation(
    IAM, "ListVirtualMFADevices", results.ListVirtualMFADevicesResponse
)
CREATE_OPEN_ID_CONNECT_PROVIDER = _operation(
    IAM, "CreateOpenIDConnectProvider", results.CreateOpenIDConnectProviderResponse
)
GET_OPEN_ID_CONNECT_PROVIDER = _operation(
    IAM, "GetOpenIDConnectProvider", results.GetOpenIDConnectProviderResponse
)
LIST_OPEN_ID_CONNECT_PROVIDERS = _operation(
    IAM, "ListOpenIDConnectProviders", results.ListOpenIDConnectProvidersResponse
)
DELETE_OPEN_ID_CONNECT_PROVIDER = _operation_without_result(IAM, "DeleteOpenIDConnectProvider")
ADD_CLIENT_ID_TO_OPEN_ID_CONNECT_PROVIDER = _operation_without_result(
    IAM, "AddClientIDToOpenIDConnectProvider"
)
REMOVE_CLIENT_ID_FROM_OPEN_ID_CONNECT_PROVIDER = _operation_without_result(
    IAM, "RemoveClientIDFromOpenIDConnectProvider"
)
CREATE_INSTANCE_PROFILE = _operation(
    IAM, "CreateInstanceProfile", results.CreateInstanceProfileResponse
)
GET_INSTANCE_PROFILE = _operation(IAM, "GetInstanceProfile", results.GetInstanceProfileResponse)
LIST_INSTANCE_PROFILES = _operation(
    IAM, "ListInstanceProfiles", results.ListInstanceProfilesResponse
)
DELETE_INSTANCE_PROFILE = _operation_without_result(IAM, "DeleteInstanceProfile")
ADD_ROLE_TO_INSTANCE_PROFILE = _operation_without_result(IAM, "AddRoleToInstanceProfile")
REMOVE_ROLE_FROM_INSTANCE_PROFILE = _operation_without_result(IAM, "RemoveRoleFromInstanceProfile")
CHANGE_PASSWORD = _operation_without_result(IAM, "ChangePassword")
PING = _operation(NODE, "Ping", results.PingResponse)
STATUS = _operation(NODE, "Status", results.StatusResponse)
CREATE_ACCOUNT = _operation(ACCOUNTS, "CreateAccount", results.CreateAccountResponse)
LIST_ACCOUNTS = _operation(ACCOUNTS, "ListAccounts", results.ListAccountsResponse)
AUTHORIZE = _operation(AUTHZ, "Authorize", results.AuthorizeResponse)
AUTHORIZE_BATCH = _operation(AUTHZ, "AuthorizeBatch", results.AuthorizeBatchResponse)
SIMULATE_PRINCIPAL_POLICY = _operation(
    AUTHZ, "SimulatePrincipalPolicy", results.SimulatePolicyResponse
)
SIMULATE_CUSTOM_POLICY = _operation(AUTHZ, "SimulateCustomPolicy", results.SimulatePolicyResponse)
GET_CALLER_IDENTITY = _operation(STS, "GetCallerIdentity", results.GetCallerIdentityResponse)
GET_SESSION_TOKEN = _operation(STS, "GetSessionToken", results.GetSessionTokenResponse)
ASSUME_ROLE = _operation(STS, "AssumeRole", results.AssumeRoleResponse)
ASSUME_ROLE_WITH_WEB_IDENTITY = _operation(
    STS, "AssumeRoleWithWebIdentity", results.AssumeRoleWithWebIdentityResponse
)
LIST_AUDIT_EVENTS = _operation(AUDIT, "ListAuditEvents", results.ListAuditEventsResponse)

# Every operation above, by AWS name ("CreateUser"); the CLI and the tests walk this table.
OPERATIONS: dict[str, Operation[object]] = {
    op.name: op for op in globals().copy().values() if isinstance(op, Operation)
}
IAM_OPERATIONS: tuple[Operation[object], ...] = tuple(
    op for op in OPERATIONS.values() if op.method_path.startswith("/iamstore.v1.Iam/")
)


def paginated_operation(python_name: str) -> Operation[object]:
    """The list operation `python_name` (`list_users`), if it pages with Marker/MaxItems."""
    for operation in OPERATIONS.values():
        if operation.python_name == python_name and operation.paginated:
            return operation
    raise ValueError(f"operation `{python_name}` cannot be paginated")
