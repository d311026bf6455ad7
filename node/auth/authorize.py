"""Authorization on the node: resolve a principal, gather its compiled policies, decide.

Everything here reads only the in-memory view and the policy index: no SQLite, and no JSON
parsing except for a caller-supplied document seen for the first time (compiled once, then
cached by its text in the index).
"""

from __future__ import annotations

import datetime
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from iamstore.node.auth.authenticate import Caller
from iamstore.node.auth.index import NO_POLICIES, PolicyIndex, PrincipalPolicies
from iamstore.node.auth.request_context import ContextBuilder, PrincipalFacts, PrincipalKind
from iamstore.node.auth.sessions import Session, SessionKind
from iamstore.node.commits.codec import Commit
from iamstore.node.domain.aws_policies import AWS_ACCOUNT
from iamstore.node.domain.entities import Group, Role, User
from iamstore.node.domain.errors import (
    AccessDenied,
    InvalidInput,
    MalformedPolicyDocument,
    NoSuchEntity,
)
from iamstore.node.domain.keys import is_root_key
from iamstore.node.domain.view import View
from iamstore.node.policy import (
    CompiledPolicy,
    Decision,
    MalformedPolicyDocumentError,
    Outcome,
    PolicyKind,
    PolicySet,
    PrincipalType,
    Request,
    compile_policy,
    evaluate,
    parse_policy,
    pattern_count,
)
from iamstore.node.policy.variables import Context

# [0-9], not \d: Python's \d matches any script's digits; account ids are ASCII.
_IAM_ARN = re.compile(r"arn:aws:iam::([0-9]{12}):(root|user/.+|role/.+|group/.+)\Z", re.DOTALL)
_SESSION_ARN = re.compile(r"arn:aws:sts::([0-9]{12}):assumed-role/([^/]+)/(.+)\Z", re.DOTALL)
_ACCOUNT = re.compile(r"(?:arn:aws:iam::)?([0-9]{12})(?::root)?\Z")
RESOURCE_POLICY_NAME = "ResourcePolicy"
# Stands for session policies none of which compiled: the session is allowed nothing.
_NOTHING_ALLOWED = compile_policy(
    parse_policy(
        '{"Version": "2012-10-17", "Statement": '
        '[{"Effect": "Allow", "Action": "iamstore:NoAction", "Resource": "*"}]}',
        PolicyKind.SESSION,
    ),
    "SessionPolicy",
)


@dataclass(frozen=True, slots=True)
class Principal:
    """A principal of the replica, ready to be asked about."""

    facts: PrincipalFacts  # what its request context says about it
    request_arn: str  # the ARN a resource policy must name (the session ARN for a session)
    engine_type: PrincipalType
    user_id: str | None = None
    role_id: str | None = None
    role_name: str | None = None
    # Temporary credentials: the session (its MFA state, issue time, tags) and its policies.
    session: Session | None = None
    session_policies: tuple[CompiledPolicy, ...] = ()


@dataclass(frozen=True, slots=True)
class Question:
    """One authorization question with every policy it needs: answering it reads nothing
    else (compiled policies are immutable apart from their memo tables)."""

    request: Request
    policies: PolicySet
    # pattern_count of the principal's own policies (the resource's and the session's are
    # the caller's, bounded by the call's caps): the measure of the worst cost of answering.
    patterns: int = 0


def _user(user: User) -> Principal:
    facts = PrincipalFacts(
        user.arn, user.account_id, PrincipalKind.USER, user.user_id, user.name, user.tags
    )
    return Principal(facts, user.arn, PrincipalType.USER, user_id=user.user_id)


def _role(role: Role, session: str | None) -> Principal:
    user_id = role.role_id if session is None else f"{role.role_id}:{session}"
    facts = PrincipalFacts(
        role.arn, role.account_id, PrincipalKind.ASSUMED_ROLE, user_id, None, role.tags
    )
    if session is None:
        return Principal(
            facts, role.arn, PrincipalType.ROLE, role_id=role.role_id, role_name=role.name
        )
    session_arn = f"arn:aws:sts::{role.account_id}:assumed-role/{role.name}/{session}"
    return Principal(
        facts, session_arn, PrincipalType.ASSUMED_ROLE, role_id=role.role_id, role_name=role.name
    )


def _root(account_id: str) -> Principal:
    arn = f"arn:aws:iam::{account_id}:root"
    facts = PrincipalFacts(arn, account_id, PrincipalKind.ACCOUNT, account_id)
    return Principal(facts, arn, PrincipalType.ROOT)


def account_of(value: str, field: str) -> str:
    """An account id given as `111122223333` or `arn:aws:iam::111122223333:root`."""
    match = _ACCOUNT.match(value)
    if match is None:
        raise InvalidInput(f"`{value}` is not an account id or account root arn", field)
    return match.group(1)


def resource_account_of(resource_arn: str) -> str | None:
    """The account segment of a resource ARN, when it has one (S3 ARNs have none)."""
    parts = resource_arn.split(":", 5)
    return parts[4] if len(parts) == 6 and len(parts[4]) == 12 and parts[4].isdigit() else None


def resource_kind(action: str, resource_arn: str) -> PolicyKind:
    """A role's resource policy is its trust policy, asked about by STS actions."""
    if action[:4].lower() == "sts:" and ":role/" in resource_arn:
        return PolicyKind.TRUST
    return PolicyKind.RESOURCE


class Authorizer:
    """Answers questions about one account's principals from the view and the index."""

    def __init__(
        self,
        view: View,
        index: PolicyIndex,
        *,
        now: Callable[[], datetime.datetime],
        region: str,
        epoch_ms: Callable[[], int] | None = None,
        observe: Callable[[float, Outcome], None] | None = None,
    ) -> None:
        self.view = view
        self.index = index
        self.region = region
        # `epoch_ms`: the same clock as `now`, in milliseconds; cheaper to read per question.
        self.contexts = ContextBuilder(now, epoch_ms=epoch_ms)
        # Principals resolved by ARN, dropped at every commit (names, tags and ids can change).
        self._by_arn: dict[tuple[str, str], Principal] = {}
        # Told of every decision (seconds spent, outcome): the node's metrics; None in tools
        # and tests that measure nothing.
        self.observe = observe

    def on_commits(self, commits: Sequence[Commit]) -> None:
        """State listener: forget resolved principals."""
        self._by_arn.clear()

    # --- who ---------------------------------------------------------------------------

    def principal_by_arn(self, account_id: str, arn: str, field: str) -> Principal:
        """A user, role, role session or root of `account_id`, by ARN."""
        cached = self._by_arn.get((account_id, arn))
        if cached is None:
            cached = self._resolve_arn(account_id, arn, field)
            if len(self._by_arn) > 100_000:
                self._by_arn.clear()
            self._by_arn[(account_id, arn)] = cached
        return cached

    def _resolve_arn(self, account_id: str, arn: str, field: str) -> Principal:
        session = _SESSION_ARN.match(arn)
        match = session or _IAM_ARN.match(arn)
        if match is None:
            raise InvalidInput(f"`{arn}` is not the arn of a user, role or role session", field)
        if session is not None:
            # An ARN names no session: any name fits it, issued or not, and it carries none
            # of the session's policies, tags, MFA state or issue time. The credentials do.
            raise InvalidInput(
                f"`{arn}` names a role session, which an arn cannot identify: Authorize "
                "takes a session's credentials as presented (`AccessKeyId` ASIA... with its "
                "`SessionToken`)",
                field,
            )
        if match.group(1) != account_id:
            raise AccessDenied(
                f"principal `{arn}` is not in your account: "
                "you may ask only about principals of your own account"
            )
        what = match.group(2)
        if what == "root":
            return _root(account_id)
        name = what.rsplit("/", 1)[-1]
        entity: User | Role | Group | None
        if what.startswith("user/"):
            entity = self.view.users.named(account_id, name)
        elif what.startswith("role/"):
            entity = self.view.roles.named(account_id, name)
        else:
            entity = self.view.groups.named(account_id, name)
        if entity is None or entity.arn != arn:
            raise NoSuchEntity(f"the entity `{arn}` cannot be found.", field)
        if isinstance(entity, Group):
            raise InvalidInput(f"a group cannot make requests: `{arn}`", field)
        return _user(entity) if isinstance(entity, User) else _role(entity, None)

    def principal_by_key(self, account_id: str, access_key_id: str, field: str) -> Principal:
        """The owner of an access key of `account_id` (a key of another account is not found)."""
        key = self.view.access_keys.get(access_key_id)
        if key is None or key.account_id != account_id:
            raise NoSuchEntity(f"the access key `{access_key_id}` cannot be found.", field)
        if is_root_key(key):
            return _root(account_id)
        user = self.view.users.of_account(key.owner_id, account_id)
        if user is None:
            raise NoSuchEntity(f"the access key `{access_key_id}` cannot be found.", field)
        return _user(user)

    def principal_for_caller(self, caller: Caller) -> Principal:
        """The principal an authenticated caller acts as: its user, its account's root, or
        the session its temporary credentials carry."""
        if caller.session is not None:
            return self.principal_for_session(caller.session)
        if caller.user_id is None:
            return _root(caller.account_id)
        user = self.view.users.of_account(caller.user_id, caller.account_id)
        if user is None:  # deleted since authentication: it grants nothing
            raise NoSuchEntity("the user making this request no longer exists.")
        return _user(user)

    def principal_for_session(self, session: Session) -> Principal:
        """The principal temporary credentials act as, with their whole session: its
        policies, tags, MFA state, issue time and source identity."""
        if session.kind is SessionKind.ROLE:
            role = self.view.roles.of_account(session.principal_id, session.account_id)
            if role is None:  # deleted since the session began: it grants nothing
                raise AccessDenied(f"the role of session `{session.arn}` no longer exists.")
            principal = _role(role, session.session_name)
            # Session tags take the place of the role's tags of the same key (AWS).
            tags = dict(role.tags)
            tags.update(session.tags)
            facts = replace(principal.facts, tags=tuple(tags.items()))
            return replace(
                principal,
                facts=facts,
                session=session,
                session_policies=self.session_policies(session),
            )
        if session.kind is SessionKind.FEDERATED:
            return self._federated(session)
        if session.kind is SessionKind.ROOT:
            return replace(_root(session.account_id), session=session)
        user = self.view.users.of_account(session.principal_id, session.account_id)
        if user is None:  # deleted since the session began: it grants nothing
            raise NoSuchEntity("the user of these temporary credentials no longer exists.")
        return replace(_user(user), session=session)

    def _federated(self, session: Session) -> Principal:
        """A GetFederationToken session: its issuer's policies narrowed by the session's.

        AWS: a federated user without session policies has no permissions at all, so an
        empty policy list stands for "nothing allowed" here (never "no narrowing").
        """
        if session.principal_id == session.account_id:  # issued by the account's root
            # The root's implicit allow stays (engine type ROOT); session policies narrow it.
            issuer = _root(session.account_id)
            engine_type = PrincipalType.ROOT
        else:
            user = self.view.users.of_account(session.principal_id, session.account_id)
            if user is None:  # deleted since the session began: it grants nothing
                raise AccessDenied(f"the user behind session `{session.arn}` no longer exists.")
            issuer = _user(user)
            engine_type = PrincipalType.FEDERATED_USER
        tags = dict(issuer.facts.tags)
        tags.update(session.tags)
        facts = PrincipalFacts(
            session.arn,
            session.account_id,
            PrincipalKind.FEDERATED_USER,
            session.user_id,
            None,
            tuple(tags.items()),
        )
        return replace(
            issuer,
            facts=facts,
            request_arn=session.arn,
            engine_type=engine_type,
            session=session,
            session_policies=self.session_policies(session) or (_NOTHING_ALLOWED,),
        )

    def session_policies(self, session: Session) -> tuple[CompiledPolicy, ...]:
        """The session's policies, compiled once per text: the inline document, then each
        managed policy's current default version, found by the ARN the token carries.

        A session policy can only narrow. INVARIANT: a session that was given any session
        policy never comes out with none (that would mean "not narrowed"). Fail closed: when
        one of them no longer resolves (the policy was deleted, or is not of the session's
        account nor AWS's) or does not compile, the session is allowed nothing at all, not
        merely that policy's allows less: dropping it alone could drop a Deny of its own.
        AWS documents the ARN, not the document, as what the session carries (STS API
        Reference, AssumeRole, PolicyArns), so a new default version applies to sessions
        already issued, as it does to every principal the policy is attached to.
        """
        compiled: list[CompiledPolicy] = []
        for position, text in enumerate(session.policies, 1):
            inline = self.index.compiled(f"SessionPolicy{position}", PolicyKind.SESSION, text)
            if inline is None:
                return (_NOTHING_ALLOWED,)
            compiled.append(inline)
        for arn in session.policy_arns:
            policy = self.view.policy_by_arn(arn)
            if policy is None or policy.account_id not in (session.account_id, AWS_ACCOUNT):
                # Deleted since issue, or (checked at issue too) another account's policy.
                return (_NOTHING_ALLOWED,)
            managed = self.index.managed_session_policy(policy.policy_id, session.account_id)
            if managed is None:
                return (_NOTHING_ALLOWED,)
            compiled.append(managed)
        return tuple(compiled)

    def policies(self, principal: Principal) -> PrincipalPolicies:
        if principal.user_id is not None:
            return self.index.for_user(principal.user_id)
        if principal.role_id is not None:
            return self.index.for_role(principal.role_id)
        return NO_POLICIES

    # --- documents -------------------------------------------------------------------

    def document(self, name: str, kind: PolicyKind, text: str, field: str) -> CompiledPolicy:
        """A caller-supplied document, compiled once per text; a bad one is refused."""
        compiled = self.index.compiled(name, kind, text)
        if compiled is not None:
            return compiled
        try:  # only a bad document gets here: parse again for the message
            parse_policy(text, kind)
        except MalformedPolicyDocumentError as exc:
            raise MalformedPolicyDocument(f"{exc.message} (at `{exc.pointer}`)", field) from None
        raise MalformedPolicyDocument("the policy document is malformed", field)

    # --- decide ----------------------------------------------------------------------

    def decide(
        self,
        principal: Principal,
        action: str,
        resource_arn: str,
        resource_account: str | None,
        resource_policy: CompiledPolicy | None,
        context: Context,
        *,
        granted: CompiledPolicy | None = None,
    ) -> Decision:
        """One decision from the principal's indexed policies and the resource's policy;
        `granted` is one more identity policy the account itself grants (see admin.py)."""
        return self.answer(
            self.question(
                principal,
                action,
                resource_arn,
                resource_account,
                resource_policy,
                context,
                granted=granted,
            )
        )

    def question(
        self,
        principal: Principal,
        action: str,
        resource_arn: str,
        resource_account: str | None,
        resource_policy: CompiledPolicy | None,
        context: Context,
        *,
        granted: CompiledPolicy | None = None,
    ) -> Question:
        """Everything one decision reads, gathered from the view and the index (event loop)."""
        own = self.policies(principal)
        request = Request(
            principal_arn=principal.request_arn,
            principal_account=principal.facts.account_id,
            principal_type=principal.engine_type,
            action=action,
            resource_arn=resource_arn,
            resource_account=resource_account or principal.facts.account_id,
            context=context,
            role_name=principal.role_name,
        )
        identity = own.scanned if granted is None else (*own.scanned, granted)
        return Question(
            request,
            PolicySet(identity, resource_policy, own.boundary, principal.session_policies),
            own.patterns + pattern_count((granted,)),
        )

    def answer(self, question: Question) -> Decision:
        """The decision on a gathered question. Pure apart from the `observe` callback (thread
        safe): it reads no view or index, so it may run off the event loop."""
        started = time.perf_counter()
        decision = evaluate(question.request, question.policies)
        if self.observe is not None:
            self.observe(time.perf_counter() - started, decision.outcome)
        return decision
