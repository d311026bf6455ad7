"""The error wire format: AWS error codes carried over gRPC status codes and trailing metadata.

Both sides use this one table: the node turns a domain error into a gRPC status plus
trailers, and the client turns the trailers back into a typed exception named after the code.
"""

from __future__ import annotations

from dataclasses import dataclass

import grpc

ERROR_CODE_KEY = "x-iam-error-code"
ERROR_FIELD_KEY = "x-iam-error-field"
# The longest message sent as a gRPC status's details. Messages quote the caller's input
# (a policy's offending value, a name); gRPC carries details in a header, and a client drops
# a response whose headers pass 8 KiB, so an unbounded quote turned the error into a
# "Stream removed" failure with no code or message.
MAX_DETAILS_CHARS = 2000

# AWS error code -> gRPC status code. The code itself always travels in ERROR_CODE_KEY,
# so several codes may share a status without losing information.
STATUS_FOR_CODE: dict[str, grpc.StatusCode] = {
    # IAM (API reference "Common errors" and per-operation errors)
    "NoSuchEntity": grpc.StatusCode.NOT_FOUND,
    "EntityAlreadyExists": grpc.StatusCode.ALREADY_EXISTS,
    "LimitExceeded": grpc.StatusCode.RESOURCE_EXHAUSTED,
    "MalformedPolicyDocument": grpc.StatusCode.INVALID_ARGUMENT,
    "DeleteConflict": grpc.StatusCode.FAILED_PRECONDITION,
    "InvalidInput": grpc.StatusCode.INVALID_ARGUMENT,
    "ValidationError": grpc.StatusCode.INVALID_ARGUMENT,
    "PasswordPolicyViolation": grpc.StatusCode.INVALID_ARGUMENT,
    "UnmodifiableEntity": grpc.StatusCode.FAILED_PRECONDITION,
    "EntityTemporarilyUnmodifiable": grpc.StatusCode.FAILED_PRECONDITION,
    "ConcurrentModification": grpc.StatusCode.ABORTED,
    "ServiceFailure": grpc.StatusCode.INTERNAL,
    "InvalidAuthenticationCode": grpc.StatusCode.PERMISSION_DENIED,
    "InvalidUserType": grpc.StatusCode.INVALID_ARGUMENT,
    "MalformedCertificate": grpc.StatusCode.INVALID_ARGUMENT,
    "KeyPairMismatch": grpc.StatusCode.INVALID_ARGUMENT,
    "InvalidCertificate": grpc.StatusCode.INVALID_ARGUMENT,
    "DuplicateCertificate": grpc.StatusCode.ALREADY_EXISTS,
    "InvalidPublicKey": grpc.StatusCode.INVALID_ARGUMENT,
    "DuplicateSSHPublicKey": grpc.StatusCode.ALREADY_EXISTS,
    "UnrecognizedPublicKeyEncoding": grpc.StatusCode.INVALID_ARGUMENT,
    "NotSupportedService": grpc.StatusCode.NOT_FOUND,
    "ReportNotPresent": grpc.StatusCode.FAILED_PRECONDITION,
    "ReportExpired": grpc.StatusCode.FAILED_PRECONDITION,
    "ReportInProgress": grpc.StatusCode.NOT_FOUND,
    # Authentication and authorization (AWS "Common errors")
    "AccessDenied": grpc.StatusCode.PERMISSION_DENIED,
    "MissingAuthenticationToken": grpc.StatusCode.UNAUTHENTICATED,
    "IncompleteSignature": grpc.StatusCode.UNAUTHENTICATED,
    "InvalidClientTokenId": grpc.StatusCode.UNAUTHENTICATED,
    "SignatureDoesNotMatch": grpc.StatusCode.UNAUTHENTICATED,
    "RequestExpired": grpc.StatusCode.UNAUTHENTICATED,
    "ExpiredToken": grpc.StatusCode.UNAUTHENTICATED,
    "InvalidAction": grpc.StatusCode.UNIMPLEMENTED,
    "Throttling": grpc.StatusCode.RESOURCE_EXHAUSTED,
    # iamstore's own: a consistency token the replica does not cover yet
    "NotYetReplicated": grpc.StatusCode.FAILED_PRECONDITION,
}

# Codes whose gRPC status is shared with others fall back to these when trailers are missing
# (a proxy stripped them, or the error came from gRPC itself).
CODE_FOR_STATUS: dict[grpc.StatusCode, str] = {
    grpc.StatusCode.NOT_FOUND: "NoSuchEntity",
    grpc.StatusCode.ALREADY_EXISTS: "EntityAlreadyExists",
    grpc.StatusCode.RESOURCE_EXHAUSTED: "LimitExceeded",
    grpc.StatusCode.INVALID_ARGUMENT: "ValidationError",
    grpc.StatusCode.FAILED_PRECONDITION: "DeleteConflict",
    grpc.StatusCode.PERMISSION_DENIED: "AccessDenied",
    grpc.StatusCode.UNAUTHENTICATED: "InvalidClientTokenId",
    grpc.StatusCode.UNIMPLEMENTED: "InvalidAction",
    grpc.StatusCode.ABORTED: "ConcurrentModification",
}


@dataclass(frozen=True, slots=True)
class WireError:
    """An AWS-style error as it crosses the wire: code, one-line message, offending field."""

    code: str
    message: str
    field: str | None = None

    def status(self) -> grpc.StatusCode:
        return STATUS_FOR_CODE.get(self.code, grpc.StatusCode.UNKNOWN)

    def details(self) -> str:
        """The message as a status's details: within MAX_DETAILS_CHARS."""
        if len(self.message) <= MAX_DETAILS_CHARS:
            return self.message
        return self.message[: MAX_DETAILS_CHARS - 15] + " ... (truncated)"

    def trailers(self) -> tuple[tuple[str, str], ...]:
        pairs: list[tuple[str, str]] = [(ERROR_CODE_KEY, self.code)]
        if self.field is not None:
            pairs.append((ERROR_FIELD_KEY, self.field))
        return tuple(pairs)


def decode_error(status: grpc.StatusCode, details: str | None, trailers: object) -> WireError:
    """Rebuilds the WireError from a failed call's status, details and trailing metadata."""
    code: str | None = None
    field: str | None = None
    if isinstance(trailers, (tuple, list)):
        for item in trailers:
            key, value = item[0], item[1]
            if key == ERROR_CODE_KEY:
                code = str(value)
            elif key == ERROR_FIELD_KEY:
                field = str(value)
    if code is None:
        code = CODE_FOR_STATUS.get(status, "ServiceFailure")
        if status == grpc.StatusCode.UNAVAILABLE:
            code = "ServiceUnavailable"
    return WireError(code=code, message=details or status.name.lower(), field=field)
