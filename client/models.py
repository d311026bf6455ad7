"""The entities IAM returns (users, groups, roles, policies, keys, ...) as frozen dataclasses.

Each model mirrors the protobuf message of the same name field for field; fields AWS always
returns are required, the rest default to None (or an empty tuple for lists).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class AttachedPermissionsBoundary:
    """AttachedPermissionsBoundary as AWS IAM returns it."""

    permissions_boundary_type: str | None = None
    permissions_boundary_arn: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Tag:
    """Tag as AWS IAM returns it."""

    key: str
    value: str


@dataclass(frozen=True, slots=True, kw_only=True)
class User:
    """User as AWS IAM returns it."""

    path: str
    user_name: str
    user_id: str
    arn: str
    create_date: datetime
    password_last_used: datetime | None = None
    permissions_boundary: AttachedPermissionsBoundary | None = None
    tags: tuple[Tag, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Group:
    """Group as AWS IAM returns it."""

    path: str
    group_name: str
    group_id: str
    arn: str
    create_date: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleLastUsed:
    """RoleLastUsed as AWS IAM returns it."""

    last_used_date: datetime | None = None
    region: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceRoleTemplate:
    """SourceRoleTemplate as AWS IAM returns it."""

    template_arn: str
    template_minor_version: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Role:
    """Role as AWS IAM returns it."""

    path: str
    role_name: str
    role_id: str
    arn: str
    create_date: datetime
    assume_role_policy_document: str | None = None
    description: str | None = None
    max_session_duration: int | None = None
    max_signin_session_duration: int | None = None
    permissions_boundary: AttachedPermissionsBoundary | None = None
    tags: tuple[Tag, ...] = ()
    role_last_used: RoleLastUsed | None = None
    source_role_template: SourceRoleTemplate | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    """Policy as AWS IAM returns it."""

    policy_name: str | None = None
    policy_id: str | None = None
    arn: str | None = None
    path: str | None = None
    default_version_id: str | None = None
    attachment_count: int | None = None
    permissions_boundary_usage_count: int | None = None
    is_attachable: bool | None = None
    description: str | None = None
    create_date: datetime | None = None
    update_date: datetime | None = None
    tags: tuple[Tag, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyVersion:
    """PolicyVersion as AWS IAM returns it."""

    document: str | None = None
    version_id: str | None = None
    is_default_version: bool | None = None
    create_date: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AttachedPolicy:
    """AttachedPolicy as AWS IAM returns it."""

    policy_name: str | None = None
    policy_arn: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyGroup:
    """PolicyGroup as AWS IAM returns it."""

    group_name: str | None = None
    group_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyUser:
    """PolicyUser as AWS IAM returns it."""

    user_name: str | None = None
    user_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyRole:
    """PolicyRole as AWS IAM returns it."""

    role_name: str | None = None
    role_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AccessKey:
    """AccessKey as AWS IAM returns it."""

    user_name: str
    access_key_id: str
    status: str
    secret_access_key: str
    create_date: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AccessKeyMetadata:
    """AccessKeyMetadata as AWS IAM returns it."""

    user_name: str | None = None
    access_key_id: str | None = None
    status: str | None = None
    create_date: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AccessKeyLastUsed:
    """AccessKeyLastUsed as AWS IAM returns it."""

    last_used_date: datetime | None = None
    service_name: str
    region: str


@dataclass(frozen=True, slots=True, kw_only=True)
class LoginProfile:
    """LoginProfile as AWS IAM returns it."""

    user_name: str
    create_date: datetime
    password_reset_required: bool | None = None
    max_signin_session_duration: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PasswordPolicy:
    """PasswordPolicy as AWS IAM returns it."""

    minimum_password_length: int | None = None
    require_symbols: bool | None = None
    require_numbers: bool | None = None
    require_uppercase_characters: bool | None = None
    require_lowercase_characters: bool | None = None
    allow_users_to_change_password: bool | None = None
    expire_passwords: bool | None = None
    max_password_age: int | None = None
    password_reuse_prevention: int | None = None
    hard_expiry: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class VirtualMFADevice:
    """VirtualMFADevice as AWS IAM returns it; the seed and QR code only when it is created."""

    serial_number: str
    base32_string_seed: bytes | None = None
    qr_code_png: bytes | None = None
    user: User | None = None
    enable_date: datetime | None = None
    tags: tuple[Tag, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class MFADevice:
    """MFADevice as AWS IAM returns it: a device enabled for a user."""

    user_name: str
    serial_number: str
    enable_date: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ContextProviderKeyDefinition:
    """ContextProviderKeyDefinition as AWS IAM returns it."""

    source_key: str
    target_key: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ContextProvider:
    """ContextProvider as AWS IAM returns it."""

    key_definition_list: tuple[ContextProviderKeyDefinition, ...] = ()
    subject_source_key: str
    subject_type_value: str | None = None
    subject_type_source_key: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenIDConnectProviderListEntry:
    """OpenIDConnectProviderListEntry as AWS IAM returns it."""

    arn: str | None = None
    is_trusted_identity_propagation_enabled: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class InstanceProfile:
    """InstanceProfile as AWS IAM returns it."""

    path: str
    instance_profile_name: str
    instance_profile_id: str
    arn: str
    create_date: datetime
    roles: tuple[Role, ...] = ()
    tags: tuple[Tag, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Account:
    """An account (an isolated IAM namespace) as the Accounts service returns it."""

    account_id: str
    account_name: str
    arn: str
    create_date: datetime
    management: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class RootCredentials:
    """The root access key of a new account, returned only once."""

    access_key_id: str
    secret_access_key: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TemporaryCredentials:
    """STS temporary credentials (AWS's Credentials); the secret and token stay out of repr()."""

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str = field(repr=False)
    expiration: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class AssumedRoleUser:
    """A role session's identity: `ROLEID:SESSION` and its assumed-role ARN."""

    assumed_role_id: str
    arn: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyDescriptorType:
    """A managed policy named by ARN, as a session policy of AssumeRole."""

    arn: str | None = None


# A session policy ARN argument: a PolicyDescriptorType, or a mapping ({"arn": ...}).
PolicyDescriptorInput = PolicyDescriptorType | Mapping[str, str]
# A tag argument: a Tag, or a mapping with boto3's keys ({"Key": "k", "Value": "v"}).
TagInput = Tag | Mapping[str, str]
# A context provider argument: a ContextProvider, or a mapping with boto3's keys.
ContextProviderInput = ContextProvider | Mapping[str, object]


@dataclass(frozen=True, slots=True, kw_only=True)
class PeerStatus:
    """How one node sees one of its peers."""

    node_id: str
    address: str
    state: str  # alive, suspect or dead
    last_seen_ms_ago: int  # -1 when never seen


@dataclass(frozen=True, slots=True, kw_only=True)
class RemovedMember:
    """A node removed from the cluster (every member lists the same ones)."""

    node_id: str  # "" when the node recording the removal never learned it
    address: str
    removed_date: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ContextEntry:
    """A condition context key and its values (AWS's ContextEntry)."""

    context_key_name: str | None = None
    context_key_values: tuple[str, ...] = ()
    context_key_type: str | None = None  # string, stringList, numeric, ... (AWS's names)


# A context entry argument: a ContextEntry, or a mapping with boto3's keys
# ({"ContextKeyName": "s3:prefix", "ContextKeyValues": ["home/"], "ContextKeyType": "string"}).
ContextEntryInput = ContextEntry | Mapping[str, object]


@dataclass(frozen=True, slots=True, kw_only=True)
class SignedRequestHeader:
    """One header of a signed HTTP request."""

    name: str
    value: str = field(repr=False)  # may be the caller's signature or session token


@dataclass(frozen=True, slots=True, kw_only=True)
class SignedRequest:
    """An HTTP request a service received, signed with SigV4 by its caller, as received: the
    node verifies the signature and decides for whoever signed it."""

    method: str
    path: str
    query: str = ""
    headers: tuple[SignedRequestHeader, ...] = ()
    payload_sha256: str  # the lowercase hex SHA-256 of the body


SignedRequestInput = SignedRequest | Mapping[str, object]


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthorizeRequest:
    """One question of an AuthorizeBatch call (the fields of `Client.authorize`)."""

    principal_arn: str | None = None
    access_key_id: str | None = None
    action: str | None = None
    resource_arn: str | None = None
    resource_account: str | None = None
    resource_policy: str | None = None
    resource_tags: tuple[Tag, ...] = ()
    request_tags: tuple[Tag, ...] = ()
    context_entries: tuple[ContextEntry, ...] = ()
    source_ip: str | None = None
    user_agent: str | None = None
    requested_region: str | None = None
    secure_transport: bool | None = None
    session_token: str | None = field(default=None, repr=False)  # with an ASIA access key id
    signed_request: SignedRequest | None = None  # instead of principal_arn or access_key_id


AuthorizeRequestInput = AuthorizeRequest | Mapping[str, object]


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderedOrganizationPolicy:
    """One level of an organization (root, OU or account) and the SCPs that apply there."""

    service_control_policy_input_list: tuple[str, ...] = ()


OrganizationLevelInput = OrderedOrganizationPolicy | Mapping[str, object]


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchedStatement:
    """A statement that took part in an Authorize decision."""

    policy_type: str  # identity, resource, trust, boundary, scp or session
    policy_name: str  # a managed policy's ARN, or kind/entity/policy for an inline policy
    statement_index: int
    sid: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Position:
    """Where a statement sits in its policy (iamstore: line = statement index + 1)."""

    line: int
    column: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Statement:
    """A statement that decided a simulation, as AWS's simulators report it."""

    source_policy_id: str | None = None
    source_policy_type: str | None = None
    start_position: Position | None = None
    end_position: Position | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PermissionsBoundaryDecisionDetail:
    """Whether the permissions boundary alone allows the simulated action."""

    allowed_by_permissions_boundary: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrganizationsDecisionDetail:
    """Whether the organization policies allow the simulated action."""

    allowed_by_organizations: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourceSpecificResult:
    """The simulated decision on one resource."""

    eval_resource_name: str
    eval_resource_decision: str  # allowed, explicitDeny or implicitDeny
    matched_statements: tuple[Statement, ...] = ()
    missing_context_values: tuple[str, ...] = ()
    eval_decision_details: Mapping[str, str] = field(default_factory=dict)
    permissions_boundary_decision_detail: PermissionsBoundaryDecisionDetail | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EvaluationResult:
    """The simulated decision for one action, the most restrictive over its resources."""

    eval_action_name: str
    eval_resource_name: str | None = None
    eval_decision: str  # allowed, explicitDeny or implicitDeny
    matched_statements: tuple[Statement, ...] = ()
    missing_context_values: tuple[str, ...] = ()
    organizations_decision_detail: OrganizationsDecisionDetail | None = None
    permissions_boundary_decision_detail: PermissionsBoundaryDecisionDetail | None = None
    eval_decision_details: Mapping[str, str] = field(default_factory=dict)
    resource_specific_results: tuple[ResourceSpecificResult, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditEvent:
    """One audit event of a node: an authentication failure, a refusal or a change."""

    sequence: int
    time: datetime
    node: str
    account_id: str
    principal: str
    action: str
    resource: str
    decision: str  # Allow, ExplicitDeny, ImplicitDeny or AuthenticationFailure
    deciding_statement: str | None = None
    source_address: str | None = None
    error_code: str | None = None
    commit: str | None = None
