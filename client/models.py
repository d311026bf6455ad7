"""The entities IAM returns (users, groups, roles, policies, keys, ...) as frozen dataclasses.

Each model mirrors the protobuf message of the same name field for field; fields AWS always
returns are required, the rest default to None (or an empty tuple for lists).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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


# A tag argument: a Tag, or a mapping with boto3's keys ({"Key": "k", "Value": "v"}).
TagInput = Tag | Mapping[str, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class PeerStatus:
    """How one node sees one of its peers."""

    node_id: str
    address: str
    state: str  # alive, suspect or dead
    last_seen_ms_ago: int  # -1 when never seen
