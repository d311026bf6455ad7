"""Typed results of every operation: one frozen dataclass per non-empty response message."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from iamstore.client.models import (
    AccessKey,
    AccessKeyLastUsed,
    AccessKeyMetadata,
    Account,
    AssumedRoleUser,
    AttachedPolicy,
    AuditEvent,
    ContextProvider,
    EvaluationResult,
    Group,
    InstanceProfile,
    LoginProfile,
    MatchedStatement,
    MFADevice,
    OpenIDConnectProviderListEntry,
    PasswordPolicy,
    PeerStatus,
    Policy,
    PolicyGroup,
    PolicyRole,
    PolicyUser,
    PolicyVersion,
    RemovedMember,
    Role,
    RootCredentials,
    Tag,
    TemporaryCredentials,
    User,
    VirtualMFADevice,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateUserResponse:
    """What CreateUser returns."""

    user: User


@dataclass(frozen=True, slots=True, kw_only=True)
class GetUserResponse:
    """What GetUser returns."""

    user: User


@dataclass(frozen=True, slots=True, kw_only=True)
class ListUsersResponse:
    """What ListUsers returns."""

    users: tuple[User, ...] = ()
    is_truncated: bool | None = None
    marker: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ListUserTagsResponse:
    """What ListUserTags returns."""

    tags: tuple[Tag, ...] = ()
    is_truncated: bool | None = None
    marker: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateGroupResponse:
    """What CreateGroup returns."""

    group: Group


@dataclass(frozen=True, slots=True, kw_only=True)
class GetGroupResponse:
    """What GetGroup returns."""

    group: Group
    users: tuple[User, ...] = ()
    is_truncated: bool | None = None
    marker: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ListGroupsResponse:
    """What ListGroups returns."""

    groups: tuple[Group, ...] = ()
    is_truncated: bool | None = None
    marker: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ListGroupsForUserResponse:
    """What ListGroupsForUser returns."""

    groups: tuple[Group, ...] = ()
    is_truncated: bool | None = None
    marker: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateRoleResponse:
    """What CreateRole returns."""

    role: Role


@dataclass(frozen=True, slots=True, kw_only=True)
class GetRoleResponse:
    """What GetRole returns."""

    role: Role


@dataclass(frozen=True, slots=True, kw_only=True)
class ListRolesResponse:
    """What ListRoles returns."""

    roles: tuple[Role, ...] = ()
    is_truncated: bool | None = None
    marker: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ListRoleTagsResponse:
    """What ListRoleTags returns."""

    tags: tuple[Tag, ...] = ()
    is_truncated: bool | None = None
    marker: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CreatePolicyResponse:
    """What CreatePolicy returns."""

    policy: Policy


@dataclass(frozen=True, slots=True, kw_only=True)
class GetPolicyResponse:
    """What GetPolicy returns."""

    policy: Policy


@dataclass(frozen=True, slots=True, kw_only=True)
class ListPoliciesResponse:
    """What ListPolicies returns."""

    policies: tuple[Policy, ...] = ()
    is_truncated: bool | None = None
    marker: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CreatePolicyVersionResponse:
    """What CreatePolicyVersion returns."""

    policy_version: PolicyVersion


@dataclass(frozen=True, slots=True, kw_only=True)
class GetPolicyVersionResponse:
    """What GetPolicyVersion returns."""

    policy_version: PolicyVersion


@dataclass(frozen=True, slots=True, kw_only=True)
class ListPolicyVersionsResponse:
    """What ListPolicyVersions returns."""

    versions: tuple[PolicyVersion, ...] = ()
    is_truncated: bool | None = None
    marker: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ListAttachedUserPoliciesResponse:
    """What ListAttachedUserPolicies returns."""

    attached_policies: tuple[AttachedPolicy, ...] = ()
    is_truncated: bool | None = None
    marker: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ListAttachedGroupPoliciesResponse:
    """What ListAttachedGroupPolicies returns."""

    attached_policies: tuple[AttachedPolicy, ...] = ()
    is_truncated: bool | None = None
    marker: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ListAttachedRolePoliciesResponse:
    """What ListAttachedRolePolicies returns."""

    attached_policies: tuple[AttachedPolicy, ...] = ()
    is_truncated: bool | None = None
    marker: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ListEntitiesForPolicyResponse:
    """What ListEntitiesForPolicy returns."""

    policy_groups: tuple[PolicyGroup, ...] = ()
    policy_users: tuple[PolicyUser, ...] = ()
    policy_roles: tuple[PolicyRole, ...] = ()
    is_truncated: bool | None = None
    marker: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ListPolicyTagsResponse:
    """What ListPolicyTags returns."""

    tags: tuple[Tag, ...] = ()
    is_truncated: bool | None = None
    marker: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class GetUserPolicyResponse:
    """What GetUserPolicy returns."""

    user_name: str
    policy_name: str
    policy_document: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ListUserPoliciesResponse:
    """What ListUserPolicies returns."""

    policy_names: tuple[str, ...] = ()
    is_truncated: bool | None = None
    marker: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class GetGroupPolicyResponse:
    """What GetGroupPolicy returns."""

    group_name: str
    policy_name: str
    policy_document: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ListGroupPoliciesResponse:
    """What ListGroupPolicies returns."""

    policy_names: tuple[str, ...] = ()
    is_truncated: bool | None = None
    marker: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class GetRolePolicyResponse:
    """What GetRolePolicy returns."""

    role_name: str
    policy_name: str
    policy_document: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ListRolePoliciesResponse:
    """What ListRolePolicies returns."""

    policy_names: tuple[str, ...] = ()
    is_truncated: bool | None = None
    marker: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateAccessKeyResponse:
    """What CreateAccessKey returns."""

    access_key: AccessKey


@dataclass(frozen=True, slots=True, kw_only=True)
class ListAccessKeysResponse:
    """What ListAccessKeys returns."""

    access_key_metadata: tuple[AccessKeyMetadata, ...] = ()
    is_truncated: bool | None = None
    marker: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class GetAccessKeyLastUsedResponse:
    """What GetAccessKeyLastUsed returns."""

    user_name: str | None = None
    access_key_last_used: AccessKeyLastUsed


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateLoginProfileResponse:
    """What CreateLoginProfile returns."""

    login_profile: LoginProfile


@dataclass(frozen=True, slots=True, kw_only=True)
class GetLoginProfileResponse:
    """What GetLoginProfile returns."""

    login_profile: LoginProfile


@dataclass(frozen=True, slots=True, kw_only=True)
class GetAccountPasswordPolicyResponse:
    """What GetAccountPasswordPolicy returns."""

    password_policy: PasswordPolicy


@dataclass(frozen=True, slots=True, kw_only=True)
class GetAccountSummaryResponse:
    """What GetAccountSummary returns."""

    summary_map: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateVirtualMFADeviceResponse:
    """What CreateVirtualMFADevice returns: the only time the seed is shown."""

    virtual_mfa_device: VirtualMFADevice


@dataclass(frozen=True, slots=True, kw_only=True)
class ListMFADevicesResponse:
    """What ListMFADevices returns."""

    mfa_devices: tuple[MFADevice, ...] = ()
    is_truncated: bool | None = None
    marker: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ListVirtualMFADevicesResponse:
    """What ListVirtualMFADevices returns."""

    virtual_mfa_devices: tuple[VirtualMFADevice, ...] = ()
    is_truncated: bool | None = None
    marker: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateOpenIDConnectProviderResponse:
    """What CreateOpenIDConnectProvider returns."""

    open_id_connect_provider_arn: str | None = None
    tags: tuple[Tag, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class GetOpenIDConnectProviderResponse:
    """What GetOpenIDConnectProvider returns (the URL without `https://`, as AWS shows it)."""

    url: str | None = None
    client_id_list: tuple[str, ...] = ()
    thumbprint_list: tuple[str, ...] = ()
    create_date: datetime | None = None
    tags: tuple[Tag, ...] = ()
    context_provider: ContextProvider | None = None
    identity_center_instance_arn: str | None = None
    identity_store_arn: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ListOpenIDConnectProvidersResponse:
    """What ListOpenIDConnectProviders returns."""

    open_id_connect_provider_list: tuple[OpenIDConnectProviderListEntry, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateInstanceProfileResponse:
    """What CreateInstanceProfile returns."""

    instance_profile: InstanceProfile


@dataclass(frozen=True, slots=True, kw_only=True)
class GetInstanceProfileResponse:
    """What GetInstanceProfile returns."""

    instance_profile: InstanceProfile


@dataclass(frozen=True, slots=True, kw_only=True)
class ListInstanceProfilesResponse:
    """What ListInstanceProfiles returns."""

    instance_profiles: tuple[InstanceProfile, ...] = ()
    is_truncated: bool | None = None
    marker: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PingResponse:
    """What Ping returns."""

    node_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusResponse:
    """What Status returns: one node's replication state."""

    node_id: str
    address: str
    version_vector: dict[str, int]
    digest: str
    peers: tuple[PeerStatus, ...]
    lag_ms: dict[str, int]
    commits_received: int
    gossip_rounds: int
    digest_mismatches: int
    refused_messages: int
    removed_members: tuple[RemovedMember, ...] = ()
    removed: bool = False  # a peer refused this node: it was removed from the cluster


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateAccountResponse:
    """What CreateAccount returns."""

    account: Account
    root_credentials: RootCredentials


@dataclass(frozen=True, slots=True, kw_only=True)
class ListAccountsResponse:
    """What ListAccounts returns."""

    accounts: tuple[Account, ...] = ()
    is_truncated: bool
    marker: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthorizeResponse:
    """What Authorize returns: the decision and the statements that decided it."""

    decision: str  # Allow, ExplicitDeny or ImplicitDeny
    matched_statements: tuple[MatchedStatement, ...] = ()
    principal_arn: str

    @property
    def allowed(self) -> bool:
        return self.decision == "Allow"


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthorizeBatchResponse:
    """What AuthorizeBatch returns: one result per request, in request order."""

    results: tuple[AuthorizeResponse, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SimulatePolicyResponse:
    """What SimulatePrincipalPolicy and SimulateCustomPolicy return."""

    evaluation_results: tuple[EvaluationResult, ...] = ()
    is_truncated: bool
    marker: str | None = None


# --- STS -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class GetCallerIdentityResponse:
    """What GetCallerIdentity returns: the caller's id (aws:userid), account and ARN."""

    user_id: str
    account: str
    arn: str


@dataclass(frozen=True, slots=True, kw_only=True)
class GetSessionTokenResponse:
    """What GetSessionToken returns."""

    credentials: TemporaryCredentials


@dataclass(frozen=True, slots=True, kw_only=True)
class AssumeRoleResponse:
    """What AssumeRole returns."""

    credentials: TemporaryCredentials
    assumed_role_user: AssumedRoleUser
    packed_policy_size: int
    source_identity: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AssumeRoleWithWebIdentityResponse:
    """What AssumeRoleWithWebIdentity returns."""

    credentials: TemporaryCredentials
    subject_from_web_identity_token: str
    assumed_role_user: AssumedRoleUser
    packed_policy_size: int
    provider: str
    audience: str
    source_identity: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ListAuditEventsResponse:
    """What ListAuditEvents returns: events oldest first, and where to continue."""

    events: tuple[AuditEvent, ...] = ()
    is_truncated: bool | None = None
    marker: str | None = None
