"""Handlers for the Sts service: caller identity, session tokens, AssumeRole, web identity."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf.message import DecodeError, Message

from client.wire.errors import WireError
from iamstore.v1 import sts_pb2 as spb
from node.api import convert
from node.api.context import Call, NodeServices, Peer
from node.api.dispatch import Handler, method_handlers, opt_int, opt_str, registrar
from node.auth import totp, webidentity
from node.auth.authenticate import Caller
from node.auth.authorize import Authorizer, Principal
from node.auth.context import Environment, PrincipalFacts, PrincipalKind, peer_ip
from node.auth.sessions import (
    MAX_TOKEN_CHARS,
    Session,
    SessionKind,
    SessionSealer,
    new_key_id,
    new_secret,
)
from node.domain import lookup, mfa
from node.domain.entities import Role
from node.domain.errors import AccessDenied, IamError, InvalidInput, ValidationError
from node.domain.view import View
from node.policy import (
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
from node.policy.variables import Context

log = logging.getLogger(__name__)
HANDLERS: dict[str, Handler] = {}
op = registrar(HANDLERS)
SERVICE = spb.DESCRIPTOR.services_by_name["Sts"]

# AWS STS quotas (AssumeRole and GetSessionToken API references).
SESSION_MIN_S = 900
ROLE_DEFAULT_S = 3600
CHAINED_MAX_S = 3600
USER_SESSION_DEFAULT_S = 43_200
USER_SESSION_MAX_S = 129_600
ROOT_SESSION_MAX_S = 3600
MAX_SESSION_TAGS = 50
MAX_POLICY_ARNS = 10
MAX_INLINE_POLICY_CHARS = 2048
_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}\Z", re.ASCII)
_SOURCE_IDENTITY = re.compile(r"[\w+=,.@-]{2,64}\Z", re.ASCII)
_EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]{2,1224}\Z", re.ASCII)
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


class StsError(IamError):
    """An STS-specific refusal: the code is given per instance (InvalidIdentityToken, ...)."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message, field)
        self.code = code  # type: ignore[misc]


def sts_handlers(
    node: NodeServices, jwks: webidentity.JwksCache
) -> list[grpc.GenericRpcHandler[Any, Any]]:
    """The Sts service: AssumeRoleWithWebIdentity unsigned (first), the rest signed."""
    unsigned = grpc.method_handlers_generic_handler(
        SERVICE.full_name,
        {
            "AssumeRoleWithWebIdentity": grpc.unary_unary_rpc_method_handler(
                _unsigned_behavior(node, jwks)
            )
        },
    )
    return [unsigned, method_handlers(SERVICE, spb, HANDLERS, node)]


def _authorizer(call: Call) -> Authorizer:
    authorizer = call.node.authorizer
    if authorizer is None:  # pragma: no cover - the composition root always sets it
        raise RuntimeError("this node has no authorizer")
    return authorizer


def _sealer(node: NodeServices) -> SessionSealer:
    sealer = node.sessions
    if sealer is None:  # pragma: no cover - the composition root always sets it
        raise RuntimeError("this node issues no session tokens")
    return sealer


def _credentials(session: Session, token: str) -> spb.TemporaryCredentials:
    return spb.TemporaryCredentials(
        access_key_id=session.access_key_id,
        secret_access_key=session.secret_access_key,
        session_token=token,
        expiration=convert.timestamp(session.expires_at * 1000),
    )


def _seal(node: NodeServices, session: Session) -> tuple[str, int]:
    """The token and AWS's PackedPolicySize (percent of the allowed size used)."""
    token = _sealer(node).seal(session)
    if len(token) > MAX_TOKEN_CHARS:
        raise StsError(
            "PackedPolicyTooLarge",
            "packed size of the session policies and tags exceeds the limit",
            "Policy",
        )
    return token, len(token) * 100 // MAX_TOKEN_CHARS


def _duration(requested: int | None, default: int, maximum: int, message: str) -> int:
    if requested is None:
        return min(default, maximum)
    if requested < SESSION_MIN_S:
        raise ValidationError(
            f"1 validation error detected: Value '{requested}' at 'durationSeconds' failed "
            f"to satisfy constraint: Member must have value greater than or equal to "
            f"{SESSION_MIN_S}",
            "DurationSeconds",
        )
    if requested > maximum:
        raise ValidationError(message, "DurationSeconds")
    return requested


# Shared with node.api.signin, which issues user sessions the same way.
credentials_message = _credentials
seal_session = _seal
duration_within = _duration


def _mfa_time(call: Call, serial_number: str | None, token_code: str | None) -> int | None:
    """Now (epoch seconds) when a valid, unused code of the caller's device was given."""
    if serial_number is None and token_code is None:
        return None
    if serial_number is None or token_code is None:
        raise InvalidInput("give both `SerialNumber` and `TokenCode`", "TokenCode")
    failed = AccessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code.")
    user_id = call.caller.user_id
    if user_id is None or call.caller.is_role_session:
        raise failed  # only users have MFA devices here
    user = call.view.users.get(user_id)
    if user is None:
        raise failed
    try:
        device = mfa.assigned(call.view, user, serial_number)
    except IamError:
        raise failed from None
    now = call.node.now_ms() / 1000
    steps = call.node.mfa_steps
    seed = call.node.box.open(device.sealed_seed, device.device_id)
    # INVARIANT: no await between check and claim (node.auth.totp's replay rule).
    step = totp.verify(
        seed, token_code, now, steps.last(device.device_id), drift=device.drift_steps
    )
    if step is None:
        raise failed
    steps.claim(device.device_id, step)
    return int(now)


def _environment(authorizer: Authorizer, peer: Peer) -> Environment:
    return Environment(
        peer_ip=peer.ip,
        peer_tls=peer.tls,
        peer_user_agent=peer.user_agent,
        node_region=authorizer.region,
    )


# --- GetCallerIdentity, GetSessionToken -------------------------------------------------


@op("GetCallerIdentity")
async def get_caller_identity(
    call: Call, req: spb.GetCallerIdentityRequest
) -> spb.GetCallerIdentityResponse:
    """AWS: needs no permission; a denying policy cannot hide who the caller is."""
    caller = call.caller
    session = caller.session
    user_id = session.user_id if session is not None else caller.user_id or caller.account_id
    return spb.GetCallerIdentityResponse(user_id=user_id, account=caller.account_id, arn=caller.arn)


@op("GetSessionToken")
async def get_session_token(
    call: Call, req: spb.GetSessionTokenRequest
) -> spb.GetSessionTokenResponse:
    caller = call.caller
    if caller.session is not None:
        raise AccessDenied("Cannot call GetSessionToken with session credentials")
    root = caller.user_id is None
    duration = _duration(
        opt_int(req, "duration_seconds"),
        ROOT_SESSION_MAX_S if root else USER_SESSION_DEFAULT_S,
        ROOT_SESSION_MAX_S if root else USER_SESSION_MAX_S,
        "The requested DurationSeconds exceeds the maximum allowed for this caller "
        f"({ROOT_SESSION_MAX_S if root else USER_SESSION_MAX_S} seconds).",
    )
    mfa_at = _mfa_time(call, opt_str(req, "serial_number"), opt_str(req, "token_code"))
    now = call.node.now_ms() // 1000
    session = Session(
        access_key_id=new_key_id(),
        secret_access_key=new_secret(),
        kind=SessionKind.ROOT if root else SessionKind.USER,
        account_id=caller.account_id,
        principal_id=caller.user_id or caller.account_id,
        principal_name="" if root else caller.arn.rsplit("/", 1)[-1],
        issued_at=now,
        expires_at=now + duration,
        mfa_authenticated_at=mfa_at,
    )
    token, _ = _seal(call.node, session)
    return spb.GetSessionTokenResponse(credentials=_credentials(session, token))


# --- AssumeRole ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Ask:
    """What every AssumeRole flavour asks for, validated."""

    role: Role
    session_name: str
    duration: int
    policies: tuple[str, ...]


def _required(value: str | None, field: str) -> str:
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


def _session_policies(
    authorizer: Authorizer,
    view: View,
    account_id: str,
    inline: str | None,
    arns: Sequence[spb.PolicyDescriptorType],
) -> tuple[str, ...]:
    """Inline session policy first, then the managed ones of the role's account (their
    default versions, resolved now: a later new version does not change the session)."""
    texts: list[str] = []
    if inline is not None:
        if len(inline) > MAX_INLINE_POLICY_CHARS:
            raise StsError(
                "PackedPolicyTooLarge",
                f"the session policy exceeds {MAX_INLINE_POLICY_CHARS} characters",
                "Policy",
            )
        authorizer.document("SessionPolicy", PolicyKind.SESSION, inline, "Policy")
        texts.append(inline)
    if len(arns) > MAX_POLICY_ARNS:
        raise ValidationError(f"at most {MAX_POLICY_ARNS} `PolicyArns` are allowed", "PolicyArns")
    for position, descriptor in enumerate(arns, 1):
        arn = descriptor.arn
        field = f"PolicyArns.member.{position}"
        policy = lookup.policy(view, account_id, arn, field)
        version = view.versions.get(policy.policy_id, {}).get(policy.default_version)
        if version is None:
            raise InvalidInput(f"the policy `{arn}` has no default version", field)
        texts.append(version.document)
    return tuple(texts)


def _tags(
    req: spb.AssumeRoleRequest, caller: Caller
) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """Session tags and transitive keys: the caller session's transitive tags carry over."""
    given = convert.tag_pairs(req.tags)
    if len(given) > MAX_SESSION_TAGS:
        raise ValidationError(f"at most {MAX_SESSION_TAGS} session tags are allowed", "Tags")
    keys = {key.lower() for key, _ in given}
    if len(keys) != len(given):
        raise InvalidInput("duplicate tag keys in `Tags`", "Tags")
    for key, _ in given:
        if key.lower().startswith("aws:"):
            raise InvalidInput(f"tag key `{key}` uses the reserved prefix `aws:`", "Tags")
    transitive = tuple(req.transitive_tag_keys)
    for key in transitive:
        if key.lower() not in keys:
            raise InvalidInput(
                f"transitive tag key `{key}` is not a session tag", "TransitiveTagKeys"
            )
    inherited: list[tuple[str, str]] = []
    parent = caller.session
    if parent is not None and parent.is_role:
        carried = {k.lower() for k in parent.transitive_tag_keys}
        for key, value in parent.tags:
            if key.lower() in carried:
                if key.lower() in keys:  # AWS: a transitive tag cannot be overridden
                    raise InvalidInput(
                        f"tag key `{key}` is transitive from the calling session", "Tags"
                    )
                inherited.append((key, value))
        transitive = (*transitive, *parent.transitive_tag_keys)
    return (*inherited, *given), transitive


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


def _trust_decision(
    authorizer: Authorizer, principal: Principal, action: str, role: Role, context: Context
) -> bool:
    """The trust policy must allow, and the caller's own policies too where AWS requires
    (cross-account, or a trust that names only the caller's account)."""
    trust = authorizer.document("TrustPolicy", PolicyKind.TRUST, role.trust_policy, "RoleArn")
    if not _trust_grants(principal, action, role, trust, context):
        return False
    decision = authorizer.decide(principal, action, role.arn, role.account_id, trust, context)
    return decision.outcome is Outcome.ALLOW


@op("AssumeRole")
async def assume_role(call: Call, req: spb.AssumeRoleRequest) -> spb.AssumeRoleResponse:
    authorizer = _authorizer(call)
    caller = call.caller
    role_arn = _required(opt_str(req, "role_arn"), "RoleArn")
    denied = AccessDenied(
        f"User: {caller.arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
    )
    session_name = _required(opt_str(req, "role_session_name"), "RoleSessionName")
    if not _SESSION_NAME.match(session_name):
        raise ValidationError(
            f"`{session_name}` is not a valid role session name", "RoleSessionName"
        )
    external_id = opt_str(req, "external_id")
    if external_id is not None and not _EXTERNAL_ID.match(external_id):
        raise ValidationError(f"`{external_id}` is not a valid external id", "ExternalId")
    parent = caller.session
    source_identity = opt_str(req, "source_identity")
    if source_identity is not None and not _SOURCE_IDENTITY.match(source_identity):
        raise ValidationError(
            f"`{source_identity}` is not a valid source identity", "SourceIdentity"
        )
    if parent is not None and parent.source_identity is not None:
        # AWS: once set, the source identity stays for every chained session.
        if source_identity not in (None, parent.source_identity):
            raise denied
        source_identity = parent.source_identity
    if caller.is_root:
        raise AccessDenied("Roles may not be assumed by root accounts.")
    role = role_by_arn(call.view, role_arn, denied)
    chained = caller.is_role_session
    duration = _duration(
        opt_int(req, "duration_seconds"),
        ROLE_DEFAULT_S,
        CHAINED_MAX_S if chained else role.max_session_duration,
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed "
        "by role chaining."
        if chained
        else "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    )
    policies = _session_policies(
        authorizer, call.view, role.account_id, opt_str(req, "policy"), req.policy_arns
    )
    tags, transitive = _tags(req, caller)
    mfa_at = _mfa_time(call, opt_str(req, "serial_number"), opt_str(req, "token_code"))
    if mfa_at is None and parent is not None:
        mfa_at = parent.mfa_authenticated_at

    principal = authorizer.principal_for_caller(caller)
    extra: dict[str, str | tuple[str, ...]] = {"sts:rolesessionname": session_name}
    if external_id is not None:
        extra["sts:externalid"] = external_id
    if source_identity is not None:
        extra["sts:sourceidentity"] = source_identity
    context = dict(
        authorizer.contexts.build(
            principal.facts,
            _environment(authorizer, call.peer),
            request_tags=tags,
            extra=extra,
            session=parent,
        )
    )
    now = call.node.now_ms() // 1000
    if mfa_at is not None:
        context["aws:multifactorauthpresent"] = "true"
        context["aws:multifactorauthage"] = str(max(0, now - mfa_at))
    actions = ["sts:AssumeRole"]
    if tags:
        actions.append("sts:TagSession")  # AWS: session tags need sts:TagSession in trust
    if opt_str(req, "source_identity") is not None:
        actions.append("sts:SetSourceIdentity")
    for action in actions:
        if not _trust_decision(authorizer, principal, action, role, context):
            if action == "sts:AssumeRole":
                raise denied
            raise AccessDenied(
                f"User: {caller.arn} is not authorized to perform: {action} on resource: {role_arn}"
            )
    session = Session(
        access_key_id=new_key_id(),
        secret_access_key=new_secret(),
        kind=SessionKind.ROLE,
        account_id=role.account_id,
        principal_id=role.role_id,
        principal_name=role.name,
        issued_at=now,
        expires_at=now + duration,
        session_name=session_name,
        policies=policies,
        tags=tags,
        transitive_tag_keys=transitive,
        mfa_authenticated_at=mfa_at,
        source_identity=source_identity,
        chained=chained,
    )
    token, packed = _seal(call.node, session)
    response = spb.AssumeRoleResponse(
        credentials=_credentials(session, token),
        assumed_role_user=spb.AssumedRoleUser(assumed_role_id=session.user_id, arn=session.arn),
        packed_policy_size=packed,
    )
    if source_identity is not None:
        response.source_identity = source_identity
    return response


# --- AssumeRoleWithWebIdentity (unsigned) -----------------------------------------------


async def _assume_with_web_identity(
    node: NodeServices,
    jwks: webidentity.JwksCache,
    peer: Peer,
    req: spb.AssumeRoleWithWebIdentityRequest,
) -> spb.AssumeRoleWithWebIdentityResponse:
    authorizer = node.authorizer
    if authorizer is None:  # pragma: no cover - the composition root always sets it
        raise RuntimeError("this node has no authorizer")
    view = node.state.view
    role_arn = _required(opt_str(req, "role_arn"), "RoleArn")
    session_name = _required(opt_str(req, "role_session_name"), "RoleSessionName")
    if not _SESSION_NAME.match(session_name):
        raise ValidationError(
            f"`{session_name}` is not a valid role session name", "RoleSessionName"
        )
    token = _required(opt_str(req, "web_identity_token"), "WebIdentityToken")
    if len(token) > 20_000:
        raise ValidationError("the web identity token is too long", "WebIdentityToken")
    issuer, key_id, algorithm = webidentity.unverified_issuer(token)
    location = jwks.issuer_location(issuer)
    denied = AccessDenied("Not authorized to perform sts:AssumeRoleWithWebIdentity", "RoleArn")
    role = role_by_arn(view, role_arn, denied)
    provider = next(
        (
            p
            for p in view.oidc_providers.get(role.account_id, {}).values()
            if p.url.rstrip("/") == location.rstrip("/")
        ),
        None,
    )
    if provider is None:
        raise StsError(
            "InvalidIdentityToken",
            f"No OpenIDConnect provider found in your account for {issuer}",
            "WebIdentityToken",
        )
    claims = webidentity.verify(
        token, await jwks.key(issuer, key_id), algorithm, issuer, provider.client_ids
    )
    duration = _duration(
        opt_int(req, "duration_seconds"),
        ROLE_DEFAULT_S,
        role.max_session_duration,
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    )
    policies = _session_policies(
        authorizer, view, role.account_id, opt_str(req, "policy"), req.policy_arns
    )
    facts = PrincipalFacts(
        provider.arn, role.account_id, PrincipalKind.FEDERATED_USER, claims.subject
    )
    principal = Principal(facts, provider.arn, PrincipalType.WEB_IDENTITY)
    extra: dict[str, str | tuple[str, ...]] = {
        f"{provider.url}:sub": claims.subject,
        f"{provider.url}:aud": claims.audience,
        "sts:rolesessionname": session_name,
    }
    if claims.amr:
        extra[f"{provider.url}:amr"] = claims.amr
    context = authorizer.contexts.build(
        facts,
        _environment(authorizer, peer),
        extra={k.lower(): v for k, v in extra.items()},
    )
    if not _trust_decision(authorizer, principal, "sts:AssumeRoleWithWebIdentity", role, context):
        raise denied
    now = node.now_ms() // 1000
    session = Session(
        access_key_id=new_key_id(),
        secret_access_key=new_secret(),
        kind=SessionKind.ROLE,
        account_id=role.account_id,
        principal_id=role.role_id,
        principal_name=role.name,
        issued_at=now,
        expires_at=now + duration,
        session_name=session_name,
        policies=policies,
        web_identity_provider=provider.arn,
    )
    sealed, packed = _seal(node, session)
    return spb.AssumeRoleWithWebIdentityResponse(
        credentials=_credentials(session, sealed),
        subject_from_web_identity_token=claims.subject,
        assumed_role_user=spb.AssumedRoleUser(assumed_role_id=session.user_id, arn=session.arn),
        packed_policy_size=packed,
        provider=provider.url,
        audience=claims.audience,
    )


def _unsigned_behavior(node: NodeServices, jwks: webidentity.JwksCache) -> Any:
    """Like the dispatcher's behaviour, without authentication: the JWT is the credential."""

    async def behavior(body: bytes, context: grpc.aio.ServicerContext[Any, Any]) -> bytes:
        try:
            try:
                request = spb.AssumeRoleWithWebIdentityRequest.FromString(body)
            except DecodeError:
                raise InvalidInput("the request body is not a valid message") from None
            peer = Peer(peer_ip(context.peer()), False, None)
            response: Message = await _assume_with_web_identity(node, jwks, peer, request)
            return bytes(response.SerializeToString())
        except IamError as err:
            error = WireError(err.code, err.message, err.field)
        except webidentity.WebIdentityError as err:
            error = WireError(err.code, err.message, "WebIdentityToken")
        except Exception:
            log.exception("AssumeRoleWithWebIdentity failed")
            error = WireError("ServiceFailure", "an internal error occurred")
        context.set_trailing_metadata(error.trailers())
        await context.abort(error.status(), error.message)
        raise AssertionError("abort returns only by raising")  # pragma: no cover

    return behavior
