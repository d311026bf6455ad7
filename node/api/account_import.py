"""AccountTransfer.ImportAccount: checks each part of an account import as the Create*
operations check their input, stages it, and writes the whole import with its last part.

Every field goes through the same checks as the operation that would create it: AWS's model
(node.api.validation, via the Create*/Put*/Attach* request it would take), the policy grammar
and size quotas, the tag rules. An error names the entity and where it is in the input
(`RoleDetailList[12].AssumeRolePolicyDocument`), drops the staged parts, and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from iamstore.node.api import convert, validation
from iamstore.node.api.call import Call
from iamstore.node.api.dispatch import Handler, registrar
from iamstore.node.api.import_staging import StagedPart
from iamstore.node.auth.import_targets import import_targets
from iamstore.node.domain import account_import, documents, protected
from iamstore.node.domain.account_import import (
    AccountRecords,
    ImportedGroup,
    ImportedPolicy,
    ImportedProfile,
    ImportedRole,
    ImportedUser,
    Report,
    stand_in_deleted,
)
from iamstore.node.domain.aws_policies import is_aws_policy_arn
from iamstore.node.domain.entities import (
    Change,
    Group,
    InlinePolicy,
    InstanceProfile,
    ManagedPolicy,
    PolicyVersion,
    Role,
    User,
    policy_arn,
)
from iamstore.node.domain.errors import AccessDenied, IamError, InvalidInput, LimitExceeded
from iamstore.node.domain.protected import check_imported_service_role
from iamstore.node.domain.roles import check_trust_document
from iamstore.node.domain.rules import (
    Quotas,
    check_managed_policy_size,
    check_tags,
    policy_size,
)
from iamstore.node.domain.versions import VERSION_ID
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext
from iamstore.node.policy import PolicyKind
from iamstore.node.state.writer import CommitBounds
from iamstore.v1 import iam_pb2 as pb
from iamstore.v1 import transfer_pb2 as tpb

HANDLERS: dict[str, Handler] = {}
op = registrar(HANDLERS)
SERVICE = tpb.DESCRIPTOR.services_by_name["AccountTransfer"]

# Each commit of an import: its rows within 256 KiB, well within what one gossip push carries
# (2 MiB), and at most 64 of them, so that applying one (indexing its rows, compiling its
# policy documents) keeps the event loop some 40 ms at most, not seconds (docs/benchmarks.md,
# `scripts/bench importloop`); 8 commits to a transaction (one sync to disk).
COMMIT_BOUNDS = CommitBounds(max_bytes=256 << 10, max_rows=64, per_transaction=8)
# AWS managed policies an input may list (those in use; AWS publishes about 1,500).
MAX_AWS_POLICIES = 5_000
# The unique id prefixes AWS gives each kind ("Unique identifiers", IAM identifiers page:
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-prefixes).
_PREFIX = {
    "User": "AIDA",
    "Group": "AGPA",
    "Role": "AROA",
    "Policy": "ANPA",
    "InstanceProfile": "AIPA",
}


class _Checker:
    """Turns detail messages into import records, checking each as its Create* would."""

    def __init__(self, ctx: WriteContext) -> None:
        self.ctx = ctx
        self.account = ctx.account_id

    def model(self, operation: str, request: Message, where: str, what: str) -> None:
        try:
            validation.validate(operation, request)
        except IamError as err:
            raise type(err)(f"{what}: {err.message}", _at(where, err.field)) from None

    def domain(self, where: str, what: str, check: Callable[[], object]) -> None:
        """Runs `check`, naming the entity in its error."""
        try:
            check()
        except IamError as err:
            raise type(err)(f"{what}: {err.message}", _at(where, err.field)) from None

    def identity(self, kind: str, entity_id: str, arn: str, expected_arn: str, where: str) -> None:
        what = f"{where}: {kind}"
        validation.check_shape("iam", "idType", entity_id, f"{where}.{kind}Id")
        if not entity_id.startswith(_PREFIX[kind]):
            raise InvalidInput(
                f"{what}: id `{entity_id}` does not start with `{_PREFIX[kind]}`",
                f"{where}.{kind}Id",
            )
        if arn != expected_arn:
            raise InvalidInput(
                f"{what}: ARN `{arn}` is not `{expected_arn}` (an import keeps ARNs, so the "
                f"input must be account {self.account}'s)",
                f"{where}.Arn",
            )

    def created_ms(self, message: Message, name: str, where: str, what: str) -> int:
        if not message.HasField(name):
            raise InvalidInput(f"{what}: no date", f"{where}.{_pascal(name)}")
        stamp = getattr(message, name)
        assert isinstance(stamp, Timestamp)
        return int(stamp.seconds) * 1000 + int(stamp.nanos) // 1_000_000

    def inline(
        self,
        details: Sequence[pb.PolicyDetail],
        owner_id: str,
        operation: str,
        make: Callable[..., Message],
        owner_field: str,
        owner_name: str,
        quota: tuple[str, int],
        where: str,
        what: str,
    ) -> tuple[InlinePolicy, ...]:
        # The owner's size quota first: it bounds how much is parsed below.
        total = sum(policy_size(d.policy_document) for d in details)
        if total > quota[1]:
            raise LimitExceeded(
                f"{what}: Maximum policy size of {quota[1]} bytes exceeded (quota {quota[0]})",
                where,
            )
        found: dict[str, InlinePolicy] = {}
        for index, detail in enumerate(details):
            here = f"{where}.{operation[3:-6]}PolicyList[{index}]"
            request = make(
                **{owner_field: owner_name},
                policy_name=detail.policy_name,
                policy_document=detail.policy_document,
            )
            self.model(operation, request, here, what)
            self.domain(
                here, what, partial(documents.check, detail.policy_document, PolicyKind.IDENTITY)
            )
            if detail.policy_name in found:
                raise InvalidInput(
                    f"{what}: two inline policies named `{detail.policy_name}`", here
                )
            found[detail.policy_name] = InlinePolicy(
                owner_id, detail.policy_name, detail.policy_document
            )
        return tuple(found.values())

    def attached(
        self,
        policies: Sequence[pb.AttachedPolicy],
        operation: str,
        make: Callable[..., Message],
        owner_field: str,
        owner_name: str,
        where: str,
        what: str,
    ) -> tuple[str, ...]:
        # INVARIANT: the quota is checked before any entry is: an entity may list some 10^5
        # ARNs in one part, and each check costs a model validation. A dict (linear) keeps
        # each ARN once, at its first place in the input.
        first = _first_places(attached.policy_arn for attached in policies)
        if len(first) > self.ctx.quotas.managed_policies_per_entity:
            raise LimitExceeded(
                f"{what}: Cannot exceed quota for PoliciesPerUser: "
                f"{self.ctx.quotas.managed_policies_per_entity}",
                f"{where}.AttachedManagedPolicies",
            )
        for arn, index in first.items():
            here = f"{where}.AttachedManagedPolicies[{index}]"
            self.model(operation, make(**{owner_field: owner_name}, policy_arn=arn), here, what)
        return tuple(first)

    def bound_tags(self, tags: Sequence[pb.Tag], where: str, what: str) -> None:
        """More tags than an entity may hold are refused before the model checks each."""
        if len(tags) > self.ctx.quotas.tags_per_entity:
            raise LimitExceeded(
                f"{what}: the number of tags has reached the maximum limit of "
                f"{self.ctx.quotas.tags_per_entity}",
                f"{where}.Tags",
            )

    def tags(
        self, tags: Sequence[pb.Tag], where: str, what: str, *, ignore_case: bool = False
    ) -> tuple[tuple[str, str], ...]:
        """The entity's tags, as its CreateX checks them (`ignore_case`: a user's or role's)."""
        pairs = convert.tag_pairs(tags)
        self.domain(
            where, what, lambda: check_tags((), pairs, self.ctx.quotas, ignore_case=ignore_case)
        )
        return tuple(pairs)

    def user(self, d: pb.UserDetail, where: str) -> ImportedUser:
        what = f"{where}: user `{d.user_name}`"
        self.bound_tags(d.tags, where, what)
        boundary = (
            d.permissions_boundary.permissions_boundary_arn
            if d.HasField("permissions_boundary")
            else None
        )
        self.model(
            "CreateUser",
            pb.CreateUserRequest(
                path=d.path, user_name=d.user_name, permissions_boundary=boundary, tags=d.tags
            ),
            where,
            what,
        )
        arn = f"arn:aws:iam::{self.account}:user{d.path}{d.user_name}"
        self.identity("User", d.user_id, d.arn, arn, where)
        user = User(
            d.user_id,
            self.account,
            d.user_name,
            d.path,
            self.created_ms(d, "create_date", where, what),
            self.tags(d.tags, where, what, ignore_case=True),
        )
        groups = _first_places(d.group_list)  # the quota first, as for attached policies
        if len(groups) > self.ctx.quotas.groups_per_user:
            raise LimitExceeded(
                f"{what}: Cannot exceed quota for GroupsPerUser: {self.ctx.quotas.groups_per_user}",
                f"{where}.GroupList",
            )
        for group, index in groups.items():
            request = pb.AddUserToGroupRequest(group_name=group, user_name=d.user_name)
            self.model("AddUserToGroup", request, f"{where}.GroupList[{index}]", what)
        return ImportedUser(
            where,
            user,
            self.inline(
                d.user_policy_list,
                d.user_id,
                "PutUserPolicy",
                pb.PutUserPolicyRequest,
                "user_name",
                d.user_name,
                ("UserPolicySize", self.ctx.quotas.user_inline_chars),
                where,
                what,
            ),
            self.attached(
                d.attached_managed_policies,
                "AttachUserPolicy",
                pb.AttachUserPolicyRequest,
                "user_name",
                d.user_name,
                where,
                what,
            ),
            boundary,
            tuple(groups),
        )

    def group(self, d: pb.GroupDetail, where: str) -> ImportedGroup:
        what = f"{where}: group `{d.group_name}`"
        self.model(
            "CreateGroup", pb.CreateGroupRequest(path=d.path, group_name=d.group_name), where, what
        )
        arn = f"arn:aws:iam::{self.account}:group{d.path}{d.group_name}"
        self.identity("Group", d.group_id, d.arn, arn, where)
        group = Group(
            d.group_id,
            self.account,
            d.group_name,
            d.path,
            self.created_ms(d, "create_date", where, what),
        )
        return ImportedGroup(
            where,
            group,
            self.inline(
                d.group_policy_list,
                d.group_id,
                "PutGroupPolicy",
                pb.PutGroupPolicyRequest,
                "group_name",
                d.group_name,
                ("GroupPolicySize", self.ctx.quotas.group_inline_chars),
                where,
                what,
            ),
            self.attached(
                d.attached_managed_policies,
                "AttachGroupPolicy",
                pb.AttachGroupPolicyRequest,
                "group_name",
                d.group_name,
                where,
                what,
            ),
        )

    def role(self, d: pb.RoleDetail, where: str) -> tuple[ImportedRole, list[ImportedProfile]]:
        what = f"{where}: role `{d.role_name}`"
        self.bound_tags(d.tags, where, what)
        boundary = (
            d.permissions_boundary.permissions_boundary_arn
            if d.HasField("permissions_boundary")
            else None
        )
        # GetAccountAuthorizationDetails shows a role's description and session limit only
        # inside its instance profiles (AWS's RoleDetail has neither).
        listed = [r for p in d.instance_profile_list for r in p.roles if r.role_id == d.role_id]
        description = next((r.description for r in listed if r.HasField("description")), None)
        duration = next(
            (r.max_session_duration for r in listed if r.HasField("max_session_duration")), None
        )
        self.model(
            "CreateRole",
            pb.CreateRoleRequest(
                path=d.path,
                role_name=d.role_name,
                assume_role_policy_document=d.assume_role_policy_document,
                description=description,
                max_session_duration=duration,
                permissions_boundary=boundary,
                tags=d.tags,
            ),
            where,
            what,
        )
        arn = f"arn:aws:iam::{self.account}:role{d.path}{d.role_name}"
        self.identity("Role", d.role_id, d.arn, arn, where)
        document, deleted = stand_in_deleted(d.assume_role_policy_document, self.account)
        try:
            trust = check_trust_document(document, self.ctx)
        except IamError as err:
            raise type(err)(f"{what}: {err.message}", _at(where, err.field)) from None
        self.domain(where, what, partial(check_imported_service_role, d.path, trust, boundary))
        role = Role(
            role_id=d.role_id,
            account_id=self.account,
            name=d.role_name,
            path=d.path,
            created_ms=self.created_ms(d, "create_date", where, what),
            trust_policy=document,
            description=description,
            max_session_duration=3600 if duration is None else duration,
            tags=self.tags(d.tags, where, what, ignore_case=True),
        )
        imported = ImportedRole(
            where,
            role,
            trust,
            self.inline(
                d.role_policy_list,
                d.role_id,
                "PutRolePolicy",
                pb.PutRolePolicyRequest,
                "role_name",
                d.role_name,
                ("RolePolicySize", self.ctx.quotas.role_inline_chars),
                where,
                what,
            ),
            self.attached(
                d.attached_managed_policies,
                "AttachRolePolicy",
                pb.AttachRolePolicyRequest,
                "role_name",
                d.role_name,
                where,
                what,
            ),
            boundary,
            deleted,
        )
        profiles = [
            self.profile(p, f"{where}.InstanceProfileList[{index}]")
            for index, p in enumerate(d.instance_profile_list)
        ]
        return imported, profiles

    def profile(self, d: pb.InstanceProfile, where: str) -> ImportedProfile:
        what = f"{where}: instance profile `{d.instance_profile_name}`"
        self.bound_tags(d.tags, where, what)
        self.model(
            "CreateInstanceProfile",
            pb.CreateInstanceProfileRequest(
                instance_profile_name=d.instance_profile_name, path=d.path, tags=d.tags
            ),
            where,
            what,
        )
        arn = f"arn:aws:iam::{self.account}:instance-profile{d.path}{d.instance_profile_name}"
        self.identity("InstanceProfile", d.instance_profile_id, d.arn, arn, where)
        role_ids = tuple(dict.fromkeys(r.role_id for r in d.roles))
        if len(role_ids) > self.ctx.quotas.roles_per_instance_profile:
            raise LimitExceeded(
                f"{what}: Cannot exceed quota for InstanceSessionsPerInstanceProfile: "
                f"{self.ctx.quotas.roles_per_instance_profile}",
                f"{where}.Roles",
            )
        profile = InstanceProfile(
            d.instance_profile_id,
            self.account,
            d.instance_profile_name,
            d.path,
            self.created_ms(d, "create_date", where, what),
            self.tags(d.tags, where, what),
        )
        return ImportedProfile(where, profile, role_ids)

    def policy(self, d: pb.ManagedPolicyDetail, where: str) -> ImportedPolicy:
        what = f"{where}: policy `{d.policy_name}`"
        versions: dict[str, PolicyVersion] = {}
        default_document = next(
            (v.document for v in d.policy_version_list if v.version_id == d.default_version_id), ""
        )
        self.model(
            "CreatePolicy",
            pb.CreatePolicyRequest(
                policy_name=d.policy_name,
                path=d.path,
                policy_document=default_document,
                description=d.description if d.HasField("description") else None,
            ),
            where,
            what,
        )
        arn = policy_arn(self.account, d.path, d.policy_name)
        self.identity("Policy", d.policy_id, d.arn, arn, where)
        if len(d.policy_version_list) > self.ctx.quotas.versions_per_policy:
            raise LimitExceeded(
                f"{what}: A managed policy can have up to {self.ctx.quotas.versions_per_policy} "
                "versions",
                f"{where}.PolicyVersionList",
            )
        for index, v in enumerate(d.policy_version_list):
            here = f"{where}.PolicyVersionList[{index}]"
            request = pb.CreatePolicyVersionRequest(policy_arn=arn, policy_document=v.document)
            self.model("CreatePolicyVersion", request, here, what)
            if VERSION_ID.fullmatch(v.version_id) is None or v.version_id in versions:
                raise InvalidInput(
                    f"{what}: bad or repeated version id `{v.version_id}`", f"{here}.VersionId"
                )
            if v.is_default_version != (v.version_id == d.default_version_id):
                raise InvalidInput(
                    f"{what}: IsDefaultVersion of `{v.version_id}` disagrees with "
                    f"DefaultVersionId `{d.default_version_id}`",
                    f"{here}.IsDefaultVersion",
                )
            self.domain(
                here, what, partial(documents.check, v.document, PolicyKind.IDENTITY, "Document")
            )
            self.domain(here, what, partial(check_managed_policy_size, v.document, self.ctx.quotas))
            versions[v.version_id] = PolicyVersion(
                d.policy_id, v.version_id, v.document, self.created_ms(v, "create_date", here, what)
            )
        if d.default_version_id not in versions:
            raise InvalidInput(
                f"{what}: default version `{d.default_version_id}` is not among its versions",
                f"{where}.DefaultVersionId",
            )
        created = self.created_ms(d, "create_date", where, what)
        policy = ManagedPolicy(
            d.policy_id,
            self.account,
            d.policy_name,
            d.path,
            created,
            home=self.ctx.origin,
            description=d.description if d.HasField("description") else None,
        )
        updated = self.created_ms(d, "update_date", where, what)
        return ImportedPolicy(
            where, policy, tuple(versions.values()), d.default_version_id, updated
        )


def _first_places(values: Iterable[str]) -> dict[str, int]:
    """Each distinct value, in input order, with the index of its first place."""
    first: dict[str, int] = {}
    for index, value in enumerate(values):
        first.setdefault(value, index)
    return first


def _at(where: str, field: str | None) -> str:
    """The place in the input of an error about `field` of the entity at `where`."""
    return where if not field else f"{where}.{field}"


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def check_part(
    req: tpb.ImportAccountRequest, ctx: WriteContext, before: StagedCounts
) -> StagedPart:
    """One request's entities, checked; numbered after the `before` staged by earlier parts."""
    checker = _Checker(ctx)
    part = StagedPart()
    for index, d in enumerate(req.policies):
        if is_aws_policy_arn(d.arn):
            part.aws_policies += 1  # AWS's own: they exist here already, only attached
            continue
        part.policies.append(checker.policy(d, f"Policies[{before.policies + index}]"))
    for index, g in enumerate(req.group_detail_list):
        part.groups.append(checker.group(g, f"GroupDetailList[{before.groups + index}]"))
    for index, r in enumerate(req.role_detail_list):
        role, profiles = checker.role(r, f"RoleDetailList[{before.roles + index}]")
        part.roles.append(role)
        part.profiles += profiles
    for index, u in enumerate(req.user_detail_list):
        part.users.append(checker.user(u, f"UserDetailList[{before.users + index}]"))
    return part


def merge(parts: Sequence[StagedPart], ctx: WriteContext) -> AccountRecords:
    """All parts as one account: names and ids unique per kind, each instance profile once,
    each kind within a bound (its account quota: more could never be imported)."""
    policies = [p for part in parts for p in part.policies]
    groups = [g for part in parts for g in part.groups]
    roles = [r for part in parts for r in part.roles]
    users = [u for part in parts for u in part.users]
    profiles: dict[str, ImportedProfile] = {}
    for part in parts:
        for profile in part.profiles:
            seen = profiles.get(profile.profile.instance_profile_id)
            if seen is not None and (seen.profile, seen.role_ids) != (
                profile.profile,
                profile.role_ids,
            ):
                raise InvalidInput(
                    f"instance profile `{profile.profile.name}` is listed twice, differently",
                    profile.where,
                )
            profiles.setdefault(profile.profile.instance_profile_id, profile)
    _unique("Policy", [(p.where, p.policy.name, p.policy.policy_id) for p in policies])
    _unique("Group", [(g.where, g.group.name, g.group.group_id) for g in groups])
    _unique("Role", [(r.where, r.role.name, r.role.role_id) for r in roles])
    _unique("User", [(u.where, u.user.name, u.user.user_id) for u in users])
    _unique(
        "InstanceProfile",
        [(p.where, p.profile.name, p.profile.instance_profile_id) for p in profiles.values()],
    )
    return AccountRecords(
        tuple(policies), tuple(groups), tuple(roles), tuple(profiles.values()), tuple(users)
    )


def _unique(kind: str, entries: Sequence[tuple[str, str, str]]) -> None:
    names: set[str] = set()
    ids: set[str] = set()
    for where, name, entity_id in entries:
        if name.lower() in names or entity_id in ids:
            raise InvalidInput(f"{kind.lower()} `{name}` ({entity_id}) is listed twice", where)
        names.add(name.lower())
        ids.add(entity_id)


@dataclass(frozen=True, slots=True)
class StagedCounts:
    """Entities staged per kind: where the next part's are numbered from, and the bounds."""

    policies: int = 0
    groups: int = 0
    roles: int = 0
    users: int = 0
    profiles: int = 0  # entries of the roles' InstanceProfileLists (not among `total`)

    @staticmethod
    def of(parts: Sequence[StagedPart]) -> StagedCounts:
        return StagedCounts(
            sum(len(p.policies) + p.aws_policies for p in parts),
            sum(len(p.groups) for p in parts),
            sum(len(p.roles) for p in parts),
            sum(len(p.users) for p in parts),
            sum(len(p.profiles) for p in parts),
        )

    def plus(self, req: tpb.ImportAccountRequest) -> StagedCounts:
        """The counts once `req`'s entities are staged too."""
        return StagedCounts(
            self.policies + len(req.policies),
            self.groups + len(req.group_detail_list),
            self.roles + len(req.role_detail_list),
            self.users + len(req.user_detail_list),
            self.profiles + sum(len(r.instance_profile_list) for r in req.role_detail_list),
        )

    def total(self) -> int:
        return self.policies + self.groups + self.roles + self.users

    def check(self, quotas: Quotas) -> None:
        """No kind beyond its account quota: more could never be imported."""
        for kind, count, bound in (
            ("Policies", self.policies, quotas.policies_per_account + MAX_AWS_POLICIES),
            ("GroupDetailList", self.groups, quotas.groups_per_account),
            ("RoleDetailList", self.roles, quotas.roles_per_account),
            ("UserDetailList", self.users, quotas.users_per_account),
            (
                "RoleDetailList[].InstanceProfileList",
                self.profiles,
                quotas.instance_profiles_per_account * quotas.roles_per_instance_profile,
            ),
        ):
            if count > bound:
                raise LimitExceeded(f"an import may list at most {bound} entries in {kind}", kind)


def _response(report: Report, staged: int, commits: int) -> tpb.ImportAccountResponse:
    response = tpb.ImportAccountResponse(staged_entities=staged, commits=commits)
    for kind, tally in report.tallies.items():
        response.tallies.add(
            kind=kind,
            created=tally.created,
            unchanged=tally.unchanged,
            conflicts=tally.conflicts,
            replaced=tally.replaced,
        )
    for conflict in report.conflicts:
        response.conflicts.add(kind=conflict.kind, name=conflict.name, reason=conflict.reason)
    return response


@op("ImportAccount")
async def import_account(call: Call, req: tpb.ImportAccountRequest) -> tpb.ImportAccountResponse:
    if req.account_id != call.account_id:
        raise AccessDenied(
            f"User: {call.caller.arn} may import only into its own account "
            f"{call.account_id}, not `{req.account_id}`",
            "AccountId",
        )
    ctx = call.context()
    staging = call.components.imports
    part_number = req.part_number if req.HasField("part_number") else None
    part_count = req.part_count if req.HasField("part_count") else None
    try:
        # Room for the part, and its place in the import, before any work on it.
        staging.check_room(
            call.account_id, req.import_id, call.caller.arn, req.ByteSize(), ctx.now_ms
        )
        staging.check_position(
            call.account_id, req.import_id, call.caller.arn, part_number, part_count, req.commit
        )
        before = StagedCounts.of(staging.parts(call.account_id, req.import_id, call.caller.arn))
        # INVARIANT: the bounds hold before any entity is checked, so the work a part costs
        # is bounded by the quotas, not by how many small entities fit in 4 MiB.
        counts = before.plus(req)
        counts.check(ctx.quotas)
        # Pure and long (a part holds ~2,000 entities): off the event loop.
        part = await call.components.evaluations.run(lambda: check_part(req, ctx, before))
        pending = staging.add(
            call.account_id,
            req.import_id,
            call.caller.arn,
            part,
            req.ByteSize(),
            ctx.now_ms,
            part_number,
            part_count,
            req.commit,
        )
        if not req.commit:
            return tpb.ImportAccountResponse(staged_entities=counts.total())
    except IamError:
        staging.drop(call.account_id)
        raise
    staging.drop(call.account_id)  # the last part: what was held goes, whatever comes next
    parts = pending.parts
    # The caller's policies, gathered here on the event loop; None for the account root.
    asker = call.components.gate.batch(call.caller, call.environment())

    def planned(view: View) -> tuple[list[tuple[Change, ...]], Report]:
        # On the evaluation worker's thread, the view held still by the apply lock (seconds
        # of pure work for a full account: the event loop goes on serving meanwhile).
        records = merge(parts, ctx)
        if asker is not None:
            # INVARIANT: nothing is planned, so nothing written, unless every IAM action the
            # import stands for is allowed (iamstore:ImportAccount alone is outside iam:*,
            # so PowerUserAccess or a Deny on iam:* would not stop it).
            asker.require(import_targets(view, ctx.account_id, records, req.replace))
        entities, report = account_import.plan_entities(view, ctx, records, req.replace)
        # A service-linked role changes only through its service (`--replace` included).
        protected.check_changes_spare_protected(
            view, ctx.account_id, (change for changes in entities for change in changes)
        )
        return ([] if req.dry_run else entities), report

    report, token, commits = await call.components.writer.write_split(
        call.caller.arn, call.operation, planned, COMMIT_BOUNDS, call.components.evaluations.run
    )
    if token is not None:
        call.token = token
    return _response(report, counts.total(), commits)
