"""One HTTP request through the Query protocol: read, authenticate, run the gRPC handler, reply.

Independent of the HTTP server library: it takes the request's method, raw path and query,
headers and body, and returns a status, headers and body. After decoding, every request goes
the way a gRPC call goes (node.api.dispatch): the same authenticator, consistency-token wait,
validation, authorization gate, handler and audit; only the encodings differ.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from google.protobuf.message import Message

from iamstore.node.api.call import CallerConnection, NodeComponents
from iamstore.node.api.dispatch import (
    Handler,
    authenticate_and_wait,
    record_denial,
    record_signature_failure_of,
    run_operation,
)
from iamstore.node.auth.authenticate import Caller
from iamstore.node.auth.saml import SamlError
from iamstore.node.auth.webidentity import WebIdentityError
from iamstore.node.domain.errors import AccessDenied, IamError, InvalidAction
from iamstore.node.http import messages, query, xml
from iamstore.node.http.model import Service, http_status, is_receiver_fault
from iamstore.node.http.signature import (
    PRESIGN_PARAMETERS,
    HttpSignature,
    read_signature,
    verify,
)
from iamstore.wire.sigv4 import SignatureError

log = logging.getLogger(__name__)

# Consistency tokens over HTTP (the gRPC side carries the same values in its metadata).
AT_LEAST_HEADER = "x-iamstore-at-least"
TOKEN_HEADER = "x-iamstore-consistency-token"
REQUEST_ID_HEADER = "x-amzn-RequestId"
# iamstore's own HTTP paths (the emulator's reset); never an AWS operation.
ADMIN_PREFIX = "/_iamstore/"
# More parameters than any IAM or STS request needs (50 tags, 10 policy ARNs, 20 context
# entries of 2 fields, ...); parse_qsl stops at this many.
MAX_PARAMETERS = 1000

# The unsigned STS call AWS accepts: its credential is the web identity token itself.
UnsignedHandler = Callable[[CallerConnection, Message], Awaitable[Message]]


@dataclass(frozen=True, slots=True)
class HttpRequest:
    method: str
    raw_path: str  # as on the request line, still percent-encoded
    raw_query: str
    headers: Mapping[str, Sequence[str]]  # lowercase names
    body: bytes
    peer: CallerConnection


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = field(default=())


def new_request_id() -> str:
    """A random (version 4) UUID in its text form, the shape of AWS's request ids.

    Formatted directly: uuid.UUID's constructor and str() cost more than the rest of it.
    """
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    text = raw.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


class QueryError(Exception):
    """A request refused before it reached a handler, with AWS's code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _parameters(text: str, where: str, *, plus_is_space: bool) -> dict[str, str]:
    """The parameters of a query string or a form body, each name once.

    INVARIANT: the query string is read exactly as the SigV4 canonical query reads it, where
    `+` is a literal plus (AWS signs a space as `%20`, never `+`:
    https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html); reading it
    as a space would let anyone holding a signed URL turn `%2B` into `+` and change a value
    under the same signature. A form body is signed byte for byte by its SHA-256, so there
    `+` keeps its HTML-form meaning, a space.
    """
    # Read as urllib's parse_qsl(keep_blank_values=True) reads it (empty items skipped, a
    # name without `=` has an empty value, invalid UTF-8 becomes U+FFFD), without its
    # generality: this runs on every request.
    if text.count("&") >= MAX_PARAMETERS:  # counted before any work, as parse_qsl counts
        raise QueryError(
            "MalformedQueryString", f"the {where} has more than {MAX_PARAMETERS} parameters"
        )
    params: dict[str, str] = {}
    for item in text.split("&"):
        if not item:
            continue
        name, _, value = item.partition("=")
        if plus_is_space:
            name, value = name.replace("+", " "), value.replace("+", " ")
        name, value = unquote(name), unquote(value)
        if name in params:  # fail closed: which copy would the signer have meant?
            raise QueryError("MalformedQueryString", f"parameter `{name}` appears twice")
        params[name] = value
    return params


class QueryEndpoint:
    """Serves IAM and STS by their botocore models, with the gRPC API's handlers."""

    def __init__(
        self,
        components: NodeComponents,
        services: Sequence[Service],
        unsigned: Mapping[str, UnsignedHandler],
    ) -> None:
        self._components = components
        self._services = {service.signing_name: service for service in services}
        # Unsigned requests name no service: the operation does (IAM and STS share no name).
        self._by_action: dict[str, Service] = {}
        for service in services:
            for operation in sorted(service.operations):
                self._by_action.setdefault(operation, service)
        self._unsigned = dict(unsigned)

    async def handle(self, request: HttpRequest) -> HttpResponse:
        request_id = new_request_id()
        service = self._services["iam"]
        try:
            if request.raw_path.startswith(ADMIN_PREFIX):
                raise QueryError(
                    "InvalidAction", f"`{request.raw_path}` is served only by `iamstore emulator`"
                )
            if request.method not in ("GET", "POST"):
                raise QueryError(
                    "MethodNotAllowed",
                    f"the Query protocol takes GET or POST, not {request.method}",
                )
            query_params, params = self._all_parameters(request)
            action = params.get("Action")
            if not action:
                raise QueryError("MissingAction", "the request must contain the parameter Action")
            signature = read_signature(request.headers, query_params)
            if signature is not None:
                scoped = self._services.get(signature.claim.service)
                if scoped is None:
                    raise SignatureError(
                        "SignatureDoesNotMatch",
                        "credential should be scoped to correct service: 'iam' or 'sts'",
                    )
                service = scoped
            else:
                service = self._by_action.get(action, service)
            return await self._operation(request, request_id, service, action, params, signature)
        except QueryError as err:
            return self._error(service, request_id, err.code, err.message)
        except SignatureError as err:
            return self._error(service, request_id, err.code, err.message)
        except IamError as err:
            return self._error(service, request_id, err.code, err.message)
        except Exception:
            log.exception("http request failed")
            return self.failure(request_id)

    def _all_parameters(self, request: HttpRequest) -> tuple[dict[str, str], dict[str, str]]:
        """The query string's parameters (where a presigned signature lives), and all of them."""
        query_params = _parameters(request.raw_query, "query string", plus_is_space=False)
        params = dict(query_params)
        if request.body:
            content_type = _content_type(request.headers)
            if content_type != "application/x-www-form-urlencoded":
                raise QueryError(
                    "InvalidParameterValue",
                    "the body must be application/x-www-form-urlencoded",
                )
            try:
                text = request.body.decode("utf-8")
            except UnicodeDecodeError:
                raise QueryError("MalformedQueryString", "the body is not utf-8") from None
            for name, value in _parameters(text, "body", plus_is_space=True).items():
                if name in params:
                    raise QueryError("MalformedQueryString", f"parameter `{name}` appears twice")
                params[name] = value
        return query_params, params

    async def _operation(
        self,
        request: HttpRequest,
        request_id: str,
        service: Service,
        action: str,
        params: dict[str, str],
        signature: HttpSignature | None,
    ) -> HttpResponse:
        version = params.get("Version")
        if action not in service.operations:
            raise QueryError(
                "InvalidAction", f"Could not find operation {action} for version {version}"
            )
        if version != service.api_version:
            raise QueryError(
                "InvalidAction",
                f"Could not find operation {action} for version {version} "
                f"(this endpoint serves {service.signing_name} {service.api_version})",
            )
        operation = service.model.operation_model(action)
        request_type = service.request_types.get(action)
        handler = service.handlers.get(action)
        unsigned = self._unsigned.get(action)
        if request_type is None or (handler is None and unsigned is None):
            raise InvalidAction(f"operation `{action}` is not implemented by this node")
        inputs = {k: v for k, v in params.items() if k not in PRESIGN_PARAMETERS}
        if unsigned is not None:
            # AWS: "You do not need to sign" AssumeRoleWithWebIdentity; its token is the
            # credential, and a signature, if any, is not what admits the caller.
            message = _decode(operation, request_type, inputs)
            try:
                response = await unsigned(request.peer, message)
            # INVARIANT: every refusal an unsigned operation raises is answered as over gRPC
            # (its AWS code), never as ServiceFailure; IamError is answered by the caller.
            except (WebIdentityError, SamlError) as err:
                return self._error(service, request_id, err.code, err.message)
            return self._ok(service, operation, response, request_id, None)
        if signature is None or handler is None:
            raise SignatureError(
                "MissingAuthenticationToken", "Request is missing Authentication Token"
            )
        return await self._signed(
            request, request_id, service, operation, request_type, handler, inputs, signature
        )

    async def _signed(
        self,
        request: HttpRequest,
        request_id: str,
        service: Service,
        operation: Any,
        request_type: type[Message],
        handler: Handler,
        inputs: dict[str, str],
        signature: HttpSignature,
    ) -> HttpResponse:
        components = self._components
        auth = components.auth
        path = f"/{service.grpc_service}/{operation.name}"

        def check(secret_access_key: str, now: Any) -> None:
            verify(
                signature,
                secret_access_key=secret_access_key,
                method=request.method,
                raw_path=request.raw_path,
                raw_query=request.raw_query,
                headers=request.headers,
                body=request.body,
                region=auth.region,
                service=service.signing_name,
                now=now,
                max_skew=auth.max_skew,
            )

        def authenticate() -> Caller:
            return auth.authenticate_signed(
                signature.claim.access_key_id, signature.security_token, path, check
            )

        at_least = request.headers.get(AT_LEAST_HEADER)
        caller: Caller | None = None
        try:
            caller = await authenticate_and_wait(
                components, authenticate, at_least[0] if at_least else None
            )
            message = _decode(operation, request_type, inputs)
            response, call = await run_operation(
                components,
                service.grpc_service,
                operation.name,
                handler,
                caller,
                request.peer,
                message,
            )
        except SignatureError as err:
            record_signature_failure_of(
                components,
                signature.claim.access_key_id,
                request.peer,
                service.grpc_service,
                operation.name,
                err,
            )
            raise
        except AccessDenied as err:
            if caller is not None:
                record_denial(
                    components, caller, request.peer, service.grpc_service, operation.name, err
                )
            raise
        token = None if call.token is None else call.token.encode()
        return self._ok(service, operation, response, request_id, token)

    def _ok(
        self,
        service: Service,
        operation: Any,
        response: Message,
        request_id: str,
        token: str | None,
    ) -> HttpResponse:
        body = xml.response_xml(operation, service.namespace, response, request_id)
        headers = [("Content-Type", "text/xml"), (REQUEST_ID_HEADER, request_id)]
        if token is not None:
            headers.append((TOKEN_HEADER, token))
        return HttpResponse(200, body, tuple(headers))

    def _error(self, service: Service, request_id: str, code: str, message: str) -> HttpResponse:
        body = xml.error_xml(
            service.namespace, code, message, not is_receiver_fault(code), request_id
        )
        headers = (("Content-Type", "text/xml"), (REQUEST_ID_HEADER, request_id))
        return HttpResponse(http_status(code), body, headers)

    def failure(self, request_id: str | None = None) -> HttpResponse:
        """The answer to a request that broke something inside the node."""
        return self._error(
            self._services["iam"],
            request_id or new_request_id(),
            "ServiceFailure",
            "an internal error occurred",
        )

    def refuse(self, code: str, message: str) -> HttpResponse:
        """An error answered before the request is read (too large, too slow, ...)."""
        return self._error(self._services["iam"], new_request_id(), code, message)


def _content_type(headers: Mapping[str, Sequence[str]]) -> str:
    values = headers.get("content-type") or [""]
    return values[0].partition(";")[0].strip().lower()


def _decode(operation: Any, request_type: type[Message], inputs: dict[str, str]) -> Message:
    values = query.parse_input(operation.input_shape, inputs)
    message = request_type()
    messages.fill(message, values)
    return message
