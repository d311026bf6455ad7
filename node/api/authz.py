"""The Authz service's Authorize and AuthorizeBatch handlers (its simulators: authz_simulators)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from iamstore.node.api import convert
from iamstore.node.api.authz_limits import (
    ACTION_NAME_MAX_CHARS,
    AUTHORIZE_BATCH_MAX_REQUESTS,
    INLINE_MAX_DECISIONS,
    INLINE_MAX_DOCUMENT_CHARS,
    INLINE_MAX_VALUE_CHARS,
    INLINE_MAX_WORK,
    MAX_CONTEXT_ENTRIES,
    MAX_CONTEXT_VALUES,
    MAX_TAGS,
    POLICY_DOCUMENT_MAX_CHARS,
    RESOURCE_ARN_MAX_CHARS,
    check_count,
    check_length,
    matching_work,
)
from iamstore.node.api.call import Call
from iamstore.node.api.dispatch import Handler, opt_str, registrar
from iamstore.node.api.documents import Documents, prepare
from iamstore.node.auth.authorize import (
    RESOURCE_POLICY_NAME,
    Authorizer,
    Principal,
    Question,
    account_of,
    resource_account_of,
    resource_kind,
)
from iamstore.node.auth.authz_messages import failure_message
from iamstore.node.auth.http_signature import SignedHttpRequest
from iamstore.node.auth.request_context import (
    ContextEntryInput,
    Environment,
    PrincipalFacts,
    entries_to_context,
)
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
    return call.components.authorizer


def context_entries(entries: Sequence[apb.ContextEntry], field: str) -> list[ContextEntryInput]:
    """A request's ContextEntries as the request context takes them, within the caps."""
    check_count(entries, MAX_CONTEXT_ENTRIES, field)
    for position, entry in enumerate(entries, 1):
        check_count(
            entry.context_key_values, MAX_CONTEXT_VALUES, f"{field}.{position}.ContextKeyValues"
        )
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

    INVARIANT: questions are gathered without awaiting, so no commit lands while they are and
    nothing memoized here goes stale; answering them afterwards reads none of it. Keys use
    `id()` only of objects the value also holds, so an id cannot be reused by another object
    while the batch lives.
    """

    __slots__ = ("contexts", "environments", "responses", "sessions")

    def __init__(self) -> None:
        self.environments: dict[_Facts, Environment] = {}
        self.contexts: dict[tuple[int, int], tuple[PrincipalFacts, Context]] = {}
        # Temporary credentials opened once per call: (access key id, token) -> principal.
        self.sessions: dict[tuple[str, str], Principal] = {}
        self.responses: dict[tuple[object, ...], tuple[Decision, apb.AuthorizeResponse]] = {}


@dataclass(frozen=True, slots=True)
class _Item:
    """One item, gathered: its question, or None when its answer is known without one (the
    session's credentials could not make the request at all)."""

    principal: Principal
    action: str
    resource: str
    context: Context
    question: Question | None
    encode_failure: bool


def _question_of(
    call: Call,
    authorizer: Authorizer,
    req: apb.AuthorizeRequest,
    prefix: str,
    batch: _Batch,
    documents: Documents,
) -> _Item:
    """The item's question: everything its decision reads, gathered on the event loop."""
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
        check_length(arn, RESOURCE_ARN_MAX_CHARS, prefix + "PrincipalArn")
        principal = authorizer.principal_by_arn(call.account_id, arn, prefix + "PrincipalArn")
    else:
        principal = authorizer.principal_by_key(
            call.account_id, key_id or "", prefix + "AccessKeyId"
        )
    action = _required(req.action if has("action") else None, prefix + "Action")
    resource = _required(req.resource_arn if has("resource_arn") else None, prefix + "ResourceArn")
    check_length(action, ACTION_NAME_MAX_CHARS, prefix + "Action")
    check_length(resource, RESOURCE_ARN_MAX_CHARS, prefix + "ResourceArn")
    if has("resource_policy"):
        check_length(req.resource_policy, POLICY_DOCUMENT_MAX_CHARS, prefix + "ResourcePolicy")
    resource_policy = (
        documents.get(
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
        check_count(request_tags, MAX_TAGS, prefix + "RequestTags")
        check_count(resource_tags, MAX_TAGS, prefix + "ResourceTags")
        context = authorizer.contexts.build(
            principal.facts,
            environment,
            session=principal.session,
            request_tags=convert.tag_pairs(request_tags) if request_tags else (),
            resource_tags=convert.tag_pairs(resource_tags) if resource_tags else (),
            extra=entries_to_context(
                context_entries(entries, prefix + "ContextEntries"),
                field=prefix + "ContextEntries",
                allow_reserved=False,
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
        return _Item(principal, action, resource, context, None, False)
    question = authorizer.question(
        principal,
        action,
        resource,
        account or resource_account_of(resource),
        resource_policy,
        context,
    )
    encode = has("encode_failure_message") and req.encode_failure_message
    return _Item(principal, action, resource, context, question, encode)


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
    sealer = call.components.sessions
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
        caller = call.components.auth.authenticate_http(request)
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
    sealer = call.components.sessions
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
    if call.components.now_ms() // 1000 >= session.expires_at:
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


def _offloaded(requests: Sequence[apb.AuthorizeRequest], questions: Sequence[Question]) -> bool:
    """Whether answering `requests` may take long enough to move off the event loop."""
    if len(requests) > INLINE_MAX_DECISIONS:
        return True
    work = sum(matching_work(q.patterns, q.request.resource_arn) for q in questions)
    if work > INLINE_MAX_WORK:
        return True
    documents = sum(len(r.resource_policy) for r in requests if r.HasField("resource_policy"))
    if documents > INLINE_MAX_DOCUMENT_CHARS:
        return True
    return any(
        len(r.resource_arn) > INLINE_MAX_VALUE_CHARS
        or any(
            len(value) > INLINE_MAX_VALUE_CHARS
            for entry in r.context_entries
            for value in entry.context_key_values
        )
        for r in requests
    )


async def _answer(
    call: Call, authorizer: Authorizer, requests: Sequence[apb.AuthorizeRequest], field: str
) -> list[apb.AuthorizeResponse]:
    """Every request's response, in order. Their documents are compiled first (off the loop
    when large), the questions then gathered on the event loop without awaiting (see
    _Batch), and only then answered, off the loop when large."""
    batch = _Batch()  # items of one batch mostly share their principal and request facts
    single = len(requests) == 1 and field == ""
    documents = await prepare(
        call,
        authorizer,
        (
            (RESOURCE_POLICY_NAME, resource_kind(r.action, r.resource_arn), r.resource_policy)
            for r in requests
            if r.HasField("resource_policy")
        ),
    )
    items = [
        _question_of(call, authorizer, item, "" if single else f"{field}.{i}.", batch, documents)
        for i, item in enumerate(requests, 1)
    ]
    questions = [item.question for item in items if item.question is not None]

    def answer_all() -> list[Decision]:
        return [authorizer.answer(question) for question in questions]

    if _offloaded(requests, questions):
        decisions = iter(await call.components.evaluations.run(answer_all))
    else:
        decisions = iter(answer_all())
    responses: list[apb.AuthorizeResponse] = []
    attempted, now_ms = call.components.usage.attempted, call.components.now_ms()
    for item in items:
        decision = _OUT_OF_SCOPE if item.question is None else next(decisions)
        # Every decision about a user or role is an attempt (last-accessed data), allowed or not.
        subject = item.principal.user_id or item.principal.role_id
        if subject is not None:
            attempted(subject, item.action, now_ms)
        response = _response(batch, decision, item.principal.request_arn)
        if item.encode_failure and not decision.allowed:
            response = _with_failure_message(
                call, response, decision, item.principal, item.action, item.resource, item.context
            )
        responses.append(response)
    return responses


@op("Authorize")
async def authorize(call: Call, req: apb.AuthorizeRequest) -> apb.AuthorizeResponse:
    return (await _answer(call, authorizer_of(call), [req], ""))[0]


@op("AuthorizeBatch")
async def authorize_batch(call: Call, req: apb.AuthorizeBatchRequest) -> apb.AuthorizeBatchResponse:
    check_count(req.requests, AUTHORIZE_BATCH_MAX_REQUESTS, "Requests")
    results = await _answer(call, authorizer_of(call), req.requests, "Requests")
    return apb.AuthorizeBatchResponse(results=results)
