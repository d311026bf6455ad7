"""Turns handlers into gRPC method handlers: authenticate the wire bytes, decode, validate, run.

Requests arrive as raw bytes (no deserializer) so the signature is checked over exactly the
bytes that were sent; only then is the message decoded. Every failure leaves as one AWS-style
error with its code in trailing metadata.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from google.protobuf.message import DecodeError, Message

from iamstore.node.api import validation
from iamstore.node.api.call import Call, CallerConnection, NodeComponents
from iamstore.node.audit import AuditDecision
from iamstore.node.auth.admin import PolicyDenied, Target
from iamstore.node.auth.authenticate import Caller
from iamstore.node.auth.request_context import peer_ip
from iamstore.node.domain.errors import (
    AccessDenied,
    IamError,
    InvalidAction,
    InvalidInput,
    NotYetReplicated,
)
from iamstore.node.domain.keys import is_root_key
from iamstore.node.policy import Outcome
from iamstore.wire.consistency import AT_LEAST_KEY, TOKEN_KEY, TokenFormatError, parse_token
from iamstore.wire.errors import WireError
from iamstore.wire.sigv4 import SignatureError, parse_grpc_auth

log = logging.getLogger(__name__)

Handler = Callable[[Call, Any], Awaitable[Message]]


def parse_tokens(text: str) -> dict[str, int]:
    """A consistency token from the wire, or InvalidInput naming the bad part."""
    try:
        return parse_token(text)
    except TokenFormatError as err:
        raise InvalidInput(str(err), "AtLeast") from None


def _peer(
    context: grpc.aio.ServicerContext[Any, Any], metadata: list[tuple[str, str | bytes]]
) -> CallerConnection:
    agent = next((v for k, v in metadata if k == "user-agent"), None)
    tls = context.auth_context().get("transport_security_type") == [b"ssl"]
    return CallerConnection(peer_ip(context.peer()), tls, agent if isinstance(agent, str) else None)


async def wait_for_token(components: NodeComponents, tokens: str | None) -> None:
    """Waits (bounded) until this replica covers the caller's consistency token, if any."""
    if tokens is None:
        return
    required = parse_tokens(tokens)
    timeout_s = components.at_least_timeout_s
    if not await components.state.wait_until_covers(required, timeout_s):
        raise NotYetReplicated(
            f"this node has not yet replicated `{tokens}` "
            f"(waited {timeout_s:g} s); retry, or ask the node that took the write"
        )


def _at_least(metadata: list[tuple[str, str | bytes]]) -> str | None:
    text = next((v for k, v in metadata if k == AT_LEAST_KEY), None)
    return text.decode() if isinstance(text, bytes) else text


async def authenticate_and_wait(
    components: NodeComponents, authenticate: Callable[[], Caller], at_least: str | None
) -> Caller:
    """The verified caller, once this replica covers the caller's token (wire-independent).

    INVARIANT: only an authenticated caller waits for its token.
    """
    try:
        caller = authenticate()
    except SignatureError as err:
        # The key may come from a write this replica has not applied yet. Nothing is held
        # for a caller before it is authenticated: when its token names writes this replica
        # lacks, it is told at once to retry, never kept waiting.
        if err.code == "InvalidClientTokenId" and _lacks_token(components, at_least):
            raise NotYetReplicated(
                "this node does not know the access key and has not yet replicated the "
                "writes your consistency token names; retry shortly, or ask the node that "
                "took the write"
            ) from None
        raise
    await wait_for_token(components, at_least)
    return caller


def _lacks_token(components: NodeComponents, at_least: str | None) -> bool:
    """True when the caller's token is well formed, names only members this node knows, and
    this replica does not cover it yet.

    INVARIANT: a token naming an origin no member has (anyone can write one) never turns an
    unknown key's InvalidClientTokenId into NotYetReplicated, which SDKs retry.
    """
    if at_least is None:
        return False
    try:
        required = parse_token(at_least)
    except TokenFormatError:
        return False
    return required.keys() <= _known_origins(components) and not components.state.covers(required)


def _known_origins(components: NodeComponents) -> set[str]:
    """This node, the members it knows of, and every origin whose commits it has applied."""
    known = {components.node_id, *components.state.version_vector()}
    known.update(member.node_id for member in components.replicator.membership.members())
    return known


async def run_operation(
    components: NodeComponents,
    service: str,
    operation: str,
    handler: Handler,
    caller: Caller,
    peer: CallerConnection,
    request: Message,
) -> tuple[Message, Call]:
    """Validates, authorizes, runs and audits one decoded request: the same for every wire.

    `service` is the gRPC service's full name (`iamstore.v1.Iam`).
    """
    if validation.is_modelled(operation):
        validation.validate(operation, request)
    call = Call(caller, components, operation, peer)
    record_attempt(components, caller, service, operation)
    # Authorized before the handler runs, so a refused call changes nothing.
    targets = components.gate.check(caller, call.environment(), service, operation, request)
    response = await handler(call, request)
    if call.token is not None:
        record_change(components, call, service, targets)
    return response, call


def method_handlers(
    service: Any, pb_module: Any, handlers: dict[str, Handler], components: NodeComponents
) -> grpc.GenericRpcHandler[Any, Any]:
    """A generic handler serving every method of `service` that has a handler."""
    table: dict[str, grpc.RpcMethodHandler[Any, Any]] = {}
    for method in service.methods:
        handler = handlers.get(method.name)
        if handler is None:  # tests/unit/node/test_dispatch.py keeps this list empty
            handler = _unimplemented(method.name)
        request_type = getattr(pb_module, method.input_type.name)
        table[method.name] = grpc.unary_unary_rpc_method_handler(
            _behavior(service.full_name, method.name, request_type, handler, components)
        )
    return grpc.method_handlers_generic_handler(service.full_name, table)


def _unimplemented(operation: str) -> Handler:
    async def refuse(call: Call, request: Any) -> Message:
        raise InvalidAction(f"operation `{operation}` is not implemented by this node")

    return refuse


def _behavior(
    service: str, operation: str, request_type: Any, handler: Handler, components: NodeComponents
) -> Callable[[bytes, grpc.aio.ServicerContext[Any, Any]], Awaitable[bytes]]:
    path = f"/{service}/{operation}"

    async def behavior(body: bytes, context: grpc.aio.ServicerContext[Any, Any]) -> bytes:
        metadata = _pairs(context.invocation_metadata())
        peer = _peer(context, metadata)
        caller: Caller | None = None
        try:
            caller = await authenticate_and_wait(
                components,
                lambda: components.auth.authenticate(path, body, metadata),
                _at_least(metadata),
            )
            try:
                request = request_type.FromString(body)
            except DecodeError:
                raise InvalidInput("the request body is not a valid message") from None
            response, call = await run_operation(
                components, service, operation, handler, caller, peer, request
            )
            if call.token is not None:
                context.set_trailing_metadata(((TOKEN_KEY, call.token.encode()),))
            return bytes(response.SerializeToString())
        except IamError as err:
            error = WireError(err.code, err.message, err.field)
            if isinstance(err, AccessDenied) and caller is not None:
                record_denial(components, caller, peer, service, operation, err)
        except SignatureError as err:
            error = WireError(err.code, err.message)
            record_signature_failure(components, metadata, peer, service, operation, err)
        except Exception:
            log.exception("%s failed", operation)
            error = WireError("ServiceFailure", "an internal error occurred")
        context.set_trailing_metadata(error.trailers())
        await context.abort(error.status(), error.details())
        raise AssertionError("abort returns only by raising")  # pragma: no cover

    return behavior


# --- last accessed ------------------------------------------------------------------------

# The AWS service each gRPC service's calls are attempts on (last-accessed data). Authz's
# Authorize and AuthorizeBatch are iamstore's own; its other operations are IAM's.
_ATTEMPTED_SERVICE = {
    "iamstore.v1.Iam": "iam",
    "iamstore.v1.Sts": "sts",
    "iamstore.v1.Authz": "iam",
}
_NOT_AWS_OPERATIONS = frozenset({"Authorize", "AuthorizeBatch"})


def record_attempt(node: NodeComponents, caller: Caller, service: str, operation: str) -> None:
    """An authenticated user or role attempted an IAM or STS operation: counted, allowed or
    not, as AWS counts every attempt in last-accessed data. The root is no IAM entity."""
    namespace = _ATTEMPTED_SERVICE.get(service)
    if namespace is None or operation in _NOT_AWS_OPERATIONS:
        return
    subject = caller.user_id
    if subject is None and caller.session is not None and caller.is_role_session:
        subject = caller.session.principal_id
    if subject is not None:
        node.usage.attempted(subject, f"{namespace}:{operation}", node.now_ms())


# --- audit records ----------------------------------------------------------------------

_ACTION_PREFIX = {
    "iamstore.v1.Iam": "iam",
    "iamstore.v1.Sts": "sts",
    "iamstore.v1.Accounts": "organizations",
}


def _action(service: str, operation: str) -> str:
    return f"{_ACTION_PREFIX.get(service, 'iamstore')}:{operation}"


def record_change(
    components: NodeComponents, call: Call, service: str, targets: list[Target]
) -> None:
    """A committed write: who, what, on which resource, and the commit that carries it."""
    components.audit.record(
        account_id=call.account_id,
        principal=call.caller.arn,
        action=targets[0].action if targets else _action(service, call.operation),
        resource=targets[0].resource if targets else "*",
        decision=AuditDecision.ALLOW,
        source_ip=call.peer.ip,
        commit=call.token.encode() if call.token is not None else None,
    )


def record_denial(
    components: NodeComponents,
    caller: Caller,
    peer: CallerConnection,
    service: str,
    operation: str,
    err: AccessDenied,
) -> None:
    action, resource, statement = _action(service, operation), "*", None
    decision = AuditDecision.IMPLICIT_DENY
    if isinstance(err, PolicyDenied):
        action, resource = err.target.action, err.target.resource
        if err.decision.outcome is Outcome.EXPLICIT_DENY:
            decision = AuditDecision.EXPLICIT_DENY
        if err.decision.matched:
            m = err.decision.matched[0]
            sid = f" ({m.sid})" if m.sid else ""
            statement = f"{m.policy_kind.value}:{m.policy_name}#{m.statement_index}{sid}"
    components.audit.record(
        account_id=caller.account_id,
        principal=caller.arn,
        action=action,
        resource=resource,
        decision=decision,
        statement=statement,
        source_ip=peer.ip,
        error_code=err.code,
    )


def record_signature_failure(
    components: NodeComponents,
    metadata: list[tuple[str, str | bytes]],
    peer: CallerConnection,
    service: str,
    operation: str,
    err: SignatureError,
) -> None:
    """The key's owner and account when the replica knows the key; else the key id alone."""
    access_key_id = ""
    with contextlib.suppress(SignatureError):  # no usable Authorization: nobody to name
        access_key_id = parse_grpc_auth(metadata).access_key_id
    record_signature_failure_of(components, access_key_id, peer, service, operation, err)


def record_signature_failure_of(
    components: NodeComponents,
    access_key_id: str,
    peer: CallerConnection,
    service: str,
    operation: str,
    err: SignatureError,
) -> None:
    """An authentication failure with the access key id the request claimed ("" for none)."""
    principal, account = access_key_id, None
    key = components.state.view.access_keys.get(principal)
    if key is not None:
        account = key.account_id
        owner = components.state.view.users.get(key.owner_id)
        if is_root_key(key):
            principal = f"arn:aws:iam::{key.account_id}:root"
        elif owner is not None:
            principal = owner.arn
    components.audit.record(
        account_id=account,
        principal=principal,
        action=_action(service, operation),
        resource="*",
        decision=AuditDecision.AUTHENTICATION_FAILURE,
        source_ip=peer.ip,
        error_code=err.code,
    )


def _pairs(metadata: Any) -> list[tuple[str, str | bytes]]:
    return [(str(item[0]), item[1]) for item in metadata or ()]


def registrar(table: dict[str, Handler]) -> Callable[[str], Callable[[Handler], Handler]]:
    """A decorator factory filling `table` with handlers by operation name."""

    def register(operation: str) -> Callable[[Handler], Handler]:
        def add(handler: Handler) -> Handler:
            table[operation] = handler
            return handler

        return add

    return register


def opt_str(message: Message, name: str) -> str | None:
    return str(getattr(message, name)) if message.HasField(name) else None


def opt_int(message: Message, name: str) -> int | None:
    return int(getattr(message, name)) if message.HasField(name) else None


def opt_bool(message: Message, name: str) -> bool | None:
    return bool(getattr(message, name)) if message.HasField(name) else None
