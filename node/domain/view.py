"""The in-memory replica: every live row of every account, with the indexes reads need.

Pure data: `apply` takes a row change (local or from a peer, already decided by the merge
rules) and keeps the indexes in step. Reads and write planning only ever look here; SQLite
is the durable copy this view is rebuilt from at start-up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Generic, TypeVar

from iamstore.node.domain.aws_policies import AwsPolicyCatalog, is_aws_policy_arn, shared_catalog
from iamstore.node.domain.entities import (
    AccessKey,
    Account,
    AccountAlias,
    Attachment,
    Boundary,
    Change,
    DeletionTask,
    Group,
    InlinePolicy,
    InstanceProfile,
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
    Tags,
    User,
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

    def stored(self, entity_id: str) -> bool:
        """Whether a row with this id is held, visible or not."""
        return entity_id in self._rows

    def live(self, entity_ids: Iterable[str]) -> list[_T]:
        """The visible rows among `entity_ids`: links to missing or hidden rows count as absent."""
        return [row for row in map(self.get, entity_ids) if row is not None]

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
        self.versions: defaultdict[str, dict[str, PolicyVersion]] = defaultdict(dict)
        self.inline: defaultdict[str, dict[str, InlinePolicy]] = defaultdict(dict)
        self.members = _Links()  # group id -> user ids
        self.attachments = _Links()  # entity id -> policy ids
        self.boundaries: dict[str, Boundary] = {}
        self.boundary_users: defaultdict[str, set[str]] = defaultdict(set)  # policy -> entities
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
        self._rows: dict[tuple[str, str], Row] = {}

    def principal(self, entity_id: str) -> User | Group | Role | None:
        """The visible user, group or role with this id; None for a missing or hidden one."""
        return self.users.get(entity_id) or self.groups.get(entity_id) or self.roles.get(entity_id)

    def get(self, table: str, key: str) -> Row | None:
        return self._rows.get((table, key))

    def tags_of(
        self, entity: InstanceProfile | MfaDevice | OidcProvider | ServerCertificate
    ) -> Tags:
        """An entity's current tags: its Tagging row's once Tag*/Untag* wrote one."""
        tagging = self.taggings.get(tagged_key(entity))
        return entity.tags if tagging is None else tagging.tags

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

    def managed_policy(self, policy_id: str) -> ManagedPolicy | None:
        """The visible customer managed policy, or the AWS managed policy, with this id."""
        found = self.policies.get(policy_id)
        if found is None and not self.policies.stored(policy_id):
            found = self.aws_policies().by_id.get(policy_id)
        return found

    def managed_policies(self, policy_ids: Iterable[str]) -> list[ManagedPolicy]:
        """The policies among `policy_ids` that exist (customer or AWS managed)."""
        return [p for p in map(self.managed_policy, policy_ids) if p is not None]

    def policy_by_arn(self, arn: str) -> ManagedPolicy | None:
        if is_aws_policy_arn(arn):
            return self.aws_policies().by_arn.get(arn)
        policy_id = self.policy_arns.get(arn)
        return None if policy_id is None else self.policies.get(policy_id)

    def policy_versions(self, policy_id: str) -> Mapping[str, PolicyVersion]:
        """A managed policy's versions by id (an AWS managed policy has its published one)."""
        versions = self.versions.get(policy_id)
        if versions is not None:
            return versions
        if self.policies.stored(policy_id):
            return {}
        return self.aws_policies().versions.get(policy_id, {})

    def rows(self) -> Iterator[Row]:
        return iter(self._rows.values())

    def apply(self, change: Change) -> None:
        """Makes the view hold `change.row` at (table, key), or nothing when it is a tombstone."""
        old = self._rows.pop((change.table, change.key), None)
        if old is not None:
            self._unindex(old)
        if change.row is not None:
            self._rows[(change.table, change.key)] = change.row
            self._index(change.row)

    def load(self, table: str, key: str, row: Row) -> None:
        """Adds a stored row at start-up: the same as `apply` of a put of a row the view does
        not hold yet (the caller guarantees it), without the lookup of an old image."""
        self._rows[(table, key)] = row
        self._index(row)

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
            case ManagedPolicy():
                self.policies.put(row.policy_id, row)
                self.policy_arns[row.arn] = row.policy_id
            case PolicyVersion():
                self.versions[row.policy_id][row.version_id] = row
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
            case ManagedPolicy():
                self.policies.remove(row.policy_id)
                if self.policy_arns.get(row.arn) == row.policy_id:
                    del self.policy_arns[row.arn]
            case PolicyVersion():
                versions = self.versions.get(row.policy_id, {})
                versions.pop(row.version_id, None)
                if not versions:
                    self.versions.pop(row.policy_id, None)
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


def _discard(index: defaultdict[str, set[str]], owner: str, member: str) -> None:
    members = index.get(owner)
    if members is not None:
        members.discard(member)
        if not members:
            del index[owner]
