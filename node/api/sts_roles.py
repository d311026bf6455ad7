"""Assuming a role, by AssumeRole or AssumeRoleWithWebIdentity: the role, its trust decision."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from iamstore.node.api.authz_limits import INLINE_MAX_DOCUMENT_CHARS
from iamstore.node.api.call import CallerConnection, NodeComponents
from iamstore.node.api.sts_sessions import MAX_INLINE_POLICY_CHARS, MAX_POLICY_ARNS, StsError
from iamstore.node.auth.authorize import Authorizer, Principal
from iamstore.node.auth.request_context import Environment
from iamstore.node.auth.sessions import Session, SessionKind, new_key_id, new_secret
from iamstore.node.auth.supplied import compile_document
from iamstore.node.domain import lookup
from iamstore.node.domain.entities import Role
from iamstore.node.domain.errors import IamError, InvalidInput, ValidationError
from iamstore.node.domain.principal_pins import current_names, with_principals
from iamstore.node.domain.view import View
from iamstore.node.policy import (
    CompiledPolicy,
    Outcome,
    PolicyKind,
    PolicySet,
    PrincipalType,
    Request,
    compile_policy,
    evaluate,
    parse_policy,
)
from iamstore.node.policy.variables import Context
from iamstore.v1 import sts_pb2 as spb

SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}\Z", re.ASCII)
# The trust-only question (see _trust_grants): another account, an identity allowing all.
_ELSEWHERE = "000000000000"
_ALLOW_ALL = compile_policy(
    parse_policy(
        '{"Version": "2012-10-17", "Statement": '
        '[{"Effect": "Allow", "Action": "*", "Resource": "*"}]}',
        PolicyKind.IDENTITY,
    ),
    "TrustQuestion",
)
_ROLE_ARN = re.compile(r"arn:aws:iam::(\d{12}):role/(?:[^:]*/)?([\w+=,.@-]{1,64})\Z", re.ASCII)


def request_environment(authorizer: Authorizer, peer: CallerConnection) -> Environment:
    """The request facts this node saw, for the trust decision's context."""
    return Environment(
        peer_ip=peer.ip,
        peer_tls=peer.tls,
        peer_user_agent=peer.user_agent,
        node_region=authorizer.region,
    )


def required(value: str | None, field: str) -> str:
    """A field the request must give; ValidationError when it is missing or empty."""
    if not value:
        raise ValidationError(f"`{field}` is required", field)
    return value


def role_by_arn(view: View, role_arn: str, denied: IamError) -> Role:
    """The role named by ARN, in any account; an unknown role is `denied` (AWS: AccessDenied)."""
    match = _ROLE_ARN.match(role_arn)
    if match is None:
        raise ValidationError(f"`{role_arn}` is not a role arn", "RoleArn")
    role = view.roles.named(match.group(1), match.group(2))
    if role is None or role.arn != role_arn:
        raise denied
    return role


@dataclass(frozen=True, slots=True)
class SessionPolicies:
    """The session policies a request gave: the inline document and the managed ARNs."""

    documents: tuple[str, ...] = ()
    arns: tuple[str, ...] = ()


def session_policies(
    authorizer: Authorizer,
    view: View,
    account_id: str,
    inline: str | None,
    arns: Sequence[spb.PolicyDescriptorType],
) -> SessionPolicies:
    """The inline session policy and the managed ones of `account_id` (the role's, or the
    federated user's) or AWS's, checked now; the session carries the ARNs, not the documents.

    AWS (STS API Reference, AssumeRole and GetFederationToken, PolicyArns,
    https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html): up to 10
    managed policy ARNs; "the policies must exist in the same account as the role"; and "the
    plaintext that you use for both inline and managed session policies can't exceed 2,048
    characters": the inline document's characters and each ARN's, not the managed documents'
    (so AWS's ReadOnlyAccess, a document of many thousand characters, fits).
    """
    documents: tuple[str, ...] = ()
    plaintext = 0
    if inline is not None:
        if len(inline) > MAX_INLINE_POLICY_CHARS:
            raise StsError(
                "PackedPolicyTooLarge",
                f"the session policy exceeds {MAX_INLINE_POLICY_CHARS} characters",
                "Policy",
            )
        authorizer.document("SessionPolicy", PolicyKind.SESSION, inline, "Policy")
        documents = (inline,)
        plaintext = len(inline)
    if len(arns) > MAX_POLICY_ARNS:
        raise ValidationError(f"at most {MAX_POLICY_ARNS} `PolicyArns` are allowed", "PolicyArns")
    resolved: list[str] = []
    for position, descriptor in enumerate(arns, 1):
        arn = descriptor.arn
        field = f"PolicyArns.member.{position}"
        # Another account's customer managed policy is not found here: refused at issue.
        policy = lookup.policy(view, account_id, arn, field)
        if view.default_version(policy.policy_id) is None:
            raise InvalidInput(f"the policy `{arn}` has no default version", field)
        resolved.append(policy.arn)
        plaintext += len(arn)
    if plaintext > MAX_INLINE_POLICY_CHARS:
        raise StsError(
            "PackedPolicyTooLarge",
            f"the session policies' plaintext (the inline policy and the policy arns) is "
            f"{plaintext} characters, more than {MAX_INLINE_POLICY_CHARS}",
            "PolicyArns",
        )
    return SessionPolicies(documents, tuple(resolved))


async def compile_session_policies(components: NodeComponents, policies: SessionPolicies) -> None:
    """Compiles the session's managed policies that this node has not compiled as session
    policies yet, on the evaluation worker when they are large, so neither this call nor the
    session's first one holds the event loop: AWS's ReadOnlyAccess is ~98,000 characters and
    ~100 ms to compile, and a caller names up to 10 such policies per session. Each is
    compiled once per node (kept with the replica's documents, bounded by AWS's and the
    account's policies, not by what callers send)."""
    index = components.authorizer.index
    view = components.state.view
    missing: dict[str, str] = {}
    for arn in policies.arns:
        policy = view.policy_by_arn(arn)
        version = None if policy is None else view.default_version(policy.policy_id)
        if version is not None and not index.replica_document_known(
            PolicyKind.SESSION, version.document
        ):
            missing[version.document] = arn
    if sum(len(text) for text in missing) <= INLINE_MAX_DOCUMENT_CHARS:
        return  # small: compiled on first use, as any other document

    def compile_all() -> list[CompiledPolicy | None]:
        return [compile_document(arn, PolicyKind.SESSION, text) for text, arn in missing.items()]

    compiled = await components.evaluations.run(compile_all)
    for text, result in zip(missing, compiled, strict=True):
        index.keep_replica_document(PolicyKind.SESSION, text, result)


def _trust_grants(
    principal: Principal, action: str, role: Role, trust: CompiledPolicy, context: Context
) -> bool:
    """Whether the trust policy itself allows the principal (and nothing in it denies).

    Unlike other resource policies, a role's trust policy must always allow: an identity
    policy alone never lets anyone assume a role, even in the role's own account. Asked as
    a cross-account question with an allow-everything identity, the engine answers exactly
    "does the trust policy name this caller, with its conditions met?".
    """
    request = Request(
        principal_arn=principal.request_arn,
        principal_account=principal.facts.account_id,
        principal_type=principal.engine_type,
        action=action,
        resource_arn=role.arn,
        resource_account=_ELSEWHERE if principal.facts.account_id != _ELSEWHERE else "",
        context=context,
        role_name=principal.role_name,
    )
    identity = () if principal.engine_type is PrincipalType.WEB_IDENTITY else (_ALLOW_ALL,)
    return evaluate(request, PolicySet(identity, trust)).outcome is Outcome.ALLOW


def pinned_trust(authorizer: Authorizer, role: Role) -> CompiledPolicy:
    """The role's trust policy naming its principals as pinned when it was saved: a user or
    role re-created under a pinned ARN is not named (node.domain.principal_pins)."""
    trust = authorizer.document("TrustPolicy", PolicyKind.TRUST, role.trust_policy, "RoleArn")
    names = current_names(authorizer.view, role.trust_pins)
    if not names:
        return trust
    # Only when a pinned principal was renamed or deleted: compiled from the parsed policy,
    # no JSON read, and bounded by the trust policy quota.
    return compile_policy(with_principals(trust.source, names), trust.name)


def trust_decision(
    authorizer: Authorizer, principal: Principal, action: str, role: Role, context: Context
) -> bool:
    """The trust policy must allow, and the caller's own policies too where AWS requires
    (cross-account, or a trust that names only the caller's account)."""
    trust = pinned_trust(authorizer, role)
    if not _trust_grants(principal, action, role, trust, context):
        return False
    decision = authorizer.decide(principal, action, role.arn, role.account_id, trust, context)
    return decision.outcome is Outcome.ALLOW


def role_session(
    role: Role, session_name: str, issued_at: int, duration: int, policies: SessionPolicies
) -> Session:
    """A new session of `role`, with fresh keys; each AssumeRole flavour adds its own details."""
    return Session(
        access_key_id=new_key_id(role.account_id),
        secret_access_key=new_secret(),
        kind=SessionKind.ROLE,
        account_id=role.account_id,
        principal_id=role.role_id,
        principal_name=role.name,
        issued_at=issued_at,
        expires_at=issued_at + duration,
        session_name=session_name,
        policies=policies.documents,
        policy_arns=policies.arns,
    )
