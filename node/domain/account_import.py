"""Importing an account: the rows that recreate another account's users, groups, roles,
instance profiles and managed policies under their own ids, ARNs and dates.

The input is what GetAccountAuthorizationDetails returns, already checked field by field
(node/api/account_import.py); `plan` works out, against the replica, what each entity needs:
nothing (it is there exactly as imported), creating, or (with `replace`) being overwritten.
An entity the account holds differently (under its name or its id, field rows such as a later
TagUser included) is a conflict: skipped and reported unless `replace`. Pure: the view, the
context and the records in; changes out.

INVARIANT: a second import of the same records plans no change at all.
INVARIANT: no entity of another account (nor an AWS managed policy) is overwritten or taken
over, nor is the id of a deleted one: an id this replica knows as another account's is
refused (see `_Planner._foreign`). Links a deleted entity of this account left under an id
are removed when the id is imported, never inherited.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

from iamstore.node.domain.aws_policies import AWS_ACCOUNT, is_aws_policy_arn
from iamstore.node.domain.entities import (
    AccessKey,
    Attachment,
    Boundary,
    Change,
    DefaultVersion,
    Group,
    InlinePolicy,
    InstanceProfile,
    ManagedPolicy,
    Membership,
    MfaDevice,
    PolicyVersion,
    ProfileRole,
    Role,
    Row,
    ServiceCredential,
    SigningCertificate,
    SshPublicKey,
    User,
    VersionCounter,
)
from iamstore.node.domain.errors import InvalidInput, LimitExceeded, NoSuchEntity
from iamstore.node.domain.import_links import check_no_links_left
from iamstore.node.domain.principal_pins import pinned_account
from iamstore.node.domain.versions import VERSION_ID, high_water_mark, version_number
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext
from iamstore.node.policy import Policy
from iamstore.node.policy.document import PrincipalKey

KINDS = ("Policy", "Group", "Role", "InstanceProfile", "User")


@dataclass(frozen=True, slots=True)
class ImportedPolicy:
    where: str  # where the entity is in the input (`Policies[3]`), for error messages
    policy: ManagedPolicy
    versions: tuple[PolicyVersion, ...]
    default_version_id: str
    update_ms: int


@dataclass(frozen=True, slots=True)
class ImportedGroup:
    where: str
    group: Group
    inline: tuple[InlinePolicy, ...]
    attached: tuple[str, ...]  # policy ARNs


@dataclass(frozen=True, slots=True)
class ImportedRole:
    where: str
    role: Role  # its trust_pins are worked out by `plan`
    trust: Policy  # the parsed trust policy, for its pins
    inline: tuple[InlinePolicy, ...]
    attached: tuple[str, ...]
    boundary: str | None
    # Principals the input names by unique id alone (deleted in AWS): see `stand_in_deleted`.
    deleted: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ImportedProfile:
    where: str
    profile: InstanceProfile
    role_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ImportedUser:
    where: str
    user: User
    inline: tuple[InlinePolicy, ...]
    attached: tuple[str, ...]
    boundary: str | None
    groups: tuple[str, ...]  # group names


@dataclass(frozen=True, slots=True)
class AccountRecords:
    """One account's entities, as `plan` takes them (see node/api/account_import.py)."""

    policies: tuple[ImportedPolicy, ...] = ()
    groups: tuple[ImportedGroup, ...] = ()
    roles: tuple[ImportedRole, ...] = ()
    profiles: tuple[ImportedProfile, ...] = ()
    users: tuple[ImportedUser, ...] = ()

    def count(self) -> int:
        return (
            len(self.policies)
            + len(self.groups)
            + len(self.roles)
            + len(self.profiles)
            + len(self.users)
        )


@dataclass(slots=True)
class Tally:
    created: int = 0
    unchanged: int = 0
    conflicts: int = 0
    replaced: int = 0


@dataclass(frozen=True, slots=True)
class Conflict:
    kind: str
    name: str
    reason: str


@dataclass(slots=True)
class Report:
    tallies: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in KINDS})
    conflicts: list[Conflict] = field(default_factory=list)


# A principal ARN in a trust policy: (account, user|role, name).
_PRINCIPAL_ARN = re.compile(r"arn:[^:]+:iam::(\d{12}):(user|role)/(?:.*/)?([^/]+)\Z", re.DOTALL)


# What AWS shows in a trust policy for a user or role deleted since it was written: its unique
# id alone ("IAM role principals", IAM User Guide, reference_policies_elements_principal.html).
_UNIQUE_ID = re.compile(r"(AIDA|AROA)[A-Z0-9]{12,124}")


def stand_in_deleted(document: str, account_id: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """`document` with each principal named by a bare unique id written as an ARN that stands
    in for it (`arn:aws:iam::ACCOUNT:user/AIDA...`), and the pins from those ARNs to the ids.

    iamstore keeps a trust policy as written plus pins (node.domain.principal_pins), and shows a
    pinned principal that no longer exists as its bare id: exactly what AWS showed. The pin
    rewrites the stand-in to the id before any decision, so it matches nobody, whatever names
    the account holds. A document naming no bare id is returned as it is.
    """
    try:
        parsed = json.loads(document)
    except (ValueError, RecursionError):
        # The grammar check names the error (MalformedPolicyDocument, as CreateRole's does):
        # a document nested deeper than the decoder recurses is no policy either.
        return document, ()
    pins: dict[str, str] = {}

    def stand_in(value: object) -> object:
        if isinstance(value, str) and _UNIQUE_ID.fullmatch(value):
            kind = "user" if value.startswith("AIDA") else "role"
            arn = f"arn:aws:iam::{account_id}:{kind}/{value}"
            pins[arn] = value
            return arn
        return value

    statements = parsed.get("Statement") if isinstance(parsed, dict) else None
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, dict):
            continue
        for element in ("Principal", "NotPrincipal"):
            spec = statement.get(element)
            if isinstance(spec, dict) and "AWS" in spec:
                named = spec["AWS"]
                spec["AWS"] = (
                    [stand_in(v) for v in named] if isinstance(named, list) else stand_in(named)
                )
    if not pins:
        return document, ()
    try:
        rewritten = json.dumps(parsed, ensure_ascii=False)
    except RecursionError:
        return document, ()  # as deep as that is no policy: the grammar check says so
    return rewritten, tuple(sorted(pins.items()))


# The dates a protobuf Timestamp holds, years 0001 to 9999 (what every IAM read converts a
# stored date to): a date outside it would fail each later read of its entity.
_EARLIEST_MS = -62_135_596_800_000  # 0001-01-01T00:00:00Z
_LATEST_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z
# Imported version numbers are kept, and later versions count on from the highest
# (`_Planner._version_counter`); 15 digits leave every later count far inside 64 bits.
_VERSION_DIGITS = 15


def check_values(records: AccountRecords) -> None:
    """Refuses dates and version ids the replica cannot hold or show, naming the field
    (InvalidInput): what GetAccountAuthorizationDetails returns never has them, and taken as
    they are they would fail the write, or every later read of the entity."""
    dated: list[tuple[int, str]] = []
    for item in records.policies:
        dated += [(item.policy.created_ms, f"{item.where}.CreateDate")]
        dated += [(item.update_ms, f"{item.where}.UpdateDate")]
        for index, version in enumerate(item.versions):
            here = f"{item.where}.PolicyVersionList[{index}]"
            dated.append((version.created_ms, f"{here}.CreateDate"))
            matched = VERSION_ID.fullmatch(version.version_id)
            if matched is not None and len(matched.group(1)) > _VERSION_DIGITS:
                shown = version.version_id[:24] + ("…" if len(version.version_id) > 24 else "")
                raise InvalidInput(
                    f"policy `{item.policy.arn}`: version id `{shown}` has a number of more "
                    f"than {_VERSION_DIGITS} digits",
                    f"{here}.VersionId",
                )
    dated += [(g.group.created_ms, f"{g.where}.CreateDate") for g in records.groups]
    dated += [(r.role.created_ms, f"{r.where}.CreateDate") for r in records.roles]
    dated += [(p.profile.created_ms, f"{p.where}.CreateDate") for p in records.profiles]
    dated += [(u.user.created_ms, f"{u.where}.CreateDate") for u in records.users]
    for ms, where in dated:
        if not _EARLIEST_MS <= ms <= _LATEST_MS:
            raise InvalidInput("date out of range: IAM dates are from year 0001 to 9999", where)


class _Planner:
    def __init__(self, view: View, ctx: WriteContext, records: AccountRecords, overwrite: bool):
        self.view = view
        self.ctx = ctx
        self.account = ctx.account_id
        self.records = records
        self.overwrite = overwrite
        self.report = Report()
        self.changes: list[Change] = []
        # Where each entity's changes start in `changes` (see `plan_entities`).
        self.entity_starts: list[int] = []
        # The account's entities overwritten by another of their name under a different id
        # (deleted, as DeletePolicy/DeleteGroup/DeleteRole would), with where the newcomer is.
        self.superseded: list[tuple[str, Row, Row, str]] = []  # kind, old, new, where
        # Entities of the input that the account will hold as imported, by ARN or name.
        self.policy_ids: dict[str, str | None] = {}  # ARN -> id; None: skipped
        self.group_ids: dict[str, str | None] = {}  # lower-case name -> id; None: skipped
        self.role_ids: dict[str, str | None] = {}  # role id -> id; None: skipped
        # The input's roles by ARN, for the principals trust policies name.
        self.role_arns = {r.role.arn: r.role.role_id for r in records.roles}
        self.input_ids = {
            *(p.policy.policy_id for p in records.policies),
            *(g.group.group_id for g in records.groups),
            *self.role_arns.values(),
            *(p.profile.instance_profile_id for p in records.profiles),
            *(u.user.user_id for u in records.users),
        }

    # --- outcome of one entity ------------------------------------------------------------

    def _settle(
        self,
        kind: str,
        name: str,
        where: str,
        entity: Row,
        desired: list[Row],
        current_of: Callable[[Row], list[Row]],
        same_name: Row | None,
        blocked: str | None = None,
    ) -> bool:
        """Decides one entity; True when the account will hold it as imported."""
        self.entity_starts.append(len(self.changes))
        tally = self.report.tallies[kind]
        if self._foreign(entity.key):
            # The message names no account, nor what holds the id there.
            raise InvalidInput(
                f"{kind.lower()} `{name}`: id `{entity.key}` belongs to another account",
                f"{where}.{_ID_FIELDS[kind]}",
            )
        stored = self.view.get(entity.TABLE, entity.key)
        if blocked is not None:
            tally.conflicts += 1
            self.report.conflicts.append(Conflict(kind, name, blocked))
            return False
        # The rows held under the id; links and field rows may outlive a deleted entity.
        current = current_of(entity)
        other = same_name if same_name is not None and same_name.key != entity.key else None
        if other is None and stored is not None and set(current) == set(desired):
            tally.unchanged += 1
            return True
        if other is not None or stored is not None:
            if not self.overwrite:
                tally.conflicts += 1
                reason = (
                    f"the account has another {kind.lower()} named `{name}` (id `{other.key}`)"
                    if other is not None
                    else f"the account's {kind.lower()} with id `{entity.key}` differs"
                )
                self.report.conflicts.append(Conflict(kind, name, reason))
                return False
            tally.replaced += 1
            if other is not None:
                self.superseded.append((kind, other, entity, where))
        else:
            tally.created += 1
        # Whatever the entity will not have goes: the other entity of its name, the rows it
        # held, and any leftover of a deleted entity with its id (never inherited).
        removed: list[Row] = current_of(other) if other is not None else []
        wanted = {(row.TABLE, row.key) for row in desired}
        for row in [*removed, *current]:
            if (row.TABLE, row.key) not in wanted:
                self.changes.append(Change.delete(row))
        self.changes += [Change.put(row) for row in desired if row not in current]
        return True

    def _in_use(self, entity_id: str) -> bool:
        """Whether an entity of any account, or of the input, holds `entity_id`."""
        return entity_id in self.input_ids or _account_of(self.view, entity_id) is not None

    def _foreign(self, entity_id: str) -> bool:
        """Whether this replica knows `entity_id` as another account's (or AWS's).

        AWS never reuses a unique id (https://docs.aws.amazon.com/IAM/latest/UserGuide/
        reference_identifiers.html#identifiers-unique-ids), and links and trust policy pins
        name ids: an import taking the id of another account's user, role, group or policy,
        live or deleted, would inherit what points at it there (memberships, attachments,
        trust). The replica knows an id as another account's by
        the row that holds it, or, once it is deleted (a tombstone keeps no account), by what
        still names it: a link whose other end is another account's, a trust policy of
        another account pinning it, a credential of another account it owned.

        This check is the first line only. A replica cannot know every id ever used: a
        delete's rows are purged after a grace period, and a peer may hold a row or link this
        node has not seen yet. What holds whatever arrives later is that every link and pin
        is followed only within its own account (`View.managed_policy`, `_Named.live`,
        principal_pins.current_names): an id taken anyway reaches nothing of its former
        account's.
        """
        if entity_id in self.view.aws_policies().by_id:
            return True
        # An AWS managed policy at the other end of a link is no evidence: every account
        # may attach one.
        known = _holders(self.view, entity_id)
        return any(account not in (self.account, AWS_ACCOUNT) for account in known)

    # --- what the account holds under one entity's id ---------------------------------------

    def _common(self, entity: Row, entity_id: str) -> list[Row]:
        rows: list[Row] = [*self.view.fields_of(entity).values()]
        rows += self.view.inline.get(entity_id, {}).values()
        rows += [Attachment(entity_id, p) for p in self.view.attachments.of(entity_id)]
        boundary = self.view.boundaries.get(entity_id)
        if boundary is not None:
            rows.append(boundary)
        return rows

    def _held(self, entity: Row) -> list[Row]:
        row = self.view.get(entity.TABLE, entity.key)
        return [] if row is None else [row]

    def _current_user(self, user: Row) -> list[Row]:
        members = [Membership(g, user.key) for g in self.view.members.to(user.key)]
        held = self._held(user)
        # A password a deleted user left (a CreateLoginProfile racing DeleteUser) names no
        # account: it goes with the other leftovers, or the imported user would sign in
        # with it. A live user's password is its own, and blocks a replace (`_credentials`).
        profile = self.view.login_profiles.get(user.key) if not held else None
        left = [] if profile is None else [profile]
        return [*held, *self._common(user, user.key), *members, *left]

    def _current_group(self, group: Row) -> list[Row]:
        return [*self._held(group), *self._common(group, group.key)]

    def _current_role(self, role: Row) -> list[Row]:
        return [*self._held(role), *self._common(role, role.key)]

    def _current_profile(self, profile: Row) -> list[Row]:
        links = [ProfileRole(profile.key, r) for r in self.view.profile_roles.of(profile.key)]
        return [*self._held(profile), *self.view.fields_of(profile).values(), *links]

    def _current_policy(self, policy: Row) -> list[Row]:
        rows: list[Row] = [*self._held(policy), *self.view.fields_of(policy).values()]
        rows += self.view.version_rows(policy.key).values()
        default = self.view.defaults.get(policy.key)
        return rows if default is None else [*rows, default]

    # --- references -----------------------------------------------------------------------

    def _policy_id(self, arn: str, owner: str, where: str) -> str | None:
        """The id a reference to policy `arn` links to; None when that policy was skipped."""
        if arn in self.policy_ids:
            return self.policy_ids[arn]
        found = self.view.policy_by_arn(arn)
        if found is None or found.account_id not in (self.account, AWS_ACCOUNT):
            kind = "AWS managed policy" if is_aws_policy_arn(arn) else "policy"
            raise NoSuchEntity(f"{owner}: {kind} `{arn}` does not exist", where)
        return found.policy_id

    def _links(
        self, entity_id: str, attached: Sequence[str], boundary: str | None, owner: str, where: str
    ) -> tuple[list[Row], str | None]:
        """Attachment and boundary rows, or the reason the entity must be skipped."""
        rows: list[Row] = []
        for index, arn in enumerate(attached):
            policy_id = self._policy_id(arn, owner, f"{where}.AttachedManagedPolicies[{index}]")
            if policy_id is None:
                return [], f"it attaches policy `{arn}`, which was skipped"
            rows.append(Attachment(entity_id, policy_id))
        if boundary is not None:
            policy_id = self._policy_id(boundary, owner, f"{where}.PermissionsBoundary")
            if policy_id is None:
                return [], f"its permissions boundary `{boundary}` was skipped"
            rows.append(Boundary(entity_id, policy_id))
        return rows, None

    def _pins(self, role: ImportedRole, user_ids: dict[str, str]) -> tuple[tuple[str, str], ...]:
        """The role trust policy's pins, naming the imported users and roles by their ids: the
        same rule as CreateRole's (node.domain.principal_pins), with the input's principals
        counted as existing. A principal of another account is not pinned (iamstore cannot
        know it); one of this account that exists nowhere is refused, as AWS refuses it."""
        for _, unique_id in role.deleted:
            # A bare id stands for a deleted principal (`stand_in_deleted`): one held by an
            # entity, here or in the input, is not deleted, and a stand-in for it would
            # show the holder's ARN in GetRole, whichever account it is in.
            if self._in_use(unique_id):
                raise InvalidInput(
                    f"role `{role.role.name}`: Invalid principal in policy: `{unique_id}` "
                    "(a principal named by its unique id alone must be deleted, and this "
                    "id is in use)",
                    f"{role.where}.AssumeRolePolicyDocument",
                )
        pins: dict[str, str] = dict(role.deleted)
        roles_by_arn = self.role_arns
        for statement in role.trust.statements:
            for spec in (statement.principal, statement.not_principal):
                for key, values in () if spec is None else spec.entries:
                    if key is not PrincipalKey.AWS:
                        continue
                    for value in values:
                        match = _PRINCIPAL_ARN.match(value)
                        if match is None or value in pins or match.group(1) != self.account:
                            continue
                        found = (user_ids if match.group(2) == "user" else roles_by_arn).get(value)
                        if found is None:
                            entity = (
                                self.view.users.named(self.account, match.group(3))
                                if match.group(2) == "user"
                                else self.view.roles.named(self.account, match.group(3))
                            )
                            found = None if entity is None or entity.arn != value else entity.key
                        if found is None:
                            raise InvalidInput(
                                f"role `{role.role.name}`: Invalid principal in policy: `{value}`",
                                f"{role.where}.AssumeRolePolicyDocument",
                            )
                        pins[value] = found
        return tuple(sorted(pins.items()))

    # --- kinds, in dependency order --------------------------------------------------------

    def policies(self) -> None:
        for item in self.records.policies:
            p = item.policy
            existing = self.view.get(ManagedPolicy.TABLE, p.policy_id)
            if isinstance(existing, ManagedPolicy):
                p = replace(p, home=existing.home)  # which node numbers its plain ids
            default = next(v for v in item.versions if v.version_id == item.default_version_id)
            pointer = DefaultVersion(
                p.policy_id,
                default.version_id,
                default.document,
                default.created_ms,
                item.update_ms,
            )
            desired: list[Row] = [p, *item.versions, pointer]
            same_name = self.view.policies.named(self.account, p.name)
            kept = self._settle(
                "Policy", p.arn, item.where, p, desired, self._current_policy, same_name
            )
            self.policy_ids[p.arn] = p.policy_id if kept else None
            if kept:
                self._version_counter(p, item.versions)

    def _version_counter(self, p: ManagedPolicy, versions: Iterable[PolicyVersion]) -> None:
        """A counter row, so that no version created later reuses an imported number."""
        highest = max(version_number(v.version_id)[0] for v in versions)
        if high_water_mark(self.view, p.policy_id) < highest:
            self.changes.append(Change.put(VersionCounter(p.policy_id, self.ctx.origin, highest)))

    def groups(self) -> None:
        for item in self.records.groups:
            g = item.group
            links, blocked = self._links(
                g.group_id, item.attached, None, f"group `{g.name}`", item.where
            )
            desired: list[Row] = [g, *item.inline, *links]
            same_name = self.view.groups.named(self.account, g.name)
            kept = self._settle(
                "Group", g.name, item.where, g, desired, self._current_group, same_name, blocked
            )
            self.group_ids[g.name.lower()] = g.group_id if kept else None

    def roles(self) -> None:
        user_ids = {u.user.arn: u.user.user_id for u in self.records.users}
        for item in self.records.roles:
            r = replace(item.role, trust_pins=self._pins(item, user_ids))
            links, blocked = self._links(
                r.role_id, item.attached, item.boundary, f"role `{r.name}`", item.where
            )
            desired: list[Row] = [r, *item.inline, *links]
            same_name = self.view.roles.named(self.account, r.name)
            kept = self._settle(
                "Role", r.name, item.where, r, desired, self._current_role, same_name, blocked
            )
            self.role_ids[r.role_id] = r.role_id if kept else None

    def profiles(self) -> None:
        for item in self.records.profiles:
            p = item.profile
            blocked = None
            for role_id in item.role_ids:
                if role_id not in self.role_ids:
                    found = self.view.roles.get(role_id)
                    if found is None or found.account_id != self.account:
                        raise NoSuchEntity(
                            f"instance profile `{p.name}`: role `{role_id}` does not exist",
                            f"{item.where}.Roles",
                        )
                elif self.role_ids[role_id] is None:
                    blocked = f"its role `{role_id}` was skipped"
            desired: list[Row] = [
                p,
                *(ProfileRole(p.instance_profile_id, r) for r in item.role_ids),
            ]
            same_name = self.view.instance_profiles.named(self.account, p.name)
            self._settle(
                "InstanceProfile",
                p.name,
                item.where,
                p,
                desired,
                self._current_profile,
                same_name,
                blocked,
            )

    def users(self) -> None:
        for item in self.records.users:
            u = item.user
            owner = f"user `{u.name}`"
            links, blocked = self._links(u.user_id, item.attached, item.boundary, owner, item.where)
            for index, name in enumerate(item.groups):
                group_id = self._group_id(name, owner, f"{item.where}.GroupList[{index}]")
                if group_id is None:
                    blocked = blocked or f"its group `{name}` was skipped"
                else:
                    links.append(Membership(group_id, u.user_id))
            desired: list[Row] = [u, *item.inline, *links]
            same_name = self.view.users.named(self.account, u.name)
            if blocked is None and same_name is not None and same_name.key != u.user_id:
                blocked = _credentials(self.view, same_name.key)
            self._settle(
                "User", u.name, item.where, u, desired, self._current_user, same_name, blocked
            )

    def _group_id(self, name: str, owner: str, where: str) -> str | None:
        if name.lower() in self.group_ids:
            return self.group_ids[name.lower()]
        found = self.view.groups.named(self.account, name)
        if found is None:
            raise NoSuchEntity(f"{owner}: group `{name}` does not exist", where)
        return found.group_id

    def check_quotas(self) -> None:
        quotas = self.ctx.quotas
        tallies = self.report.tallies
        for kind, count, quota in (
            ("Policy", self.view.policies.count(self.account), quotas.policies_per_account),
            ("Group", self.view.groups.count(self.account), quotas.groups_per_account),
            ("Role", self.view.roles.count(self.account), quotas.roles_per_account),
            (
                "InstanceProfile",
                self.view.instance_profiles.count(self.account),
                quotas.instance_profiles_per_account,
            ),
            ("User", self.view.users.count(self.account), quotas.users_per_account),
        ):
            if count + tallies[kind].created > quota:
                raise LimitExceeded(
                    f"importing {tallies[kind].created} more of kind {kind} into an account "
                    f"holding {count} would exceed its quota of {quota}",
                    kind,
                )


_ID_FIELDS = {
    "Policy": "PolicyId",
    "Group": "GroupId",
    "Role": "RoleId",
    "InstanceProfile": "InstanceProfileId",
    "User": "UserId",
}
_ENTITY_TABLES = (
    User.TABLE,
    Group.TABLE,
    Role.TABLE,
    ManagedPolicy.TABLE,
    InstanceProfile.TABLE,
)


def _account_of(view: View, entity_id: str) -> str | None:
    """The account of the user, group, role, policy or instance profile stored (visible or
    not) under `entity_id`; AWS_ACCOUNT for an AWS managed policy; None when none is."""
    for table in _ENTITY_TABLES:
        row = view.get(table, entity_id)
        if isinstance(row, User | Group | Role | ManagedPolicy | InstanceProfile):
            return row.account_id
    return AWS_ACCOUNT if entity_id in view.aws_policies().by_id else None


def _holders(view: View, entity_id: str) -> Iterator[str]:
    """Every account this replica knows `entity_id` by: the row under it, the entities and
    policies at the other end of its links (a link never crosses accounts), the accounts
    trust policies pinned it in (the pin's ARN says, whichever account's role holds it), and
    the credentials it owned (AWS_ACCOUNT for an AWS managed policy)."""
    boundary = view.boundaries.get(entity_id)
    ends = [
        entity_id,
        *view.attachments.of(entity_id),
        *view.attachments.to(entity_id),
        *([] if boundary is None else [boundary.policy_id]),
        *view.boundary_users.get(entity_id, ()),
        *view.members.of(entity_id),
        *view.members.to(entity_id),
        *view.profile_roles.of(entity_id),
        *view.profile_roles.to(entity_id),
    ]
    for account in map(partial(_account_of, view), ends):
        if account is not None:
            yield account
    for role_id in view.pinned_by.get(entity_id, ()):
        role = view.shown(Role.TABLE, role_id)
        pins = role.trust_pins if isinstance(role, Role) else ()
        for written in (written for written, pinned in pins if pinned == entity_id):
            account = pinned_account(written)
            if account is not None:
                yield account
    owned: list[AccessKey | MfaDevice | SigningCertificate | SshPublicKey | ServiceCredential]
    owned = [view.access_keys[k] for k in view.keys_of.get(entity_id, ())]
    owned += filter(None, map(view.mfa_devices.get, view.mfa_of.get(entity_id, ())))
    owned += [view.signing_certificates[k] for k in view.signing_certificates_of.get(entity_id, ())]
    owned += [view.ssh_public_keys[k] for k in view.ssh_public_keys_of.get(entity_id, ())]
    owned += [view.service_credentials[k] for k in view.service_credentials_of.get(entity_id, ())]
    yield from (credential.account_id for credential in owned)


def _credentials(view: View, user_id: str) -> str | None:
    """Why a user cannot be replaced by another of its name: what only it can use."""
    held = (
        view.keys_of.get(user_id),
        user_id in view.login_profiles,
        view.mfa_of.get(user_id),
        view.signing_certificates_of.get(user_id),
        view.ssh_public_keys_of.get(user_id),
        view.service_credentials_of.get(user_id),
    )
    if any(held):
        return (
            f"the account's user of this name (id `{user_id}`) has credentials; delete its "
            "access keys, password, MFA devices, certificates and SSH keys first"
        )
    return None


def plan(
    view: View, ctx: WriteContext, records: AccountRecords, overwrite: bool
) -> tuple[list[Change], Report]:
    """The changes that make the account hold `records`, and what they do per entity kind.

    `overwrite` (the CLI's --replace) rewrites conflicting entities instead of skipping them.
    """
    entities, report = plan_entities(view, ctx, records, overwrite)
    return [change for changes in entities for change in changes], report


def plan_entities(
    view: View, ctx: WriteContext, records: AccountRecords, overwrite: bool
) -> tuple[list[tuple[Change, ...]], Report]:
    """`plan`'s changes, grouped by the entity they create or overwrite, in dependency order
    (policies, groups, roles, instance profiles, users).

    A group is what must land together: written in one commit, a replaced entity is never
    seen, here or on a peer, with its old rows gone and its new ones not there yet (say its
    old Deny detached, the new one not attached yet).
    """
    check_values(records)
    planner = _Planner(view, ctx, records, overwrite)
    planner.policies()
    planner.groups()
    planner.roles()
    planner.profiles()
    planner.users()
    planner.check_quotas()
    bounds = [*planner.entity_starts, len(planner.changes)]
    entities = [planner.changes[start:end] for start, end in itertools.pairwise(bounds)]
    # The same row may be planned twice (a replaced entity's old link that the new one has
    # too); the last image of each (table, key) is the one that counts, and it goes with the
    # last entity that planned it.
    last: dict[tuple[str, str], tuple[int, int]] = {}
    for entity, changes in enumerate(entities):
        for index, change in enumerate(changes):
            last[(change.table, change.key)] = (entity, index)
    final = {key: entities[entity][index] for key, (entity, index) in last.items()}
    superseded = [
        (kind, old, new, f"{where}.{_ID_FIELDS[kind]}")
        for kind, old, new, where in planner.superseded
    ]
    check_no_links_left(view, ctx.account_id, final, superseded)
    kept = (
        tuple(
            change
            for index, change in enumerate(changes)
            if last[(change.table, change.key)] == (entity, index)
        )
        for entity, changes in enumerate(entities)
    )
    return [changes for changes in kept if changes], planner.report
