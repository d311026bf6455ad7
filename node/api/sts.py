"""The Sts service: caller identity, session tokens, AssumeRole (federation: sts_web_identity,
sts_saml)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import grpc

from iamstore.node.api import convert, sts_federation
from iamstore.node.api.call import Call, NodeComponents
from iamstore.node.api.dispatch import Handler, method_handlers, opt_int, opt_str, registrar
from iamstore.node.api.mfa_attempts import INVALID_CODE, LOCKED
from iamstore.node.api.sts_roles import (
    SESSION_NAME,
    compile_session_policies,
    request_environment,
    required,
    role_by_arn,
    role_session,
    session_policies,
    trust_decision,
)
from iamstore.node.api.sts_saml import SamlSignIn
from iamstore.node.api.sts_sessions import (
    CHAINED_MAX_S,
    MAX_SESSION_TAGS,
    ROLE_DEFAULT_S,
    caller_session_duration,
    credentials_message,
    duration_within,
    seal_session,
)
from iamstore.node.api.sts_web_identity import unsigned_behavior
from iamstore.node.auth import totp, webidentity
from iamstore.node.auth.authenticate import Caller
from iamstore.node.auth.sessions import Session, SessionKind, new_key_id, new_secret
from iamstore.node.domain import mfa
from iamstore.node.domain.entities import Change
from iamstore.node.domain.errors import AccessDenied, IamError, InvalidInput, ValidationError
from iamstore.v1 import sts_pb2 as spb

HANDLERS: dict[str, Handler] = {}
op = registrar(HANDLERS)
SERVICE = spb.DESCRIPTOR.services_by_name["Sts"]

_SOURCE_IDENTITY = re.compile(r"[\w+=,.@-]{2,64}\Z", re.ASCII)
_EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]{2,1224}\Z", re.ASCII)


# Every signed Sts operation, for the gRPC service and the HTTP front end alike.
def signed_handlers() -> dict[str, Handler]:
    return {**HANDLERS, **sts_federation.HANDLERS}


def unsigned_handlers(
    components: NodeComponents, jwks: webidentity.JwksCache, saml_sign_in: SamlSignIn
) -> grpc.GenericRpcHandler[Any, Any]:
    """The Sts service's unsigned operations, AssumeRoleWithWebIdentity and
    AssumeRoleWithSAML: registered before `signed_service`, whose table lacks them."""
    return grpc.method_handlers_generic_handler(
        SERVICE.full_name,
        {
            "AssumeRoleWithWebIdentity": grpc.unary_unary_rpc_method_handler(
                unsigned_behavior(components, jwks)
            ),
            "AssumeRoleWithSAML": grpc.unary_unary_rpc_method_handler(saml_sign_in.behavior()),
        },
    )


def signed_service(components: NodeComponents) -> grpc.GenericRpcHandler[Any, Any]:
    """The Sts service's signed operations."""
    return method_handlers(SERVICE, spb, signed_handlers(), components)


async def _mfa_time(call: Call, serial_number: str | None, token_code: str | None) -> int | None:
    """Now (epoch seconds) when a valid, unused code of the caller's device was given.

    Wrong codes are counted per device across the cluster, slowed down and locked out
    (node.api.mfa_attempts); a locked device has no code checked at all.
    """
    if serial_number is None and token_code is None:
        return None
    if serial_number is None or token_code is None:
        raise InvalidInput("give both `SerialNumber` and `TokenCode`", "TokenCode")
    failed = AccessDenied(INVALID_CODE)
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
    now = call.components.now_ms() / 1000
    steps, attempts = call.components.mfa_steps, call.components.mfa_attempts
    # INVARIANT: no await between the lock check, the code check, and its claim or count
    # (node.auth.totp's replay rule; node.api.mfa_attempts' counting rule).
    if attempts.locked(call.view, device.device_id, now):
        raise AccessDenied(LOCKED)
    seed = call.components.box.open(device.sealed_seed, device.device_id)
    step = totp.verify(
        seed, token_code, now, steps.last(device.device_id), drift=device.drift_steps
    )
    if step is None:
        row, wait = attempts.failed(call.view, device.device_id, now)
        try:
            await call.change(lambda view, ctx: [Change.put(row)])
        finally:
            attempts.written(row)
        await attempts.slow_down(wait)
        raise failed
    steps.claim(device.device_id, step)
    forget = attempts.forgotten(call.view, device.device_id)
    if forget:
        await call.change(lambda view, ctx: forget)
    return int(now)


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
    duration = caller_session_duration(opt_int(req, "duration_seconds"), root=root)
    mfa_at = await _mfa_time(call, opt_str(req, "serial_number"), opt_str(req, "token_code"))
    now = call.components.now_ms() // 1000
    session = Session(
        access_key_id=new_key_id(caller.account_id),
        secret_access_key=new_secret(),
        kind=SessionKind.ROOT if root else SessionKind.USER,
        account_id=caller.account_id,
        principal_id=caller.user_id or caller.account_id,
        principal_name="" if root else caller.arn.rsplit("/", 1)[-1],
        issued_at=now,
        expires_at=now + duration,
        mfa_authenticated_at=mfa_at,
    )
    token, _ = seal_session(call.components, session)
    return spb.GetSessionTokenResponse(credentials=credentials_message(session, token))


# --- AssumeRole ----------------------------------------------------------------------


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


@op("AssumeRole")
async def assume_role(call: Call, req: spb.AssumeRoleRequest) -> spb.AssumeRoleResponse:
    authorizer = call.components.authorizer
    caller = call.caller
    role_arn = required(opt_str(req, "role_arn"), "RoleArn")
    denied = AccessDenied(
        f"User: {caller.arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
    )
    session_name = required(opt_str(req, "role_session_name"), "RoleSessionName")
    if not SESSION_NAME.match(session_name):
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
    duration = duration_within(
        opt_int(req, "duration_seconds"),
        ROLE_DEFAULT_S,
        CHAINED_MAX_S if chained else role.max_session_duration,
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed "
        "by role chaining."
        if chained
        else "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    )
    policies = session_policies(
        authorizer, call.view, role.account_id, opt_str(req, "policy"), req.policy_arns
    )
    tags, transitive = _tags(req, caller)
    mfa_at = await _mfa_time(call, opt_str(req, "serial_number"), opt_str(req, "token_code"))
    if mfa_at is None and parent is not None:
        mfa_at = parent.mfa_authenticated_at

    principal = authorizer.principal_for_caller(caller)
    extra: dict[str, str | tuple[str, ...]] = {"sts:rolesessionname": session_name}
    if external_id is not None:
        extra["sts:externalid"] = external_id
    if source_identity is not None:
        extra["sts:sourceidentity"] = source_identity
    if req.transitive_tag_keys:
        # sts:TagSession's condition key: the keys this request makes transitive (IAM User
        # Guide, "Passing session tags in AWS STS"; tags a calling session carries over are
        # transitive already and not the request's to choose).
        extra["sts:transitivetagkeys"] = tuple(req.transitive_tag_keys)
    context = dict(
        authorizer.contexts.build(
            principal.facts,
            request_environment(authorizer, call.peer),
            request_tags=tags,
            extra=extra,
            session=parent,
        )
    )
    now = call.components.now_ms() // 1000
    if mfa_at is not None:
        context["aws:multifactorauthpresent"] = "true"
        context["aws:multifactorauthage"] = str(max(0, now - mfa_at))
    actions = ["sts:AssumeRole"]
    if tags:
        actions.append("sts:TagSession")  # AWS: session tags need sts:TagSession in trust
    if opt_str(req, "source_identity") is not None:
        actions.append("sts:SetSourceIdentity")
    for action in actions:
        if not trust_decision(authorizer, principal, action, role, context):
            if action == "sts:AssumeRole":
                raise denied
            raise AccessDenied(
                f"User: {caller.arn} is not authorized to perform: {action} on resource: {role_arn}"
            )
    # Authorized: only now compile what the session names (bounded, off the loop).
    await compile_session_policies(call.components, policies)
    session = replace(
        role_session(role, session_name, now, duration, policies),
        tags=tags,
        transitive_tag_keys=transitive,
        mfa_authenticated_at=mfa_at,
        source_identity=source_identity,
        chained=chained,
    )
    token, packed = seal_session(call.components, session)
    response = spb.AssumeRoleResponse(
        credentials=credentials_message(session, token),
        assumed_role_user=spb.AssumedRoleUser(assumed_role_id=session.user_id, arn=session.arn),
        packed_policy_size=packed,
    )
    if source_identity is not None:
        response.source_identity = source_identity
    return response
