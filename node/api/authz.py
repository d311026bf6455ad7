"""The Authz service's Authorize and AuthorizeBatch handlers (its simulators: authz_simulators)."""

from __future__ import annotations

from collections.abc import Sequence

from iamstore.node.api import convert
from iamstore.node.api.context import Call
from iamstore.node.api.dispatch import Handler, opt_str, registrar
from iamstore.node.auth.authorize import (
    RESOURCE_POLICY_NAME,
    Authorizer,
    Principal,
    account_of,
    resource_account_of,
    resource_kind,
)
from iamstore.node.auth.authz_messages import failure_message
from iamstore.node.auth.context import (
    ContextEntryInput,
    Environment,
    PrincipalFacts,
    entries_to_context,
)
from iamstore.node.auth.http_signature import SignedHttpRequest
from iamstore.node.auth.sessions import KEY_ID_PREFIX, MAX_TOKEN_CHARS, TokenError, scope_allows
from iamstore.node.domain.errors import AccessDenied, InvalidInput
from iamstore.node.policy import Decision, MatchedStatement, Outcome
from iamstore.node.policy.variables import Context
from iamstore.v1 import authz_pb2 as apb
from iamstore.wire.sigv4 import SignatureError

HANDLERS: dict[str, Handler] = {}
op = registrar(HANDLERS)
SERVICE = apb.DESCRIPTOR.services_by_name["Authz"]
# The answer for a request the session's credentials could not make at all.
_OUT_OF_SCOPE = Decision(Outcome.IMPLICIT_DENY)


def authorizer_of(call: Call) -> Authorizer:
    """The node's Authorizer (shared with the simulators' handlers)."""
    authorizer = call.node.authorizer
    if authorizer is None:  # pragma: no cover - the composition root always sets it
        raise RuntimeError("this node has no authorizer")
    return authorizer


def context_entries(entries: Sequence[apb.ContextEntry]) -> list[ContextEntryInput]:
    """A request's ContextEntries as the request context takes them."""
    return [
        ContextEntryInput(
            e.context_key_name, tuple(e.context_key_values), opt_str(e, "context_key_type")
        )
        for e in entries
    ]


def _matched(statements: Sequence[MatchedStatement]) -> list[apb.MatchedStatement]:
    return [
        apb.MatchedStatement(
            policy_type=m.policy_kind.value,
            policy_name=m.policy_name,
            statement_index=m.statement_index,
            sid=m.sid,
        )
        for m in statements
    ]


def _required(value: str | None, field: str) -> str:
    if not value:
        raise InvalidInput(f"`{field}` is required", field)
    return value


# An item's request facts: (source_ip, secure_transport, user_agent, requested_region).
_Facts = tuple[str | None, bool | None, str | None, str | None]


class _Batch:
    """What the items of one call share, each built once per call: an Environment per set of
    request facts, a request context per (principal, environment) for items without tags or
    context entries, and a response message per distinct decision.

    INVARIANT: the handler never awaits, so no commit lands while a batch is answered and
    nothing memoized here goes stale. Keys use `id()` only of objects the value also holds,
    so an id cannot be reused by another object while the batch lives.
    """

    __slots__ = ("contexts", "environments", "responses", "sessions")

    def __init__(self) -> None:
        self.environments: dict[_Facts, Environment] = {}
        self.contexts: dict[tuple[int, int], tuple[PrincipalFacts, Context]] = {}
        # Temporary credentials opened once per call: (access key id, token) -> principal.
        self.sessions: dict[tuple[str, str], Principal] = {}
        self.responses: dict[tuple[object, ...], tuple[Decision, apb.AuthorizeResponse]] = {}


def _authorize_one(
    call: Call,
    authorizer: Authorizer,
    req: apb.AuthorizeRequest,
    prefix: str,
    batch: _Batch,
) -> apb.AuthorizeResponse:
    # Field reads are inlined (HasField, then the attribute): this runs once per batch item.
    has = req.HasField
    arn = req.principal_arn if has("principal_arn") else None
    key_id = req.access_key_id if has("access_key_id") else None
    token = req.session_token if has("session_token") else None
    signed = req.signed_request if has("signed_request") else None
    if (arn is not None) + (key_id is not None) + (signed is not None) != 1:
        raise InvalidInput(
            "give exactly one of `PrincipalArn`, `AccessKeyId` and `SignedRequest`",
            prefix + "PrincipalArn",
        )
    principal: Principal
    if signed is not None:
        if token is not None:
            raise InvalidInput(
                "a signed request carries its own session token", prefix + "SessionToken"
            )
        principal = _signer(call, authorizer, signed, prefix + "SignedRequest")
    elif key_id is not None and key_id.startswith(KEY_ID_PREFIX):
        principal = _session_principal(call, authorizer, key_id, token, prefix, batch)
    elif token is not None:
        raise InvalidInput(
            "`SessionToken` goes only with temporary credentials (`AccessKeyId` ASIA...)",
            prefix + "SessionToken",
        )
    elif arn is not None:
        principal = authorizer.principal_by_arn(call.account_id, arn, prefix + "PrincipalArn")
    else:
        principal = authorizer.principal_by_key(
            call.account_id, key_id or "", prefix + "AccessKeyId"
        )
    action = _required(req.action if has("action") else None, prefix + "Action")
    resource = _required(req.resource_arn if has("resource_arn") else None, prefix + "ResourceArn")
    resource_policy = (
        authorizer.document(
            RESOURCE_POLICY_NAME,
            resource_kind(action, resource),
            req.resource_policy,
            prefix + "ResourcePolicy",
        )
        if has("resource_policy")
        else None
    )
    facts: _Facts = (
        req.source_ip if has("source_ip") else None,
        req.secure_transport if has("secure_transport") else None,
        req.user_agent if has("user_agent") else None,
        req.requested_region if has("requested_region") else None,
    )
    environment = batch.environments.get(facts)
    if environment is None:
        peer = call.peer
        environment = batch.environments[facts] = Environment(
            peer_ip=peer.ip,
            peer_tls=peer.tls,
            peer_user_agent=peer.user_agent,
            node_region=authorizer.region,
            source_ip=facts[0],
            secure_transport=facts[1],
            user_agent=facts[2],
            requested_region=facts[3],
        )
    context: Context
    entries, request_tags, resource_tags = req.context_entries, req.request_tags, req.resource_tags
    if entries or request_tags or resource_tags:
        context = authorizer.contexts.build(
            principal.facts,
            environment,
            session=principal.session,
            request_tags=convert.tag_pairs(request_tags) if request_tags else (),
            resource_tags=convert.tag_pairs(resource_tags) if resource_tags else (),
            extra=entries_to_context(
                context_entries(entries), field=prefix + "ContextEntries", allow_reserved=False
            )
            if entries
            else None,
        )
    else:
        # A session principal's facts are its own object (principal_for_session builds them),
        # so they key its session as well.
        shared = (id(principal.facts), id(environment))
        known = batch.contexts.get(shared)
        if known is None:
            known = batch.contexts[shared] = (
                principal.facts,
                authorizer.contexts.build(principal.facts, environment, session=principal.session),
            )
        context = known[1]
    account = (
        account_of(req.resource_account, prefix + "ResourceAccount")
        if has("resource_account")
        else None
    )
    session = principal.session
    if session is not None and not scope_allows(session, action):
        # The session could not even make this request (GetSessionToken's limits).
        return _response(batch, _OUT_OF_SCOPE, principal.request_arn)
    decision = authorizer.decide(
        principal,
        action,
        resource,
        account or resource_account_of(resource),
        resource_policy,
        context,
    )
    response = _response(batch, decision, principal.request_arn)
    if has("encode_failure_message") and req.encode_failure_message and not decision.allowed:
        response = _with_failure_message(
            call, response, decision, principal, action, resource, context
        )
    return response


def _with_failure_message(
    call: Call,
    shared: apb.AuthorizeResponse,
    decision: Decision,
    principal: Principal,
    action: str,
    resource: str,
    context: Context,
) -> apb.AuthorizeResponse:
    """A copy of the (batch-shared) response carrying this item's sealed failure message."""
    sealer = call.node.sessions
    if sealer is None:  # pragma: no cover - the composition root always sets it
        raise RuntimeError("this node seals no messages")
    plain = failure_message(decision, principal.facts, action, resource, context)
    response = apb.AuthorizeResponse()
    response.CopyFrom(shared)
    response.encoded_message = sealer.seal_message(principal.facts.account_id, plain)
    return response


def _signer(call: Call, authorizer: Authorizer, signed: apb.SignedRequest, field: str) -> Principal:
    """Whoever signed the request, once the node has verified the signature (and the session
    token of temporary credentials): the principal as its own calls would be authorized."""
    request = SignedHttpRequest(
        method=signed.method,
        path=signed.path,
        query=signed.query,
        headers=tuple((h.name, h.value) for h in signed.headers),
        payload_sha256=signed.payload_sha256,
    )
    try:
        caller = call.node.auth.authenticate_http(request)
    except SignatureError as err:
        raise InvalidInput(f"the signed request does not verify: {err}", field) from None
    if caller.account_id != call.account_id:
        raise AccessDenied(
            "the signer is not in your account: "
            "you may ask only about principals of your own account"
        )
    return authorizer.principal_for_caller(caller)


def _session_principal(
    call: Call, authorizer: Authorizer, key_id: str, token: str | None, prefix: str, batch: _Batch
) -> Principal:
    """The principal of temporary credentials as their holder presented them: the token is
    opened (so only sessions this cluster issued are known), then the whole session counts."""
    field = prefix + "SessionToken"
    if token is None:
        raise InvalidInput(
            "temporary credentials (`AccessKeyId` ASIA...) need their `SessionToken`", field
        )
    known = batch.sessions.get((key_id, token))
    if known is not None:
        return known
    sealer = call.node.sessions
    if sealer is None:  # pragma: no cover - the composition root always sets it
        raise RuntimeError("this node opens no session tokens")
    if len(token) > MAX_TOKEN_CHARS:  # never more than the node issues: no work on bigger ones
        raise InvalidInput("the session token is not valid for this `AccessKeyId`", field)
    try:
        session = sealer.open(key_id, token)
    except TokenError:
        raise InvalidInput("the session token is not valid for this `AccessKeyId`", field) from None
    if session.account_id != call.account_id:
        raise AccessDenied(
            f"principal `{key_id}` is not in your account: "
            "you may ask only about principals of your own account"
        )
    if call.node.now_ms() // 1000 >= session.expires_at:
        raise InvalidInput("the temporary credentials have expired", field)
    principal = batch.sessions[(key_id, token)] = authorizer.principal_for_session(session)
    return principal


def _response(batch: _Batch, decision: Decision, principal_arn: str) -> apb.AuthorizeResponse:
    """The response for a decision; equal decisions in one batch share one message."""
    matched = decision.matched
    key = (id(decision.outcome), principal_arn, *map(id, matched))
    known = batch.responses.get(key)
    if known is None:
        response = apb.AuthorizeResponse(
            decision=decision.outcome.value,
            matched_statements=_matched(matched),
            principal_arn=principal_arn,
        )
        known = batch.responses[key] = (decision, response)
    return known[1]


@op("Authorize")
async def authorize(call: Call, req: apb.AuthorizeRequest) -> apb.AuthorizeResponse:
    return _authorize_one(call, authorizer_of(call), req, "", _Batch())


@op("AuthorizeBatch")
async def authorize_batch(call: Call, req: apb.AuthorizeBatchRequest) -> apb.AuthorizeBatchResponse:
    authorizer = authorizer_of(call)
    batch = _Batch()  # items of one batch mostly share their principal and request facts
    return apb.AuthorizeBatchResponse(
        results=[
            _authorize_one(call, authorizer, item, f"Requests.{i}.", batch)
            for i, item in enumerate(req.requests, 1)
        ]
    )
