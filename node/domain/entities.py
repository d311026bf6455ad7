"""The replicated rows: every entity and link of an account as a frozen value.

Each row type names its table and its key. Entities carry immutable unique ids (AIDA…,
AGPA…, AROA…, ANPA…, AKIA…) so that a re-created name never inherits old links; links
(membership, attachment, boundary) are rows of their own. Times are epoch milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, NewType, get_args

AccountId = NewType("AccountId", str)
EntityId = NewType("EntityId", str)

Tags = tuple[tuple[str, str], ...]

# Owner id of an account root's access keys (the root is not a user row).
ROOT_OWNER_PREFIX = "root:"


def root_owner(account_id: str) -> str:
    return ROOT_OWNER_PREFIX + account_id


@dataclass(frozen=True, slots=True)
class Account:
    TABLE: ClassVar[str] = "account"
    account_id: str
    name: str
    created_ms: int
    management: bool

    @property
    def key(self) -> str:
        return self.account_id


@dataclass(frozen=True, slots=True)
class User:
    TABLE: ClassVar[str] = "user"
    user_id: str
    account_id: str
    name: str
    path: str
    created_ms: int
    tags: Tags = ()

    @property
    def key(self) -> str:
        return self.user_id

    @property
    def entity_id(self) -> str:
        """The immutable id links (membership, attachment, boundary) point at."""
        return self.user_id

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:user{self.path}{self.name}"


@dataclass(frozen=True, slots=True)
class Group:
    TABLE: ClassVar[str] = "group"
    group_id: str
    account_id: str
    name: str
    path: str
    created_ms: int

    @property
    def key(self) -> str:
        return self.group_id

    @property
    def entity_id(self) -> str:
        """The immutable id links (membership, attachment, boundary) point at."""
        return self.group_id

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:group{self.path}{self.name}"


@dataclass(frozen=True, slots=True)
class Role:
    TABLE: ClassVar[str] = "role"
    role_id: str
    account_id: str
    name: str
    path: str
    created_ms: int
    trust_policy: str
    description: str | None = None
    max_session_duration: int = 3600
    tags: Tags = ()
    # The unique id of each user and role the trust policy names by ARN, fixed when it was
    # saved: (ARN as written, unique id), sorted (see node.domain.principal_pins).
    trust_pins: tuple[tuple[str, str], ...] = ()
    # AWS's MaxSigninSessionDuration (3,600 to 7,776,000 s, checked against AWS's model), or
    # None when unset: the longest AWS Sign-In session through the role (no iamstore sign-in
    # uses a role, so it is kept and shown only).
    max_signin_session_duration: int | None = None

    @property
    def key(self) -> str:
        return self.role_id

    @property
    def entity_id(self) -> str:
        """The immutable id links (membership, attachment, boundary) point at."""
        return self.role_id

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:role{self.path}{self.name}"


@dataclass(frozen=True, slots=True)
class ManagedPolicy:
    """A managed policy's own record: written only by CreatePolicy, TagPolicy, UntagPolicy
    and DeletePolicy. Its versions, its default-version pointer and its version counters are
    rows of their own (below), so operations on those never rewrite this row, nor it them."""

    TABLE: ClassVar[str] = "policy"
    policy_id: str
    account_id: str
    name: str
    path: str
    created_ms: int
    # The node that created the policy: the versions it creates get AWS's plain ids (`v3`),
    # those made anywhere else carry their node's tag (`v3.n1f2e`); see domain/versions.py.
    home: str = ""
    description: str | None = None
    tags: Tags = ()

    @property
    def key(self) -> str:
        return self.policy_id

    @property
    def arn(self) -> str:
        return policy_arn(self.account_id, self.path, self.name)


def policy_arn(account_id: str, path: str, name: str) -> str:
    return f"arn:aws:iam::{account_id}:policy{path}{name}"


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    TABLE: ClassVar[str] = "policy_version"
    policy_id: str
    version_id: str
    document: str
    created_ms: int

    @property
    def key(self) -> str:
        return f"{self.policy_id}/{self.version_id}"


@dataclass(frozen=True, slots=True)
class DefaultVersion:
    """Which version of a policy is its default, with a copy of that version's document.

    Written by CreatePolicy, SetDefaultPolicyVersion and CreatePolicyVersion(SetAsDefault).
    INVARIANT: the default version exists: the copy keeps it alive (and effective) even when a
    concurrent DeletePolicyVersion tombstoned its version row (domain/versions.py).
    """

    TABLE: ClassVar[str] = "policy_default"
    policy_id: str
    version_id: str
    document: str
    version_created_ms: int
    set_ms: int  # the policy's UpdateDate

    @property
    def key(self) -> str:
        return self.policy_id

    @property
    def version(self) -> PolicyVersion:
        created_ms = self.version_created_ms
        return PolicyVersion(self.policy_id, self.version_id, self.document, created_ms)


@dataclass(frozen=True, slots=True)
class VersionCounter:
    """The highest version number one node has given a policy's versions.

    Only `origin` writes its row, and its own commits apply in order, so each row only grows;
    the policy's high-water mark is the max over every node's row: it merges by max, and a
    deleted version's number is never handed out again (domain/versions.py).
    """

    TABLE: ClassVar[str] = "policy_version_counter"
    policy_id: str
    origin: str
    highest: int

    @property
    def key(self) -> str:
        return f"{self.policy_id}/{self.origin}"


@dataclass(frozen=True, slots=True)
class InlinePolicy:
    TABLE: ClassVar[str] = "inline_policy"
    owner_id: str
    name: str
    document: str

    @property
    def key(self) -> str:
        return f"{self.owner_id}/{self.name}"


@dataclass(frozen=True, slots=True)
class Membership:
    TABLE: ClassVar[str] = "membership"
    group_id: str
    user_id: str

    @property
    def key(self) -> str:
        return f"{self.group_id}/{self.user_id}"


@dataclass(frozen=True, slots=True)
class Attachment:
    TABLE: ClassVar[str] = "attachment"
    entity_id: str
    policy_id: str

    @property
    def key(self) -> str:
        return f"{self.entity_id}/{self.policy_id}"


@dataclass(frozen=True, slots=True)
class Boundary:
    TABLE: ClassVar[str] = "boundary"
    entity_id: str
    policy_id: str

    @property
    def key(self) -> str:
        return self.entity_id


class KeyStatus:
    ACTIVE = "Active"
    INACTIVE = "Inactive"
    ALL = (ACTIVE, INACTIVE)


@dataclass(frozen=True, slots=True)
class AccessKey:
    TABLE: ClassVar[str] = "access_key"
    access_key_id: str
    account_id: str
    # A user id, or root_owner(account_id) for the account root's keys.
    owner_id: str
    # The secret, sealed with the node's secrets key (never stored in clear).
    sealed_secret: bytes
    status: str
    created_ms: int

    @property
    def key(self) -> str:
        return self.access_key_id


@dataclass(frozen=True, slots=True)
class LoginProfile:
    TABLE: ClassVar[str] = "login_profile"
    user_id: str
    password_hash: str
    reset_required: bool
    created_ms: int
    # The hashes of the passwords this one replaced, newest first: as many as the account's
    # PasswordReusePrevention remembers besides the current one (node.domain.passwords).
    # Part of the profile row so that it replicates, and is deleted, with the password.
    previous_hashes: tuple[str, ...] = ()
    # When the current password was set, if not at creation: MaxPasswordAge counts from here.
    password_set_ms: int = 0
    # AWS's MaxSigninSessionDuration, or None when unset: SignIn's sessions through this
    # password last at most this long (node.api.signin).
    max_signin_session_duration: int | None = None

    @property
    def key(self) -> str:
        return self.user_id

    @property
    def password_age_from_ms(self) -> int:
        return self.password_set_ms or self.created_ms


@dataclass(frozen=True, slots=True)
class PasswordPolicy:
    """An account's custom password policy; defaults are UpdateAccountPasswordPolicy's own."""

    TABLE: ClassVar[str] = "password_policy"
    account_id: str
    minimum_password_length: int = 6
    require_symbols: bool = False
    require_numbers: bool = False
    require_uppercase_characters: bool = False
    require_lowercase_characters: bool = False
    allow_users_to_change_password: bool = False
    max_password_age: int | None = None
    password_reuse_prevention: int | None = None
    hard_expiry: bool = False

    @property
    def key(self) -> str:
        return self.account_id


@dataclass(frozen=True, slots=True)
class MfaDevice:
    """A virtual MFA device; assigned to a user once EnableMFADevice proved it with two codes."""

    TABLE: ClassVar[str] = "mfa_device"
    device_id: str
    account_id: str
    device_name: str
    path: str
    # The base32 TOTP seed, sealed with the node's secrets key (device id as associated data).
    sealed_seed: bytes
    created_ms: int
    user_id: str | None = None
    enabled_ms: int | None = None
    # Steps the device's clock runs ahead of ours (negative: behind), set by ResyncMFADevice.
    drift_steps: int = 0
    tags: Tags = ()

    @property
    def key(self) -> str:
        return self.device_id

    @property
    def name(self) -> str:
        """What must be unique in an account (case-insensitively): the path and the name."""
        return self.path + self.device_name

    @property
    def serial_number(self) -> str:
        return f"arn:aws:iam::{self.account_id}:mfa{self.path}{self.device_name}"


@dataclass(frozen=True, slots=True)
class MfaFailures:
    """The recent failed codes of one MFA device as one node counted them.

    Each node writes only its own row of a device (the key holds the node id), so no two
    nodes' counts overwrite each other; a device's count is the sum over its rows (see
    node.domain.mfa_failures). A success deletes every row of the device.
    """

    TABLE: ClassVar[str] = "mfa_failures"
    device_id: str
    node_id: str
    count: int
    last_ms: int
    locked_until_ms: int = 0

    @property
    def key(self) -> str:
        return f"{self.device_id}/{self.node_id}"


@dataclass(frozen=True, slots=True)
class OidcProvider:
    """An OpenID Connect identity provider; its ARN names it (one per issuer URL and account)."""

    TABLE: ClassVar[str] = "oidc_provider"
    arn: str
    account_id: str
    url: str  # the issuer URL without its `https://`
    client_ids: tuple[str, ...]
    thumbprints: tuple[str, ...]
    created_ms: int
    tags: Tags = ()

    @property
    def key(self) -> str:
        return self.arn


@dataclass(frozen=True, slots=True)
class SamlProvider:
    """A SAML 2.0 identity provider; its ARN names it (`saml-provider/NAME`, one per name).

    The metadata document is kept as given (GetSAMLProvider returns it); what verifying an
    assertion needs is read out of it once, when it is written.
    """

    TABLE: ClassVar[str] = "saml_provider"
    arn: str
    account_id: str
    name: str
    provider_uuid: str  # AWS's SAMLProviderUUID
    metadata_document: str
    entity_id: str  # the IdP's entityID: the Issuer of its assertions
    certificates: tuple[str, ...]  # its signing certificates, base64 DER, in document order
    valid_until_ms: int | None  # the metadata's validUntil, if it has one
    created_ms: int
    tags: Tags = ()

    @property
    def key(self) -> str:
        return self.arn


@dataclass(frozen=True, slots=True)
class InstanceProfile:
    TABLE: ClassVar[str] = "instance_profile"
    instance_profile_id: str
    account_id: str
    name: str
    path: str
    created_ms: int
    tags: Tags = ()

    @property
    def key(self) -> str:
        return self.instance_profile_id

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:instance-profile{self.path}{self.name}"


@dataclass(frozen=True, slots=True)
class ProfileRole:
    """A role in an instance profile (a link row, like a group membership)."""

    TABLE: ClassVar[str] = "profile_role"
    instance_profile_id: str
    role_id: str

    @property
    def key(self) -> str:
        return f"{self.instance_profile_id}/{self.role_id}"


FieldValue = str | int | bool | tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class EntityField:
    """One field of an entity, written by an operation that changes only that field.

    Merging at the granularity of intent (docs/replication.md): UpdateRole, UpdateAssumeRolePolicy,
    TagRole, UpdateUser, ChangePassword, ResyncMFADevice, AddClientIDToOpenIDConnectProvider
    and the like each write rows of this kind instead of the whole entity row, so two of them
    on different nodes never undo each other. The view shows the entity row with its fields
    laid over it (node/domain/fields.py says which fields may be, and how).
    """

    TABLE: ClassVar[str] = "entity_field"
    table: str  # the entity's table
    entity_key: str  # the entity's key
    name: str  # a field of the entity's row, `tag:<key>` or `client:<client id>`
    value: FieldValue
    # The creation time of the entity the field belongs to: an entity whose key can be used
    # again (a login profile, an OIDC provider) ignores the fields of one deleted before it.
    of_created_ms: int

    @property
    def key(self) -> str:
        # INVARIANT: unique per (table, entity key, incarnation, name): `|` appears in no table
        # name, no entity key (ids, ARNs) and no creation time, so the first three `|` split it
        # back whatever the name holds. The incarnation is part of the key so that a late write
        # to a deleted entity's field never replaces the same field of the entity created
        # again under its key (row format 3, node/storage/row_format.py).
        return f"{self.table}|{self.entity_key}|{self.of_created_ms}|{self.name}"


@dataclass(frozen=True, slots=True)
class ServerCertificate:
    """An uploaded server certificate and its chain. The private key is checked against the
    certificate at upload and then discarded: no iamstore service deploys certificates, and a
    key that is never stored cannot leak from a replica."""

    TABLE: ClassVar[str] = "server_certificate"
    certificate_id: str
    account_id: str
    name: str
    path: str
    created_ms: int  # the upload date
    expiration_ms: int
    body: str
    chain: str | None = None
    tags: Tags = ()

    @property
    def key(self) -> str:
        return self.certificate_id

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:server-certificate{self.path}{self.name}"


@dataclass(frozen=True, slots=True)
class SigningCertificate:
    """A user's X.509 signing certificate. Its id derives from the certificate itself, so the
    same certificate uploaded twice in one account (on one node or two) is one row."""

    TABLE: ClassVar[str] = "signing_certificate"
    account_id: str
    certificate_id: str
    user_id: str
    body: str
    status: str  # KeyStatus: Active or Inactive
    created_ms: int

    @property
    def key(self) -> str:
        return f"{self.account_id}/{self.certificate_id}"


@dataclass(frozen=True, slots=True)
class SshPublicKey:
    """A user's SSH public key (for AWS CodeCommit in AWS), kept in OpenSSH form."""

    TABLE: ClassVar[str] = "ssh_public_key"
    key_id: str  # APKA…
    account_id: str
    user_id: str
    body: str  # `ssh-rsa AAAA...`
    fingerprint: str  # MD5 of the key blob, colon-separated hex, as AWS shows it
    status: str  # KeyStatus: Active or Inactive
    created_ms: int

    @property
    def key(self) -> str:
        return self.key_id


@dataclass(frozen=True, slots=True)
class ServiceCredential:
    """A user's service-specific credential (CodeCommit or Keyspaces user name and password,
    or a Bedrock API key). The password or secret is shown once, when created or reset, and
    never stored: no iamstore service accepts it, and what is not kept cannot leak."""

    TABLE: ClassVar[str] = "service_credential"
    credential_id: str  # ACCA…
    account_id: str
    user_id: str
    service_name: str
    service_user_name: str  # or, for an API key, its alias
    status: str  # KeyStatus: Active or Inactive
    created_ms: int
    expiration_ms: int | None = None

    @property
    def key(self) -> str:
        return self.credential_id


@dataclass(frozen=True, slots=True)
class DeletionTask:
    """The outcome of a DeleteServiceLinkedRole, read back by GetServiceLinkedRoleDeletionStatus.
    Deletion is decided when it is asked for (no AWS resources use the role here), so a task
    is SUCCEEDED or FAILED from the start."""

    TABLE: ClassVar[str] = "deletion_task"
    task_id: str
    account_id: str
    status: str  # SUCCEEDED or FAILED
    reason: str | None
    created_ms: int

    @property
    def key(self) -> str:
        return self.task_id


@dataclass(frozen=True, slots=True)
class Tagging:
    """The whole tag set of an instance profile, MFA device, OIDC provider or server
    certificate, as earlier versions wrote it on Tag*/Untag*. No longer written: tags are field
    rows now (node/domain/tagging.py), since the later of two concurrent whole-set writes
    replaced the other. Still decoded and read, so data and commits of earlier versions keep
    their tags.

    Keyed by `tagged_key(entity)`, which names the entity's immutable identity (its id, or its
    ARN and creation time), so a re-created entity never inherits the old one's tags.
    INVARIANT: when present, this row's tags replace the entity row's creation-time tags, and
    the entity's tag field rows are laid over them (node/domain/view.py).
    """

    TABLE: ClassVar[str] = "tagging"
    resource: str
    tags: Tags

    @property
    def key(self) -> str:
        return self.resource


@dataclass(frozen=True, slots=True)
class AccountAlias:
    """An account's alias (one per account, as in AWS), unique across the cluster.

    Keyed by account, so a new alias replaces the account's old one. Two accounts may claim
    one alias at once on two nodes: the claim with the earliest (creation time, account id)
    owns it on every replica; the other account's claim stays stored but is not listed.
    """

    TABLE: ClassVar[str] = "account_alias"
    account_id: str
    alias: str
    created_ms: int

    @property
    def key(self) -> str:
        return self.account_id


@dataclass(frozen=True, slots=True)
class StsPreferences:
    """SetSecurityTokenServicePreferences: which session tokens STS's global endpoint issues
    for the account (GetAccountSummary's GlobalEndpointTokenVersion: 1 or 2)."""

    TABLE: ClassVar[str] = "sts_preferences"
    account_id: str
    global_endpoint_token_version: str  # "v1Token" or "v2Token"

    @property
    def key(self) -> str:
        return self.account_id


@dataclass(frozen=True, slots=True)
class RemovedMember:
    """A node removed from the cluster, for good: every member stops gossiping with it and
    waiting for its acknowledgements, and refuses it should it come back. A replicated row
    (not node-local state) so that a node that was down, restarted or new learns it too.

    Keyed by node id: a node given a fresh data folder gets a new id and may join again, even
    at the old address. When the remover never learned the id, the address stands in for it
    (ids never contain `:`), and then any node at that address counts as the removed one.
    """

    TABLE: ClassVar[str] = "removed_member"
    node_id: str  # "" when the remover never learned it
    address: str
    removed_ms: int

    @property
    def key(self) -> str:
        return self.node_id or self.address


@dataclass(frozen=True, slots=True)
class MemberKey:
    """A member's commit-signing public key (Ed25519, raw 32 bytes): every node checks that
    member's commits against it (node/replication/commitsig.py). Introduced by the member's
    own first commit and never changed: a new key is a new member, under a new node id.

    `certificate` is the member's TLS certificate (PEM) naming its node id and this key, so
    any node can check the key against the cluster's CA, also when it arrives relayed or in a
    snapshot; empty when peers run in plaintext (then the first key introduced counts).
    """

    TABLE: ClassVar[str] = "member_key"
    node_id: str
    public_key: bytes
    certificate: bytes
    added_ms: int

    @property
    def key(self) -> str:
        return self.node_id


@dataclass(frozen=True, slots=True)
class UsageStamp:
    """When one node last saw a subject used for one purpose: an access key or a password
    authenticating, a user or role attempting a service or one of its actions.

    Each node writes only its own stamps (the key holds the node id), so no two nodes'
    stamps overwrite each other; a reader takes the latest stamp over the nodes
    (node.domain.usage). Derived data: losing one costs an older "last used" time, never
    access.
    """

    TABLE: ClassVar[str] = "usage_stamp"
    subject_id: str  # an access key id, or a user id or role id
    purpose: str  # node.domain.usage: `key`, `password`, `service:<ns>`, `action:<ns>:<Name>`
    node_id: str
    account_id: str
    used_ms: int
    service: str = ""  # keys only: the service the key signed a request for
    region: str = ""

    @property
    def key(self) -> str:
        return f"{self.subject_id} {self.purpose} {self.node_id}"


@dataclass(frozen=True, slots=True)
class CredentialReportRequest:
    """GenerateCredentialReport's mark: the account's report is as of `generated_ms`. The
    report itself is derived data that each node renders from its replica (node.api.reports)."""

    TABLE: ClassVar[str] = "credential_report"
    account_id: str
    generated_ms: int

    @property
    def key(self) -> str:
        return self.account_id


@dataclass(frozen=True, slots=True)
class LastAccessedJob:
    """A GenerateServiceLastAccessedDetails job: which entity, at what granularity, when.
    Any node answers for it from its own replica's usage stamps."""

    TABLE: ClassVar[str] = "last_accessed_job"
    job_id: str
    account_id: str
    arn: str
    granularity: str  # SERVICE_LEVEL or ACTION_LEVEL
    created_ms: int

    @property
    def key(self) -> str:
        return self.job_id


Row = (
    Account
    | User
    | Group
    | Role
    | ManagedPolicy
    | PolicyVersion
    | DefaultVersion
    | VersionCounter
    | InlinePolicy
    | Membership
    | Attachment
    | Boundary
    | AccessKey
    | LoginProfile
    | PasswordPolicy
    | MfaDevice
    | MfaFailures
    | OidcProvider
    | SamlProvider
    | InstanceProfile
    | ProfileRole
    | EntityField
    | RemovedMember
    | MemberKey
    | Tagging
    | AccountAlias
    | StsPreferences
    | ServerCertificate
    | SigningCertificate
    | SshPublicKey
    | ServiceCredential
    | DeletionTask
    | UsageStamp
    | CredentialReportRequest
    | LastAccessedJob
)

# Every row type by its table name, read off the `Row` union so the two never drift apart.
ROW_TYPES: dict[str, type[Row]] = {t.TABLE: t for t in get_args(Row)}


# The kinds whose tags earlier versions kept in Tagging rows.
WHOLE_SET_TAGGED = (InstanceProfile, MfaDevice, OidcProvider, ServerCertificate)


def tagged_key(entity: InstanceProfile | MfaDevice | OidcProvider | ServerCertificate) -> str:
    """The key of an entity's Tagging row: its table, immutable key and creation time."""
    return f"{entity.TABLE}/{entity.key}/{entity.created_ms}"


def tagged_entity(resource: str) -> tuple[str, str]:
    """The (table, key) of the entity a Tagging row's key names (the inverse of `tagged_key`:
    tables hold no `/`, and the creation time follows the last one). Total: a malformed key
    names an entity that does not exist, never an error in apply."""
    table, _, rest = resource.partition("/")
    return table, rest.rpartition("/")[0]


@dataclass(frozen=True, slots=True)
class Change:
    """One row image of a write: the new row, or a tombstone (row None) for table/key."""

    table: str
    key: str
    row: Row | None

    @staticmethod
    def put(row: Row) -> Change:
        return Change(row.TABLE, row.key, row)

    @staticmethod
    def delete(row: Row) -> Change:
        return Change(row.TABLE, row.key, None)
