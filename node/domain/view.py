"""The in-memory replica: every live row of every account, with the indexes reads need.

Pure data: `apply` takes a row change (local or from a peer, already decided by the merge
rules) and keeps the indexes in step. Reads and write planning only ever look here; SQLite
is the durable copy this view is rebuilt from at start-up.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Generic, TypeVar

from iamstore.node.domain import fields
from iamstore.node.domain.aws_policies import (
    AWS_ACCOUNT,
    AwsPolicyCatalog,
    is_aws_policy_arn,
    shared_catalog,
)
from iamstore.node.domain.entities import (
    WHOLE_SET_TAGGED,
    AccessKey,
    Account,
    AccountAlias,
    Attachment,
    Boundary,
    Change,
    CredentialReportRequest,
    DefaultVersion,
    DeletionTask,
    EntityField,
    Group,
    InlinePolicy,
    InstanceProfile,
    LastAccessedJob,
    LoginProfile,
    ManagedPolicy,
    MemberKey,
    Membership,
    MfaDevice,
    MfaFailures,
    OidcProvider,
    PasswordPolicy,
    PolicyVersion,
    ProfileRole,
    RemovedMember,
    Role,
    Row,
    SamlProvider,
    ServerCertificate,
    ServiceCredential,
    SigningCertificate,
    SshPublicKey,
    StsPreferences,
    Tagging,
    UsageStamp,
    User,
    VersionCounter,
    tagged_entity,
    tagged_key,
)

_T = TypeVar("_T", User, Group, Role, ManagedPolicy, MfaDevice, InstanceProfile, ServerCertificate)

NameKey = tuple[str, str]  # (account id, lower-cased name): IAM names are case-insensitive


def name_key(account_id: str, name: str) -> NameKey:
    return (account_id, name.lower())


class _Named(Generic[_T]):
    """Rows of one entity kind by id, with a per-account case-insensitive name index.

    Two nodes may create the same name at once, so two rows can claim one name. The claim
    with the earliest (creation time, id) owns it on every replica, whatever the order rows
    arrived in; the other row stays stored but is invisible: lookups, listings, counts and
    authentication all skip it, so its keys, links and policies grant nothing.
    """

    __slots__ = ("_claims", "_names", "_rows")

    def __init__(self) -> None:
        self._rows: dict[str, _T] = {}
        self._claims: dict[NameKey, set[str]] = {}
        self._names: defaultdict[str, set[NameKey]] = defaultdict(set)  # account -> names

    def put(self, entity_id: str, row: _T) -> None:
        self.remove(entity_id)
        self._rows[entity_id] = row
        key = name_key(row.account_id, row.name)
        self._claims.setdefault(key, set()).add(entity_id)
        self._names[row.account_id].add(key)

    def remove(self, entity_id: str) -> None:
        old = self._rows.pop(entity_id, None)
        if old is None:
            return
        key = name_key(old.account_id, old.name)
        claims = self._claims[key]
        claims.discard(entity_id)
        if not claims:
            del self._claims[key]
            self._names[old.account_id].discard(key)

    def _owner(self, key: NameKey) -> _T | None:
        claims = self._claims.get(key)
        if not claims:
            return None
        if len(claims) == 1:
            return self._rows[next(iter(claims))]
        rows = (self._rows[entity_id] for entity_id in claims)
        return min(rows, key=lambda row: (row.created_ms, row.key))

    def get(self, entity_id: str) -> _T | None:
        """The row with this id, if it is visible (owns its name)."""
        row = self._rows.get(entity_id)
        if row is None or self._owner(name_key(row.account_id, row.name)) is not row:
            return None
        return row

    def of_account(self, entity_id: str, account_id: str) -> _T | None:
        """The visible row with this id if it is `account_id`'s: what credentials and
        sessions of that account that name the id act as (see `live` for why an id is
        always looked up within its account)."""
        row = self.get(entity_id)
        return row if row is not None and row.account_id == account_id else None

    def stored(self, entity_id: str) -> bool:
        """Whether a row with this id is held, visible or not."""
        return entity_id in self._rows

    def live(self, entity_ids: Iterable[str], account_id: str) -> list[_T]:
        """The visible rows of `account_id` among `entity_ids`: links to missing or hidden
        rows, or to another account's, count as absent.

        INVARIANT: a link never crosses accounts. Ids are bound to their account when a link
        is written, but a link may outlive its entity (a merge of a concurrent delete and
        link) and an id may later be held by another account's entity; following such a link
        into that account would hand it this account's memberships and policies, or the reverse.
        """
        found = (self.get(entity_id) for entity_id in entity_ids)
        return [row for row in found if row is not None and row.account_id == account_id]

    def named(self, account_id: str, name: str) -> _T | None:
        return self._owner(name_key(account_id, name))

    def in_account(self, account_id: str) -> Iterator[_T]:
        for key in self._names.get(account_id, ()):
            owner = self._owner(key)
            if owner is not None:
                yield owner

    def count(self, account_id: str) -> int:
        return len(self._names.get(account_id, ()))


class _Links:
    """A many-to-many link table indexed from both ends."""

    __slots__ = ("backward", "forward")

    def __init__(self) -> None:
        self.forward: defaultdict[str, set[str]] = defaultdict(set)
        self.backward: defaultdict[str, set[str]] = defaultdict(set)

    def put(self, left: str, right: str) -> None:
        self.forward[left].add(right)
        self.backward[right].add(left)

    def remove(self, left: str, right: str) -> None:
        self.forward[left].discard(right)
        self.backward[right].discard(left)
        if not self.forward[left]:
            del self.forward[left]
        if not self.backward[right]:
            del self.backward[right]

    def of(self, left: str) -> set[str]:
        return self.forward.get(left, set())

    def to(self, right: str) -> set[str]:
        return self.backward.get(right, set())


class View:
    """Every live row, indexed for reads. Mutated only through `apply`.

    AWS managed policies are no rows: the view reads them from the shared catalog
    (node/domain/aws_policies.py), fetched on first use, so a view that never meets one
    never loads it.
    """

    def __init__(self, aws_policies: Callable[[], AwsPolicyCatalog] = shared_catalog) -> None:
        self.aws_policies = aws_policies
        self.accounts: dict[str, Account] = {}
        self.users: _Named[User] = _Named()
        self.groups: _Named[Group] = _Named()
        self.roles: _Named[Role] = _Named()
        self.policies: _Named[ManagedPolicy] = _Named()
        self.policy_arns: dict[str, str] = {}  # policy ARN -> policy id
        # A policy's record, its default pointer, its version rows and version counters are
        # rows of their own (domain/entities.py); `policies` holds the policies with both a
        # record and a default, which is what makes one visible.
        self._policy_rows: dict[str, ManagedPolicy] = {}
        self.defaults: dict[str, DefaultVersion] = {}  # policy id -> its default pointer
        self._version_rows: defaultdict[str, dict[str, PolicyVersion]] = defaultdict(dict)
        self.version_counters: defaultdict[str, dict[str, int]] = defaultdict(dict)
        self.inline: defaultdict[str, dict[str, InlinePolicy]] = defaultdict(dict)
        self.members = _Links()  # group id -> user ids
        self.attachments = _Links()  # entity id -> policy ids
        self.boundaries: dict[str, Boundary] = {}
        self.boundary_users: defaultdict[str, set[str]] = defaultdict(set)  # policy -> entities
        # unique id -> the roles whose trust policy pins it (node.domain.principal_pins)
        self.pinned_by: defaultdict[str, set[str]] = defaultdict(set)
        self.access_keys: dict[str, AccessKey] = {}
        self.keys_of: defaultdict[str, set[str]] = defaultdict(set)  # owner id -> key ids
        self.login_profiles: dict[str, LoginProfile] = {}
        self.password_policies: dict[str, PasswordPolicy] = {}
        self.mfa_devices: _Named[MfaDevice] = _Named()  # named by path + name
        self.mfa_of: defaultdict[str, set[str]] = defaultdict(set)  # user id -> device ids
        # device id -> node id -> that node's count of the device's failed codes
        self.mfa_failures: defaultdict[str, dict[str, MfaFailures]] = defaultdict(dict)
        self.oidc_providers: defaultdict[str, dict[str, OidcProvider]] = defaultdict(dict)
        self.saml_providers: defaultdict[str, dict[str, SamlProvider]] = defaultdict(dict)
        self.instance_profiles: _Named[InstanceProfile] = _Named()
        self.profile_roles = _Links()  # instance profile id -> role ids
        self.removed_members: dict[str, RemovedMember] = {}  # by key (node id, else address)
        self.member_keys: dict[str, MemberKey] = {}  # by node id
        self.taggings: dict[str, Tagging] = {}  # by tagged_key(entity)
        self.account_aliases: dict[str, AccountAlias] = {}  # by account id
        self.alias_claims: defaultdict[str, set[str]] = defaultdict(set)  # alias -> accounts
        self.sts_preferences: dict[str, StsPreferences] = {}  # by account id
        self.server_certificates: _Named[ServerCertificate] = _Named()
        self.signing_certificates: dict[str, SigningCertificate] = {}  # by row key
        self.signing_certificates_of: defaultdict[str, set[str]] = defaultdict(set)  # user
        self.ssh_public_keys: dict[str, SshPublicKey] = {}  # by key id
        self.ssh_public_keys_of: defaultdict[str, set[str]] = defaultdict(set)  # user -> ids
        self.service_credentials: dict[str, ServiceCredential] = {}  # by credential id
        self.service_credentials_of: defaultdict[str, set[str]] = defaultdict(set)  # user
        self.deletion_tasks: dict[str, DeletionTask] = {}  # by task id
        # subject id -> purpose -> node id -> that node's stamp (node.domain.usage)
        self.usage_stamps: defaultdict[str, dict[str, dict[str, UsageStamp]]] = defaultdict(dict)
        self.usage_stamps_by_node: defaultdict[str, int] = defaultdict(int)  # node -> count
        self.credential_reports: dict[str, CredentialReportRequest] = {}  # by account id
        self.last_accessed_jobs: dict[str, LastAccessedJob] = {}  # by job id
        self.last_accessed_jobs_of: defaultdict[str, set[str]] = defaultdict(set)  # account
        self._rows: dict[tuple[str, str], Row] = {}
        # Entities whose update operations write field rows (domain/fields.py): the entity
        # row as stored, its field rows, and the composed entity the indexes above hold.
        self._bases: dict[tuple[str, str], Row] = {}
        # (table, entity key) -> every field row stored for it, of any incarnation, by row key.
        self._field_rows: defaultdict[tuple[str, str], dict[str, EntityField]] = defaultdict(dict)
        self._composed: dict[tuple[str, str], Row] = {}

    def versions_of(self, policy_id: str) -> dict[str, PolicyVersion]:
        """A policy's versions by id: its version rows, and its default version even when a
        concurrent DeletePolicyVersion removed that one's row (the default's copy stands in)."""
        versions = dict(self._version_rows.get(policy_id, {}))
        default = self.defaults.get(policy_id)
        if default is not None and default.version_id not in versions:
            versions[default.version_id] = default.version
        return versions

    def version_rows(self, policy_id: str) -> dict[str, PolicyVersion]:
        """A policy's version rows only (see `versions_of` for its versions)."""
        return self._version_rows.get(policy_id, {})

    def default_version(self, policy_id: str) -> PolicyVersion | None:
        """The version a policy grants and denies by (None only for a missing policy); an
        AWS managed policy's is the one AWS publishes."""
        default = self.defaults.get(policy_id)
        if default is not None:
            return default.version
        if policy_id in self._policy_rows:
            return None  # a customer policy without its pointer is hidden: it grants nothing
        return self.aws_policies().default_version(policy_id)

    def _shown_policy(self, policy_id: str) -> ManagedPolicy | None:
        """A policy is shown iff it has both its record and its default pointer.

        INVARIANT: every visible policy has exactly one default version, and it exists. A
        record without a pointer is what a DeletePolicy leaves when a concurrent TagPolicy
        wrote the record again: the delete wins, the policy stays hidden (and grants nothing).
        """
        row = self._policy_rows.get(policy_id)
        return row if row is not None and policy_id in self.defaults else None

    def _hide_policy(self, policy_id: str) -> None:
        shown = self._shown_policy(policy_id)
        if shown is not None:
            self.policies.remove(policy_id)
            if self.policy_arns.get(shown.arn) == policy_id:
                del self.policy_arns[shown.arn]

    def _show_policy(self, policy_id: str) -> None:
        shown = self._shown_policy(policy_id)
        if shown is not None:
            self.policies.put(policy_id, shown)
            self.policy_arns[shown.arn] = policy_id

    def principal(self, entity_id: str) -> User | Group | Role | None:
        """The visible user, group or role with this id; None for a missing or hidden one."""
        return self.users.get(entity_id) or self.groups.get(entity_id) or self.roles.get(entity_id)

    def get(self, table: str, key: str) -> Row | None:
        return self._rows.get((table, key))

    def shown(self, table: str, key: str) -> Row | None:
        """The row at (table, key) as reads see it: an entity with its field rows laid over
        it (`get` gives the stored row alone)."""
        return self._composed.get((table, key)) or self._rows.get((table, key))

    def alias_of(self, account_id: str) -> str | None:
        """The account's alias, if it owns it: of two accounts claiming one alias, the
        earliest claim (creation time, then account id) owns it on every replica."""
        claim = self.account_aliases.get(account_id)
        if claim is None or self.alias_owner(claim.alias) != account_id:
            return None
        return claim.alias

    def alias_owner(self, alias: str) -> str | None:
        claims = [self.account_aliases[a] for a in self.alias_claims.get(alias, ())]
        if not claims:
            return None
        return min(claims, key=lambda c: (c.created_ms, c.account_id)).account_id

    def managed_policy(self, policy_id: str, account_id: str) -> ManagedPolicy | None:
        """The policy with this id that an entity of `account_id` may be linked to (attached,
        or as its permissions boundary): a visible customer managed policy of that account,
        or an AWS managed policy. A link to another account's policy counts as absent (see
        `_Named.live`): AWS attaches only an account's own or AWS managed policies
        (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html).
        """
        found = self.policies.get(policy_id)
        if found is None and not self.policies.stored(policy_id):
            found = self.aws_policies().by_id.get(policy_id)
        if found is None or found.account_id not in (account_id, AWS_ACCOUNT):
            return None
        return found

    def managed_policies(self, policy_ids: Iterable[str], account_id: str) -> list[ManagedPolicy]:
        """The policies among `policy_ids` an entity of `account_id` may be linked to."""
        found = (self.managed_policy(policy_id, account_id) for policy_id in policy_ids)
        return [p for p in found if p is not None]

    def policy_by_arn(self, arn: str) -> ManagedPolicy | None:
        if is_aws_policy_arn(arn):
            return self.aws_policies().by_arn.get(arn)
        policy_id = self.policy_arns.get(arn)
        return None if policy_id is None else self.policies.get(policy_id)

    def policy_versions(self, policy_id: str) -> Mapping[str, PolicyVersion]:
        """A managed policy's versions by id (an AWS managed policy has its published one)."""
        if policy_id in self._policy_rows or policy_id in self.defaults:
            return self.versions_of(policy_id)
        return self.aws_policies().versions.get(policy_id, {})

    def rows(self) -> Iterator[Row]:
        return iter(self._rows.values())

    def apply(self, change: Change) -> None:
        """Makes the view hold `change.row` at (table, key), or nothing when it is a tombstone."""
        old = self._rows.pop((change.table, change.key), None)
        if old is not None:
            self._unindex_stored(old)
        if change.row is not None:
            self._rows[(change.table, change.key)] = change.row
            self._index_stored(change.row)

    def load(self, table: str, key: str, row: Row) -> None:
        """Adds a stored row at start-up: the same as `apply` of a put of a row the view does
        not hold yet (the caller guarantees it), without the lookup of an old image."""
        self._rows[(table, key)] = row
        self._index_stored(row)

    def fields_of(self, entity: Row) -> dict[str, EntityField]:
        """Every field row stored under `entity`'s key, of any incarnation (a deletion drops
        them all), by row key."""
        return self._field_rows.get((entity.TABLE, entity.key), {})

    def _index_stored(self, row: Row) -> None:
        if isinstance(row, EntityField):
            self._field_rows[(row.table, row.entity_key)][row.key] = row
            self._recompose(row.table, row.entity_key)
        elif row.TABLE in fields.COMPOSED:
            self._bases[(row.TABLE, row.key)] = row
            self._recompose(row.TABLE, row.key)
        else:
            self._index(row)
            if isinstance(row, Tagging):
                self._recompose(*tagged_entity(row.resource))

    def _unindex_stored(self, row: Row) -> None:
        if isinstance(row, EntityField):
            where = (row.table, row.entity_key)
            named = self._field_rows.get(where, {})
            named.pop(row.key, None)
            if not named:
                self._field_rows.pop(where, None)
            self._recompose(*where)
        elif row.TABLE in fields.COMPOSED:
            self._bases.pop((row.TABLE, row.key), None)
            self._recompose(row.TABLE, row.key)
        else:
            self._unindex(row)
            if isinstance(row, Tagging):
                self._recompose(*tagged_entity(row.resource))

    def _recompose(self, table: str, key: str) -> None:
        """Re-indexes one entity as its stored row with its field rows laid over it.

        INVARIANT: the indexes hold exactly one composed row per stored entity row, and none
        for field rows whose entity is absent (deleted, or not arrived yet).
        """
        where = (table, key)
        shown = self._composed.pop(where, None)
        if shown is not None:
            self._unindex(shown)
        base = self._bases.get(where)
        if isinstance(base, WHOLE_SET_TAGGED):
            legacy = self.taggings.get(tagged_key(base))
            if legacy is not None:  # an earlier version's whole tag set, under the field rows
                base = dataclasses.replace(base, tags=legacy.tags)
        if base is not None:
            composed = fields.compose(base, self._field_rows.get(where, {}))
            self._composed[where] = composed
            self._index(composed)

    def _index(self, row: Row) -> None:
        match row:
            case Account():
                self.accounts[row.account_id] = row
            case User():
                self.users.put(row.user_id, row)
            case Group():
                self.groups.put(row.group_id, row)
            case Role():
                self.roles.put(row.role_id, row)
                for _, pinned in row.trust_pins:
                    self.pinned_by[pinned].add(row.role_id)
            case ManagedPolicy():
                self._hide_policy(row.policy_id)
                self._policy_rows[row.policy_id] = row
                self._show_policy(row.policy_id)
            case DefaultVersion():
                self._hide_policy(row.policy_id)
                self.defaults[row.policy_id] = row
                self._show_policy(row.policy_id)
            case PolicyVersion():
                self._version_rows[row.policy_id][row.version_id] = row
            case VersionCounter():
                self.version_counters[row.policy_id][row.origin] = row.highest
            case InlinePolicy():
                self.inline[row.owner_id][row.name] = row
            case Membership():
                self.members.put(row.group_id, row.user_id)
            case Attachment():
                self.attachments.put(row.entity_id, row.policy_id)
            case Boundary():
                self.boundaries[row.entity_id] = row
                self.boundary_users[row.policy_id].add(row.entity_id)
            case AccessKey():
                self.access_keys[row.access_key_id] = row
                self.keys_of[row.owner_id].add(row.access_key_id)
            case LoginProfile():
                self.login_profiles[row.user_id] = row
            case PasswordPolicy():
                self.password_policies[row.account_id] = row
            case MfaDevice():
                self.mfa_devices.put(row.device_id, row)
                if row.user_id is not None:
                    self.mfa_of[row.user_id].add(row.device_id)
            case MfaFailures():
                self.mfa_failures[row.device_id][row.node_id] = row
            case OidcProvider():
                self.oidc_providers[row.account_id][row.arn] = row
            case SamlProvider():
                self.saml_providers[row.account_id][row.arn] = row
            case InstanceProfile():
                self.instance_profiles.put(row.instance_profile_id, row)
            case ProfileRole():
                self.profile_roles.put(row.instance_profile_id, row.role_id)
            case RemovedMember():
                self.removed_members[row.key] = row
            case MemberKey():
                self.member_keys[row.node_id] = row
            case Tagging():
                self.taggings[row.resource] = row
            case AccountAlias():
                self.account_aliases[row.account_id] = row
                self.alias_claims[row.alias].add(row.account_id)
            case StsPreferences():
                self.sts_preferences[row.account_id] = row
            case ServerCertificate():
                self.server_certificates.put(row.certificate_id, row)
            case SigningCertificate():
                self.signing_certificates[row.key] = row
                self.signing_certificates_of[row.user_id].add(row.key)
            case SshPublicKey():
                self.ssh_public_keys[row.key_id] = row
                self.ssh_public_keys_of[row.user_id].add(row.key_id)
            case ServiceCredential():
                self.service_credentials[row.credential_id] = row
                self.service_credentials_of[row.user_id].add(row.credential_id)
            case DeletionTask():
                self.deletion_tasks[row.task_id] = row
            case UsageStamp():
                by_node = self.usage_stamps[row.subject_id].setdefault(row.purpose, {})
                if row.node_id not in by_node:
                    self.usage_stamps_by_node[row.node_id] += 1
                by_node[row.node_id] = row
            case CredentialReportRequest():
                self.credential_reports[row.account_id] = row
            case LastAccessedJob():
                self.last_accessed_jobs[row.job_id] = row
                self.last_accessed_jobs_of[row.account_id].add(row.job_id)

    def _unindex(self, row: Row) -> None:
        match row:
            case Account():
                self.accounts.pop(row.account_id, None)
            case User():
                self.users.remove(row.user_id)
            case Group():
                self.groups.remove(row.group_id)
            case Role():
                self.roles.remove(row.role_id)
                for _, pinned in row.trust_pins:
                    _discard(self.pinned_by, pinned, row.role_id)
            case ManagedPolicy():
                self._hide_policy(row.policy_id)
                self._policy_rows.pop(row.policy_id, None)
            case DefaultVersion():
                self._hide_policy(row.policy_id)
                self.defaults.pop(row.policy_id, None)
                self._show_policy(row.policy_id)
            case PolicyVersion():
                versions = self._version_rows.get(row.policy_id, {})
                versions.pop(row.version_id, None)
                if not versions:
                    self._version_rows.pop(row.policy_id, None)
            case VersionCounter():
                counters = self.version_counters.get(row.policy_id, {})
                counters.pop(row.origin, None)
                if not counters:
                    self.version_counters.pop(row.policy_id, None)
            case InlinePolicy():
                owned = self.inline.get(row.owner_id, {})
                owned.pop(row.name, None)
                if not owned:
                    self.inline.pop(row.owner_id, None)
            case Membership():
                self.members.remove(row.group_id, row.user_id)
            case Attachment():
                self.attachments.remove(row.entity_id, row.policy_id)
            case Boundary():
                self.boundaries.pop(row.entity_id, None)
                self.boundary_users[row.policy_id].discard(row.entity_id)
            case AccessKey():
                self.access_keys.pop(row.access_key_id, None)
                self.keys_of[row.owner_id].discard(row.access_key_id)
            case LoginProfile():
                self.login_profiles.pop(row.user_id, None)
            case PasswordPolicy():
                self.password_policies.pop(row.account_id, None)
            case MfaDevice():
                self.mfa_devices.remove(row.device_id)
                if row.user_id is not None:
                    self.mfa_of[row.user_id].discard(row.device_id)
                    if not self.mfa_of[row.user_id]:
                        del self.mfa_of[row.user_id]
            case MfaFailures():
                counted = self.mfa_failures.get(row.device_id, {})
                counted.pop(row.node_id, None)
                if not counted:
                    self.mfa_failures.pop(row.device_id, None)
            case OidcProvider():
                providers = self.oidc_providers.get(row.account_id, {})
                providers.pop(row.arn, None)
                if not providers:
                    self.oidc_providers.pop(row.account_id, None)
            case SamlProvider():
                saml = self.saml_providers.get(row.account_id, {})
                saml.pop(row.arn, None)
                if not saml:
                    self.saml_providers.pop(row.account_id, None)
            case InstanceProfile():
                self.instance_profiles.remove(row.instance_profile_id)
            case ProfileRole():
                self.profile_roles.remove(row.instance_profile_id, row.role_id)
            case RemovedMember():
                self.removed_members.pop(row.key, None)
            case MemberKey():
                self.member_keys.pop(row.node_id, None)
            case Tagging():
                self.taggings.pop(row.resource, None)
            case AccountAlias():
                self.account_aliases.pop(row.account_id, None)
                claims = self.alias_claims.get(row.alias)
                if claims is not None:
                    claims.discard(row.account_id)
                    if not claims:
                        del self.alias_claims[row.alias]
            case StsPreferences():
                self.sts_preferences.pop(row.account_id, None)
            case ServerCertificate():
                self.server_certificates.remove(row.certificate_id)
            case SigningCertificate():
                self.signing_certificates.pop(row.key, None)
                _discard(self.signing_certificates_of, row.user_id, row.key)
            case SshPublicKey():
                self.ssh_public_keys.pop(row.key_id, None)
                _discard(self.ssh_public_keys_of, row.user_id, row.key_id)
            case DeletionTask():
                self.deletion_tasks.pop(row.task_id, None)
            case ServiceCredential():
                self.service_credentials.pop(row.credential_id, None)
                _discard(self.service_credentials_of, row.user_id, row.credential_id)
            case UsageStamp():
                self._unindex_stamp(row)
            case CredentialReportRequest():
                self.credential_reports.pop(row.account_id, None)
            case LastAccessedJob():
                self.last_accessed_jobs.pop(row.job_id, None)
                _discard(self.last_accessed_jobs_of, row.account_id, row.job_id)

    def _unindex_stamp(self, row: UsageStamp) -> None:
        purposes = self.usage_stamps.get(row.subject_id, {})
        by_node = purposes.get(row.purpose, {})
        if by_node.pop(row.node_id, None) is None:
            return
        self.usage_stamps_by_node[row.node_id] -= 1
        if not by_node:
            del purposes[row.purpose]
        if not purposes:
            del self.usage_stamps[row.subject_id]


def _discard(index: defaultdict[str, set[str]], owner: str, member: str) -> None:
    members = index.get(owner)
    if members is not None:
        members.discard(member)
        if not members:
            del index[owner]
