"""The domain's error hierarchy: one class per AWS error code, each naming the field at fault."""

from __future__ import annotations

from typing import ClassVar


class IamError(Exception):
    """An AWS-style error: a code, a one-line message, and the request field at fault."""

    code: ClassVar[str] = "ServiceFailure"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NoSuchEntity(IamError):
    code = "NoSuchEntity"


class EntityAlreadyExists(IamError):
    code = "EntityAlreadyExists"


class LimitExceeded(IamError):
    code = "LimitExceeded"


class MalformedPolicyDocument(IamError):
    code = "MalformedPolicyDocument"


class DeleteConflict(IamError):
    code = "DeleteConflict"


class InvalidInput(IamError):
    code = "InvalidInput"


class ValidationError(IamError):
    code = "ValidationError"


class PasswordPolicyViolation(IamError):
    code = "PasswordPolicyViolation"


class AccessDenied(IamError):
    code = "AccessDenied"


class InvalidAction(IamError):
    code = "InvalidAction"


class InvalidAuthenticationCode(IamError):
    code = "InvalidAuthenticationCode"


class InvalidUserType(IamError):
    code = "InvalidUserType"


class UnmodifiableEntity(IamError):
    code = "UnmodifiableEntity"


class Throttling(IamError):
    """Too many requests of one kind at once (AWS's Throttling, "Rate exceeded")."""

    code = "Throttling"


class MalformedCertificate(IamError):
    code = "MalformedCertificate"


class KeyPairMismatch(IamError):
    code = "KeyPairMismatch"


class InvalidCertificate(IamError):
    code = "InvalidCertificate"


class DuplicateCertificate(IamError):
    code = "DuplicateCertificate"


class InvalidPublicKey(IamError):
    code = "InvalidPublicKey"


class DuplicateSSHPublicKey(IamError):
    code = "DuplicateSSHPublicKey"


class UnrecognizedPublicKeyEncoding(IamError):
    code = "UnrecognizedPublicKeyEncoding"


class ServiceNotSupported(IamError):
    code = "NotSupportedService"


class ReportNotPresent(IamError):
    code = "ReportNotPresent"


class ReportExpired(IamError):
    code = "ReportExpired"


class ReportInProgress(IamError):
    code = "ReportInProgress"


class NotYetReplicated(IamError):
    """A consistency token names a write this replica has not applied within the wait bound."""

    code = "NotYetReplicated"
