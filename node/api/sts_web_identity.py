"""AssumeRoleWithWebIdentity: the unsigned STS call whose credential is an OpenID Connect token."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import grpc
from google.protobuf.message import DecodeError, Message

from iamstore.node.api import validation
from iamstore.node.api.call import CallerConnection, NodeComponents
from iamstore.node.api.dispatch import opt_int, opt_str
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
from iamstore.node.api.sts_sessions import (
    ROLE_DEFAULT_S,
    StsError,
    credentials_message,
    duration_within,
    seal_session,
)
from iamstore.node.auth import webidentity
from iamstore.node.auth.authorize import Principal
from iamstore.node.auth.request_context import PrincipalFacts, PrincipalKind, peer_ip
from iamstore.node.domain.errors import AccessDenied, IamError, InvalidInput, ValidationError
from iamstore.node.policy import PrincipalType
from iamstore.v1 import sts_pb2 as spb
from iamstore.wire.errors import WireError

log = logging.getLogger(__name__)


async def _assume_with_web_identity(
    components: NodeComponents,
    jwks: webidentity.JwksCache,
    peer: CallerConnection,
    req: spb.AssumeRoleWithWebIdentityRequest,
) -> spb.AssumeRoleWithWebIdentityResponse:
    authorizer = components.authorizer
    view = components.state.view
    role_arn = required(opt_str(req, "role_arn"), "RoleArn")
    session_name = required(opt_str(req, "role_session_name"), "RoleSessionName")
    if not SESSION_NAME.match(session_name):
        raise ValidationError(
            f"`{session_name}` is not a valid role session name", "RoleSessionName"
        )
    token = required(opt_str(req, "web_identity_token"), "WebIdentityToken")
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
    duration = duration_within(
        opt_int(req, "duration_seconds"),
        ROLE_DEFAULT_S,
        role.max_session_duration,
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    )
    policies = session_policies(
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
        request_environment(authorizer, peer),
        extra={k.lower(): v for k, v in extra.items()},
    )
    if not trust_decision(authorizer, principal, "sts:AssumeRoleWithWebIdentity", role, context):
        raise denied
    # Authorized: only now compile what the session names (bounded, off the loop).
    await compile_session_policies(components, policies)
    now = components.now_ms() // 1000
    session = replace(
        role_session(role, session_name, now, duration, policies),
        web_identity_provider=provider.arn,
    )
    sealed, packed = seal_session(components, session)
    return spb.AssumeRoleWithWebIdentityResponse(
        credentials=credentials_message(session, sealed),
        subject_from_web_identity_token=claims.subject,
        assumed_role_user=spb.AssumedRoleUser(assumed_role_id=session.user_id, arn=session.arn),
        packed_policy_size=packed,
        provider=provider.url,
        audience=claims.audience,
    )


def unsigned_behavior(components: NodeComponents, jwks: webidentity.JwksCache) -> Any:
    """Like the dispatcher's behaviour, without authentication: the JWT is the credential."""

    async def behavior(body: bytes, context: grpc.aio.ServicerContext[Any, Any]) -> bytes:
        try:
            try:
                request = spb.AssumeRoleWithWebIdentityRequest.FromString(body)
            except DecodeError:
                raise InvalidInput("the request body is not a valid message") from None
            validation.validate("AssumeRoleWithWebIdentity", request)
            peer = CallerConnection(peer_ip(context.peer()), False, None)
            response: Message = await _assume_with_web_identity(components, jwks, peer, request)
            return bytes(response.SerializeToString())
        except IamError as err:
            error = WireError(err.code, err.message, err.field)
        except webidentity.WebIdentityError as err:
            error = WireError(err.code, err.message, "WebIdentityToken")
        except Exception:
            log.exception("AssumeRoleWithWebIdentity failed")
            error = WireError("ServiceFailure", "an internal error occurred")
        context.set_trailing_metadata(error.trailers())
        await context.abort(error.status(), error.details())
        raise AssertionError("abort returns only by raising")  # pragma: no cover

    return behavior


async def assume_role_with_web_identity(
    components: NodeComponents,
    jwks: webidentity.JwksCache,
    peer: CallerConnection,
    request: Message,
) -> Message:
    """The same unsigned call for another wire (the HTTP front end), with the same checks."""
    if not isinstance(request, spb.AssumeRoleWithWebIdentityRequest):
        raise TypeError("not an AssumeRoleWithWebIdentityRequest")
    return await _assume_with_web_identity(components, jwks, peer, request)
