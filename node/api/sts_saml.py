"""AssumeRoleWithSAML: the unsigned STS call whose credential is a signed SAML 2.0 response."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any

import grpc
import regex
from google.protobuf.message import DecodeError, Message

from iamstore.node.api.call import CallerConnection, NodeComponents
from iamstore.node.api.dispatch import opt_int, opt_str
from iamstore.node.api.sts_roles import (
    compile_session_policies,
    request_environment,
    required,
    role_by_arn,
    role_session,
    session_policies,
    trust_decision,
)
from iamstore.node.api.sts_sessions import (
    MAX_SESSION_TAGS,
    ROLE_DEFAULT_S,
    StsError,
    credentials_message,
    duration_within,
    seal_session,
)
from iamstore.node.auth import saml
from iamstore.node.auth.assertion_ids import AssertionIds, ReplayRefused
from iamstore.node.auth.authorize import Principal
from iamstore.node.auth.request_context import PrincipalFacts, PrincipalKind, peer_ip
from iamstore.node.domain.entities import SamlProvider
from iamstore.node.domain.errors import AccessDenied, IamError, InvalidInput
from iamstore.node.policy import PrincipalType
from iamstore.v1 import sts_pb2 as spb
from iamstore.wire.errors import WireError

log = logging.getLogger(__name__)

_TAG_KEY_MAX, _TAG_VALUE_MAX = 128, 256
# AWS's tagKeyType and tagValueType patterns (STS API reference, Tag).
_TAG_KEY = regex.compile(r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+")
_TAG_VALUE = regex.compile(r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*")


class SamlSignIn:
    """AssumeRoleWithSAML on one node: its SAML rules and the assertion ids it has accepted."""

    def __init__(self, components: NodeComponents, policy: saml.SamlPolicy) -> None:
        self.components = components
        self.policy = policy
        self.used = AssertionIds()

    def _provider(self, principal_arn: str) -> SamlProvider:
        account = principal_arn.split(":")[4] if principal_arn.count(":") >= 5 else ""
        found = self.components.state.view.saml_providers.get(account, {}).get(principal_arn)
        if found is None:
            # AWS's message ("Troubleshoot SAML 2.0 federation", IAM User Guide).
            raise StsError(
                "InvalidIdentityToken", "Specified provider doesn't exist", "PrincipalArn"
            )
        return found

    async def assume(
        self, peer: CallerConnection, req: spb.AssumeRoleWithSAMLRequest
    ) -> spb.AssumeRoleWithSAMLResponse:
        components = self.components
        authorizer = components.authorizer
        view = components.state.view
        role_arn = required(opt_str(req, "role_arn"), "RoleArn")
        principal_arn = required(opt_str(req, "principal_arn"), "PrincipalArn")
        xml = saml.decode(required(opt_str(req, "saml_assertion"), "SAMLAssertion"))
        denied = AccessDenied("Not authorized to perform sts:AssumeRoleWithSAML", "RoleArn")
        provider = self._provider(principal_arn)
        now_ms = components.now_ms()
        now = now_ms / 1000
        if provider.valid_until_ms is not None and now_ms > provider.valid_until_ms:
            raise StsError(
                "InvalidIdentityToken",
                "the provider's metadata is past its validUntil; update the provider",
                "PrincipalArn",
            )
        # CPU-bound (parsing, canonicalizing, one RSA/ECDSA check per certificate) on input
        # nobody has authenticated yet: off the event loop.
        claims = await asyncio.to_thread(saml.verify, xml, provider, now, self.policy)
        role = role_by_arn(view, role_arn, denied)
        # The assertion must offer this very (role, provider) pair, in the provider's account.
        if (role_arn, principal_arn) not in claims.roles or role.account_id != provider.account_id:
            raise denied
        requested = opt_int(req, "duration_seconds")
        duration = duration_within(
            requested if requested is not None else claims.session_duration,
            ROLE_DEFAULT_S,
            role.max_session_duration,
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        )
        policies = session_policies(
            authorizer, view, role.account_id, opt_str(req, "policy"), req.policy_arns
        )
        tags = _checked_tags(claims.principal_tags, claims.transitive_tag_keys)
        facts = PrincipalFacts(
            provider.arn, role.account_id, PrincipalKind.FEDERATED_USER, claims.subject
        )
        principal = Principal(facts, provider.arn, PrincipalType.WEB_IDENTITY)
        extra = saml.trust_keys(claims, provider)
        extra["sts:rolesessionname"] = claims.session_name
        if claims.source_identity is not None:
            extra["sts:sourceidentity"] = claims.source_identity
        if claims.transitive_tag_keys:  # sts:TagSession's key (IAM User Guide, session tags)
            extra["sts:transitivetagkeys"] = claims.transitive_tag_keys
        context = authorizer.contexts.build(
            facts, request_environment(authorizer, peer), request_tags=tags, extra=extra
        )
        actions = ["sts:AssumeRoleWithSAML"]
        if tags:
            actions.append("sts:TagSession")  # AWS: session tags need sts:TagSession in trust
        if claims.source_identity is not None:
            actions.append("sts:SetSourceIdentity")
        for action in actions:
            if not trust_decision(authorizer, principal, action, role, context):
                if action == "sts:AssumeRoleWithSAML":
                    raise denied
                raise AccessDenied(f"Not authorized to perform {action}", "RoleArn")
        # Authorized: only now compile what the session names (bounded, off the loop).
        await compile_session_policies(components, policies)
        issued = now_ms // 1000
        expires = issued + duration
        if claims.session_not_on_or_after is not None:
            # AWS: the session ends at DurationSeconds or SessionNotOnOrAfter, the earlier.
            expires = min(expires, int(claims.session_not_on_or_after))
            if expires <= issued:
                raise StsError("ExpiredTokenException", "the SAML session has ended")
        try:
            # INVARIANT: nothing is issued for an assertion id this node accepted before;
            # `claim` checks and records in one synchronous step (node.auth.assertion_ids).
            self.used.claim(provider.arn, claims.assertion_id, claims.expires_at, now)
        except ReplayRefused as err:
            raise StsError("InvalidIdentityToken", str(err), "SAMLAssertion") from None
        session = replace(
            role_session(role, claims.session_name, issued, expires - issued, policies),
            tags=tags,
            transitive_tag_keys=claims.transitive_tag_keys,
            source_identity=claims.source_identity,
            web_identity_provider=provider.arn,
        )
        sealed, packed = seal_session(components, session)
        response = spb.AssumeRoleWithSAMLResponse(
            credentials=credentials_message(session, sealed),
            assumed_role_user=spb.AssumedRoleUser(assumed_role_id=session.user_id, arn=session.arn),
            packed_policy_size=packed,
            subject=claims.subject,
            subject_type=claims.subject_type,
            issuer=claims.issuer,
            audience=claims.recipient,
            name_qualifier=saml.name_qualifier(claims.issuer, provider.account_id, provider.name),
        )
        if claims.source_identity is not None:
            response.source_identity = claims.source_identity
        return response

    def behavior(self) -> Any:
        """Like the dispatcher's behaviour, without authentication: the assertion is the
        credential (AWS: AssumeRoleWithSAML is not signed)."""

        async def behavior(body: bytes, context: grpc.aio.ServicerContext[Any, Any]) -> bytes:
            try:
                try:
                    request = spb.AssumeRoleWithSAMLRequest.FromString(body)
                except DecodeError:
                    raise InvalidInput("the request body is not a valid message") from None
                peer = CallerConnection(peer_ip(context.peer()), False, None)
                response: Message = await self.assume(peer, request)
                return bytes(response.SerializeToString())
            except IamError as err:
                error = WireError(err.code, err.message, err.field)
            except saml.SamlError as err:
                error = WireError(err.code, err.message, "SAMLAssertion")
            except Exception:
                log.exception("AssumeRoleWithSAML failed")
                error = WireError("ServiceFailure", "an internal error occurred")
            context.set_trailing_metadata(error.trailers())
            await context.abort(error.status(), error.details())
            raise AssertionError("abort returns only by raising")  # pragma: no cover

        return behavior


def _checked_tags(
    tags: tuple[tuple[str, str], ...], transitive: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    """AWS's session-tag rules, applied to the PrincipalTag attributes of the assertion."""
    if len(tags) > MAX_SESSION_TAGS:
        raise StsError(
            "InvalidIdentityToken", f"at most {MAX_SESSION_TAGS} session tags are allowed"
        )
    keys = {key.lower() for key, _ in tags}
    if len(keys) != len(tags):
        raise StsError("InvalidIdentityToken", "duplicate PrincipalTag keys in the assertion")
    for key, value in tags:
        if not key or len(key) > _TAG_KEY_MAX or len(value) > _TAG_VALUE_MAX:
            raise StsError("InvalidIdentityToken", f"the session tag `{key}` is too long or empty")
        if not _TAG_KEY.fullmatch(key) or not _TAG_VALUE.fullmatch(value):
            raise StsError(
                "InvalidIdentityToken", f"the session tag `{key}` has characters tags may not use"
            )
        if key.lower().startswith("aws:"):
            raise StsError(
                "InvalidIdentityToken", f"tag key `{key}` uses the reserved prefix `aws:`"
            )
    for key in transitive:
        if key.lower() not in keys:
            raise StsError(
                "InvalidIdentityToken", f"transitive tag key `{key}` is not a session tag"
            )
    return tags
