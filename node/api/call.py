"""What a handler sees of one call: the verified caller, the node's components, its writes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from iamstore.node.api.import_staging import ImportStaging
from iamstore.node.api.mfa_attempts import MfaAttempts
from iamstore.node.api.offload import EvaluationWorker
from iamstore.node.audit import AuditLog
from iamstore.node.auth.admin import NON_USER_CREDENTIALS, AdminGate
from iamstore.node.auth.authenticate import Authenticator, Caller
from iamstore.node.auth.authorize import Authorizer
from iamstore.node.auth.index import PolicyIndex
from iamstore.node.auth.request_context import Environment
from iamstore.node.auth.secretbox import SecretBox
from iamstore.node.auth.sessions import SessionSealer
from iamstore.node.auth.totp import UsedSteps
from iamstore.node.domain.entities import Change, root_owner
from iamstore.node.domain.errors import ValidationError
from iamstore.node.domain.rules import Quotas
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext
from iamstore.node.ids import IdSource
from iamstore.node.replication.gossip import Replicator
from iamstore.node.state import ConsistencyToken, State, Writer
from iamstore.node.state.usage import UsageTracker

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class NodeComponents:
    """Everything the API needs from the node, each built before it (`build`, node/build.py).

    INVARIANT: every field is set before a handler can run, so no handler checks for a
    missing component: a node that authorizes, audits and checks admin calls has no other
    shape.
    """

    node_id: str
    # The address peers and `Status` callers are told to reach this node at.
    address: str
    state: State
    writer: Writer
    auth: Authenticator
    box: SecretBox
    ids: IdSource
    quotas: Quotas
    now_ms: Callable[[], int]
    at_least_timeout_s: float
    replicator: Replicator
    policy_index: PolicyIndex
    authorizer: Authorizer
    # Seals and opens session tokens (STS); derived from the secrets key every member shares.
    sessions: SessionSealer
    # Asks every admin call's questions before its handler runs.
    gate: AdminGate
    audit: AuditLog
    # Failed MFA codes per device, counted cluster-wide (node.api.mfa_attempts), named after
    # this node.
    mfa_attempts: MfaAttempts
    # The last TOTP step accepted per MFA device on this node (never replicated).
    mfa_steps: UsedSteps
    # Answers large Authz calls off the event loop, one at a time.
    evaluations: EvaluationWorker
    # Recent uses of passwords, services and actions, written as replicated stamps.
    usage: UsageTracker
    # Credential reports this node rendered: account -> (mark time, CSV); see
    # node.api.iam_credential_report.
    credential_reports: dict[str, tuple[int, bytes]]
    # The parts of account imports under way on this node (never replicated).
    imports: ImportStaging


@dataclass(frozen=True, slots=True)
class CallerConnection:
    """How the caller reached this node: defaults for aws:SourceIp, SecureTransport, UserAgent."""

    ip: str | None = None
    tls: bool = False
    user_agent: str | None = None


@dataclass(slots=True)
class Call:
    caller: Caller
    components: NodeComponents
    operation: str
    peer: CallerConnection = field(default_factory=CallerConnection)
    token: ConsistencyToken | None = field(default=None)

    def environment(self) -> Environment:
        """The request facts this node saw (source address, TLS, user agent, region)."""
        return Environment(
            peer_ip=self.peer.ip,
            peer_tls=self.peer.tls,
            peer_user_agent=self.peer.user_agent,
            node_region=self.components.authorizer.region,
        )

    @property
    def view(self) -> View:
        return self.components.state.view

    @property
    def account_id(self) -> str:
        return self.caller.account_id

    def own_user_id(self) -> str | None:
        """The calling user's id, for an operation that defaults to the caller when it names no
        user; None for the account root. A role session has no user to default to: AWS
        refuses it (ValidationError "Must specify userName when calling with non-User
        credentials"), where treating it as the root would act on the root's keys."""
        if self.caller.is_role_session:
            raise ValidationError(NON_USER_CREDENTIALS, "UserName")
        return self.caller.user_id

    @property
    def own_owner_id(self) -> str:
        """The caller's own access-key owner id (its user id, or the account root's)."""
        return self.own_user_id() or root_owner(self.caller.account_id)

    def context(self) -> WriteContext:
        return WriteContext(
            account_id=self.caller.account_id,
            now_ms=self.components.now_ms(),
            quotas=self.components.quotas,
            new_id=self.components.ids.unique_id,
            origin=self.components.node_id,
        )

    async def write(self, plan: Callable[[View, WriteContext], tuple[list[Change], R]]) -> R:
        """Plans and commits a write; remembers its consistency token for the response."""
        ctx = self.context()
        result, token = await self.components.writer.write(
            self.caller.arn, self.operation, lambda view: plan(view, ctx)
        )
        if token is not None:
            self.token = token
        return result

    async def change(self, plan: Callable[[View, WriteContext], list[Change]]) -> None:
        """Like `write`, for plans that return only their changes."""
        await self.write(lambda view, ctx: (plan(view, ctx), None))
