"""The client's exceptions: one class per AWS error code, raised from a failed call's trailers."""

from __future__ import annotations

from iamstore.wire.errors import WireError


class IamError(Exception):
    """An AWS-style error: the code (`NoSuchEntity`), a one-line message and the bad field."""

    def __init__(
        self,
        code: str,
        message: str,
        field: str | None = None,
        *,
        operation_name: str | None = None,
    ) -> None:
        super().__init__(code, message, field)
        self.code = code
        self.message = message
        self.field = field
        self.operation_name = operation_name

    def __str__(self) -> str:
        # The aws CLI's wording, so scripts that grep its output work against iamstore too.
        if self.operation_name is None:
            return f"An error occurred ({self.code}): {self.message}"
        return (
            f"An error occurred ({self.code}) when calling the "
            f"{self.operation_name} operation: {self.message}"
        )


class NoSuchEntityError(IamError):
    """The named user, group, role, policy or key does not exist."""


class EntityAlreadyExistsError(IamError):
    """An entity with that name already exists."""


class LimitExceededError(IamError):
    """A quota (users per account, keys per user, ...) would be exceeded."""


class MalformedPolicyDocumentError(IamError):
    """The policy document is not valid JSON or not a valid policy."""


class DeleteConflictError(IamError):
    """The entity still has subordinate entities (keys, attachments, members)."""


class InvalidInputError(IamError):
    """A parameter has an invalid value."""


class ValidationError(IamError):
    """A parameter fails its constraints (length, pattern, range)."""


class PasswordPolicyViolationError(IamError):
    """The password does not satisfy the account password policy."""


class UnmodifiableEntityError(IamError):
    """The entity is managed by the service and cannot be changed."""


class EntityTemporarilyUnmodifiableError(IamError):
    """The entity cannot be changed right now."""


class ConcurrentModificationError(IamError):
    """A concurrent write to the same entity won; retry the call."""


class InvalidAuthenticationCodeError(IamError):
    """The MFA codes are wrong, out of their time window, or were already used."""


class InvalidUserTypeError(IamError):
    """The caller is not the kind of principal the operation is for (ChangePassword by root)."""


class MalformedCertificateError(IamError):
    """The certificate, its chain or the private key is not well-formed, or the chain is broken."""


class KeyPairMismatchError(IamError):
    """The private key does not belong to the certificate's public key."""


class InvalidCertificateError(IamError):
    """The certificate is not valid (expired, or not yet valid)."""


class DuplicateCertificateError(IamError):
    """The same signing certificate is already uploaded for a user of the account."""


class InvalidPublicKeyError(IamError):
    """The SSH public key is not a well-formed, supported key."""


class DuplicateSSHPublicKeyError(IamError):
    """The same SSH public key is already uploaded for the user."""


class UnrecognizedPublicKeyEncodingError(IamError):
    """The SSH public key's encoding is not one IAM accepts."""


class NotSupportedServiceError(IamError):
    """The service does not take service-specific credentials."""


class ReportNotPresentError(IamError):
    """No credential report has been generated; call GenerateCredentialReport."""


class ReportExpiredError(IamError):
    """The credential report is older than four hours; generate a new one."""


class ReportInProgressError(IamError):
    """The credential report is still being generated; retry shortly."""


class ServiceFailureError(IamError):
    """The node failed to process the request."""


class ServiceUnavailableError(IamError):
    """No endpoint could be reached."""


class AccessDeniedError(IamError):
    """The caller's policies do not allow the action."""


class MissingAuthenticationTokenError(IamError):
    """The request carried no signature."""


class IncompleteSignatureError(IamError):
    """The signature metadata is incomplete or malformed."""


class InvalidClientTokenIdError(IamError):
    """The access key id is unknown or inactive."""


class SignatureDoesNotMatchError(IamError):
    """The signature does not match the request and the secret key."""


class RequestExpiredError(IamError):
    """The request date is outside the allowed clock skew."""


class ExpiredTokenError(IamError):
    """The session token has expired."""


class InvalidActionError(IamError):
    """The node does not implement the operation."""


class NotYetReplicatedError(IamError):
    """The node's replica does not cover the requested consistency token yet."""


class ThrottlingError(IamError):
    """Too many requests of one kind at once; retry later (AWS's Throttling)."""


# INVARIANT: every code in client.wire.errors.STATUS_FOR_CODE has an entry (checked by a test).
ERROR_CLASSES: dict[str, type[IamError]] = {
    "NoSuchEntity": NoSuchEntityError,
    "EntityAlreadyExists": EntityAlreadyExistsError,
    "LimitExceeded": LimitExceededError,
    "MalformedPolicyDocument": MalformedPolicyDocumentError,
    "DeleteConflict": DeleteConflictError,
    "InvalidInput": InvalidInputError,
    "ValidationError": ValidationError,
    "PasswordPolicyViolation": PasswordPolicyViolationError,
    "UnmodifiableEntity": UnmodifiableEntityError,
    "EntityTemporarilyUnmodifiable": EntityTemporarilyUnmodifiableError,
    "ConcurrentModification": ConcurrentModificationError,
    "ServiceFailure": ServiceFailureError,
    "InvalidAuthenticationCode": InvalidAuthenticationCodeError,
    "InvalidUserType": InvalidUserTypeError,
    "MalformedCertificate": MalformedCertificateError,
    "KeyPairMismatch": KeyPairMismatchError,
    "InvalidCertificate": InvalidCertificateError,
    "DuplicateCertificate": DuplicateCertificateError,
    "InvalidPublicKey": InvalidPublicKeyError,
    "DuplicateSSHPublicKey": DuplicateSSHPublicKeyError,
    "UnrecognizedPublicKeyEncoding": UnrecognizedPublicKeyEncodingError,
    "NotSupportedService": NotSupportedServiceError,
    "ReportNotPresent": ReportNotPresentError,
    "ReportExpired": ReportExpiredError,
    "ReportInProgress": ReportInProgressError,
    "ServiceUnavailable": ServiceUnavailableError,
    "AccessDenied": AccessDeniedError,
    "MissingAuthenticationToken": MissingAuthenticationTokenError,
    "IncompleteSignature": IncompleteSignatureError,
    "InvalidClientTokenId": InvalidClientTokenIdError,
    "SignatureDoesNotMatch": SignatureDoesNotMatchError,
    "RequestExpired": RequestExpiredError,
    "ExpiredToken": ExpiredTokenError,
    "InvalidAction": InvalidActionError,
    "NotYetReplicated": NotYetReplicatedError,
    "Throttling": ThrottlingError,
}


def error_from_wire(wire: WireError, operation_name: str | None = None) -> IamError:
    """The exception for a decoded wire error; unknown codes become a plain IamError."""
    error_class = ERROR_CLASSES.get(wire.code, IamError)
    return error_class(wire.code, wire.message, wire.field, operation_name=operation_name)
