"""The authorization index: every principal's effective policies, compiled, kept in memory.

Documents are parsed and compiled when a commit that writes them is applied (and lazily
for what was loaded at start-up), keyed by their text, so the authorization path never parses
JSON or reads SQLite. A principal's assembled policy set (its own inline and attached
policies, its groups' policies, its boundary) is cached and dropped whenever a commit touches
anything it is assembled from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from iamstore.node.auth.supplied import SuppliedDocuments
from iamstore.node.commits.codec import Commit
from iamstore.node.domain.entities import (
    Group,
    InlinePolicy,
    ManagedPolicy,
    PolicyVersion,
    Role,
    User,
)
from iamstore.node.domain.view import View
from iamstore.node.policy import (
    CompiledPolicy,
    Policy,
    PolicyGroup,
    PolicyKind,
    compile_policy,
    parse_policy,
    pattern_count,
    renamed,
)
from iamstore.node.policy.errors import MalformedPolicyDocumentError

# Tables whose rows feed some principal's policy set.
_POLICY_TABLES = frozenset(
    {
        "inline_policy",
        "attachment",
        "membership",
        "boundary",
        "policy",
        "policy_default",
        "entity_field",  # renames of users, groups and roles (their policies' labels)
        "policy_version",
        "user",
        "group",
        "role",
    }
)
_COMPILED_LIMIT = 200_000

# What a permissions boundary whose policy is missing (deleted, hidden by a concurrent
# DeletePolicy) or unreadable allows: nothing. A boundary only narrows access, so losing its
# policy must never widen it; "no boundary" would (fail closed, docs/authorization.md; AWS:
# https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html).
MISSING_BOUNDARY = compile_policy(
    Policy(PolicyKind.BOUNDARY, "2012-10-17", ()), "missing-permissions-boundary"
)


@dataclass(frozen=True, slots=True)
class PrincipalPolicies:
    """What IAM evaluates for one principal: identity policies and the permissions boundary."""

    identity: tuple[CompiledPolicy, ...]
    boundary: CompiledPolicy | None
    # The identity policies as the authorization path scans them: one PolicyGroup, shared
    # with every principal that has the same policies; or, for a few, the policies themselves.
    scanned: tuple[CompiledPolicy | PolicyGroup, ...] = field(compare=False, repr=False)
    # pattern_count of the identity policies and the boundary, counted once per assembly.
    patterns: int = field(default=0, compare=False)


NO_POLICIES = PrincipalPolicies((), None, ())
# From this many identity policies on, a group pays: one lookup per decision instead of one
# per policy. Below it the group's own first lookup per action (building its index) would
# cost more than it saves for principals asked about rarely, and policies' own memos are
# shared by every principal that has them.
_GROUP_MIN = 3


class PolicyIndex:
    def __init__(self, view: View, supplied: SuppliedDocuments | None = None) -> None:
        self._view = view
        self._compiled: dict[tuple[str, PolicyKind, str], CompiledPolicy | None] = {}
        # One compile per distinct document text: many policies (and every version of a
        # policy re-applied) share a text; `_compiled` holds cheap renamed copies.
        self._documents: dict[tuple[PolicyKind, str], CompiledPolicy | None] = {}
        self._principals: dict[str, PrincipalPolicies] = {}
        self._supplied = supplied if supplied is not None else SuppliedDocuments()
        # Groups by the ids of their policies (INVARIANT: each group holds its policies, so
        # their ids stay unique while it is here); dropped with `_principals`.
        self._groups: dict[tuple[int, ...], PolicyGroup] = {}

    def on_commits(self, commits: Sequence[Commit]) -> None:
        """State listener: compiles new documents, and forgets assembled sets they affect."""
        touched = False
        for commit in commits:
            for change in commit.changes:
                if change.table not in _POLICY_TABLES:
                    continue
                touched = True
                row = change.row
                if isinstance(row, PolicyVersion):
                    policy = self._view.policies.get(row.policy_id)  # customer: rows
                    if policy is not None:
                        self._compile(policy.arn, PolicyKind.IDENTITY, row.document)
                elif isinstance(row, InlinePolicy):
                    owner = self._view.principal(row.owner_id)
                    if owner is not None:
                        label = f"{_label(owner)}/{row.name}"
                        self._compile(label, PolicyKind.IDENTITY, row.document)
        if touched:
            # Cheap to rebuild (every document stays compiled); correct whatever changed.
            self._principals.clear()
            self._groups.clear()

    def _compile(self, name: str, kind: PolicyKind, document: str) -> CompiledPolicy | None:
        key = (name, kind, document)
        if key in self._compiled:
            return self._compiled[key]
        if len(self._compiled) >= _COMPILED_LIMIT:
            self._compiled.clear()
        text = (kind, document)
        if text in self._documents:
            base = self._documents[text]
        else:
            if len(self._documents) >= _COMPILED_LIMIT:
                self._documents.clear()
            try:
                base = compile_policy(parse_policy(document, kind), name)
            except MalformedPolicyDocumentError:
                # Documents are validated when written; one that fails now (a newer grammar
                # on a peer, say) grants nothing rather than failing every request.
                base = None
            self._documents[text] = base
        compiled = None if base is None else renamed(base, name or base.source.id or "")
        self._compiled[key] = compiled
        return compiled

    def replica_document_known(self, kind: PolicyKind, document: str) -> bool:
        """Whether a replica document (a managed policy's version) is compiled as `kind`."""
        return (kind, document) in self._documents

    def keep_replica_document(
        self, kind: PolicyKind, document: str, compiled: CompiledPolicy | None
    ) -> None:
        """Keeps a replica document compiled elsewhere (on the evaluation worker)."""
        if (kind, document) in self._documents:
            return
        if len(self._documents) >= _COMPILED_LIMIT:
            self._documents.clear()
        self._documents[(kind, document)] = compiled

    def managed_session_policy(self, policy_id: str, account_id: str) -> CompiledPolicy | None:
        """A managed policy's default version as a session policy (PolicyArns), compiled
        once per text with the replica's own documents (never in the callers' cache: the
        replica's and AWS's policies are bounded by quotas, not chosen per request); None
        for a missing policy, one of another account than `account_id` (the session's; AWS's
        own are every account's), a missing default version or one that does not compile."""
        return self._managed(policy_id, account_id, PolicyKind.SESSION)

    def _managed(self, policy_id: str, account_id: str, kind: PolicyKind) -> CompiledPolicy | None:
        policy = self._view.managed_policy(policy_id, account_id)
        return None if policy is None else self._default_version(policy, kind)

    def _default_version(self, policy: ManagedPolicy, kind: PolicyKind) -> CompiledPolicy | None:
        version = self._view.default_version(policy.policy_id)
        if version is None:
            return None
        return self._compile(policy.arn, kind, version.document)

    def _own(self, entity: User | Group | Role) -> list[CompiledPolicy]:
        """The entity's inline policies and the policies attached to it.

        INVARIANT: links are followed only within the entity's account (or to AWS managed
        policies): `View.managed_policy` says why.
        """
        entity_id, label = entity.entity_id, _label(entity)
        found: list[CompiledPolicy] = []
        for name, inline in sorted(self._view.inline.get(entity_id, {}).items()):
            compiled = self._compile(f"{label}/{name}", PolicyKind.IDENTITY, inline.document)
            if compiled is not None:
                found.append(compiled)
        for policy in sorted(
            self._view.managed_policies(self._view.attachments.of(entity_id), entity.account_id),
            key=_policy_order,
        ):
            compiled = self._default_version(policy, PolicyKind.IDENTITY)
            if compiled is not None:
                found.append(compiled)
        return found

    def _boundary(self, entity: User | Role) -> CompiledPolicy | None:
        boundary = self._view.boundaries.get(entity.entity_id)
        if boundary is None:
            return None
        # INVARIANT: a boundary row always narrows: None (no boundary) only without one; a
        # boundary naming another account's policy is a missing one.
        managed = self._managed(boundary.policy_id, entity.account_id, PolicyKind.BOUNDARY)
        return managed or MISSING_BOUNDARY

    def for_user(self, user_id: str) -> PrincipalPolicies:
        cached = self._principals.get(user_id)
        if cached is not None:
            return cached
        user = self._view.users.get(user_id)
        if user is None:
            return NO_POLICIES
        identity = self._own(user)
        for group in sorted(
            self._view.groups.live(self._view.members.to(user_id), user.account_id),
            key=lambda g: g.name.lower(),
        ):
            identity.extend(self._own(group))
        found = self._assembled(tuple(identity), self._boundary(user))
        self._principals[user_id] = found
        return found

    def for_role(self, role_id: str) -> PrincipalPolicies:
        cached = self._principals.get(role_id)
        if cached is not None:
            return cached
        role = self._view.roles.get(role_id)
        if role is None:
            return NO_POLICIES
        found = self._assembled(tuple(self._own(role)), self._boundary(role))
        self._principals[role_id] = found
        return found

    def _assembled(
        self, identity: tuple[CompiledPolicy, ...], boundary: CompiledPolicy | None
    ) -> PrincipalPolicies:
        patterns = pattern_count((*identity, boundary))
        if len(identity) < _GROUP_MIN:
            return PrincipalPolicies(identity, boundary, identity, patterns)
        key = tuple(map(id, identity))
        group = self._groups.get(key)
        if group is None:
            group = self._groups[key] = PolicyGroup(identity)
        return PrincipalPolicies(identity, boundary, (group,), patterns)

    def known(
        self, name: str, kind: PolicyKind, document: str
    ) -> tuple[bool, CompiledPolicy | None]:
        """Whether `compiled` would answer without compiling, and what it would answer."""
        stored = self._documents.get((kind, document))
        if stored is not None:
            return True, renamed(stored, name or stored.source.id or "")
        return self._supplied.known(name, kind, document)

    def remember(
        self, name: str, kind: PolicyKind, document: str, compiled: CompiledPolicy | None
    ) -> None:
        """Keeps a caller-supplied document compiled elsewhere (on the evaluation worker)."""
        self._supplied.remember(name, kind, document, compiled)

    def compiled(self, name: str, kind: PolicyKind, document: str) -> CompiledPolicy | None:
        """A caller-supplied document (resource, session or SCP policy), compiled once: the
        replica's own compile when the replica holds the same text, else from a cache
        bounded by bytes (callers choose these texts, the replica's are bounded by quotas)."""
        stored = self._documents.get((kind, document))
        if stored is not None:
            return renamed(stored, name or stored.source.id or "")
        return self._supplied.compiled(name, kind, document)


def _label(entity: User | Group | Role) -> str:
    kind = type(entity).__name__.lower()
    return f"{kind}/{entity.name}"


def _policy_order(policy: ManagedPolicy) -> str:
    return policy.arn
