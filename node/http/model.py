"""The IAM and STS service models botocore ships: operations, XML namespaces, error statuses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from google.protobuf.message import Message

from iamstore.node.api import aws_models
from iamstore.node.api.dispatch import Handler

# Errors that are not in either model: AWS's "Common Errors" page of the IAM and STS API
# references (https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html) gives
# their HTTP status; `NotYetReplicated` is iamstore's own (a consistency token this replica
# does not cover yet): 503, so that every SDK's standard retry handles it.
_COMMON_STATUS: dict[str, int] = {
    "AccessDenied": 403,
    "IncompleteSignature": 400,
    "InternalFailure": 500,
    "InvalidAction": 400,
    "InvalidClientTokenId": 403,
    "InvalidParameterCombination": 400,
    "InvalidParameterValue": 400,
    "InvalidQueryParameter": 400,
    "MalformedQueryString": 404,
    "MissingAction": 400,
    "MissingAuthenticationToken": 403,
    "MissingParameter": 400,
    "NotAuthorized": 400,
    "RequestExpired": 400,
    "ServiceUnavailable": 503,
    "SignatureDoesNotMatch": 403,
    "ThrottlingException": 400,
    "ValidationError": 400,
    "ExpiredToken": 400,
    "RequestEntityTooLarge": 413,
    "MethodNotAllowed": 405,
    "NotYetReplicated": 503,
}
# Codes the server is to blame for: <Type>Receiver</Type>; every other code is the sender's.
_RECEIVER_CODES = frozenset(
    {"InternalFailure", "ServiceFailure", "ServiceUnavailable", "NotYetReplicated"}
)


@dataclass(frozen=True, slots=True)
class Service:
    """One AWS service served over HTTP and the gRPC service whose handlers answer it."""

    signing_name: str  # the SigV4 credential scope's service: `iam` or `sts`
    grpc_service: str  # the gRPC service's full name, for authorization and audit
    model: Any  # botocore.model.ServiceModel
    handlers: Mapping[str, Handler]
    request_types: Mapping[str, type[Message]]
    operations: frozenset[str]  # every operation AWS's model names (botocore keeps a list)

    @property
    def namespace(self) -> str:
        return str(self.model.metadata["xmlNamespace"])

    @property
    def api_version(self) -> str:
        return str(self.model.api_version)


def service_model(signing_name: str) -> Any:
    """botocore's model of `iam` or `sts` (loaded once)."""
    return aws_models.service_model(signing_name)


@cache
def _status_table() -> dict[str, int]:
    table: dict[str, int] = {}
    for name in ("iam", "sts"):
        for shape in service_model(name).error_shapes:
            error = shape.metadata.get("error", {})
            if "code" in error and "httpStatusCode" in error:
                table[error["code"]] = int(error["httpStatusCode"])
    table.update(_COMMON_STATUS)
    return table


def http_status(code: str) -> int:
    """AWS's HTTP status for an error code (400 for codes AWS does not list)."""
    return _status_table().get(code, 400)


def is_receiver_fault(code: str) -> bool:
    return code in _RECEIVER_CODES or http_status(code) >= 500


def grpc_backed(
    signing_name: str,
    grpc_service: Any,
    pb_module: Any,
    handlers: Mapping[str, Handler],
    also: Sequence[tuple[Any, Any, Mapping[str, Handler]]] = (),
) -> Service:
    """The AWS service `signing_name` answered by the handlers of a gRPC service descriptor,
    and by those of the operations of AWS's model that `also` (other gRPC services, their
    modules and handlers) serves: IAM's policy simulators live on iamstore's Authz service."""
    request_types = {
        method.name: getattr(pb_module, method.input_type.name) for method in grpc_service.methods
    }
    handlers = dict(handlers)
    operations = service_model(signing_name).operation_names
    for other, module, more in also:
        for method in other.methods:
            if method.name in operations and method.name in more:
                request_types[method.name] = getattr(module, method.input_type.name)
                handlers[method.name] = more[method.name]
    return Service(
        signing_name=signing_name,
        grpc_service=grpc_service.full_name,
        model=service_model(signing_name),
        handlers=dict(handlers),
        request_types=request_types,
        operations=frozenset(service_model(signing_name).operation_names),
    )
