"""Issuing STS sessions: AWS's STS quotas, duration checks, sealing, the credentials message."""

from __future__ import annotations

from iamstore.node.api import convert
from iamstore.node.api.call import NodeComponents
from iamstore.node.auth.sessions import MAX_TOKEN_CHARS, Session
from iamstore.node.domain.errors import IamError, ValidationError
from iamstore.v1 import sts_pb2 as spb

# AWS STS quotas (AssumeRole and GetSessionToken API references).
SESSION_MIN_S = 900
ROLE_DEFAULT_S = 3600
CHAINED_MAX_S = 3600
USER_SESSION_DEFAULT_S = 43_200
USER_SESSION_MAX_S = 129_600
ROOT_SESSION_MAX_S = 3600
MAX_SESSION_TAGS = 50
MAX_POLICY_ARNS = 10
MAX_INLINE_POLICY_CHARS = 2048


class StsError(IamError):
    """An STS-specific refusal: the code is given per instance (InvalidIdentityToken, ...)."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message, field)
        self.code = code  # type: ignore[misc]


def credentials_message(session: Session, token: str) -> spb.TemporaryCredentials:
    """The TemporaryCredentials message of a session and its sealed token."""
    return spb.TemporaryCredentials(
        access_key_id=session.access_key_id,
        secret_access_key=session.secret_access_key,
        session_token=token,
        expiration=convert.timestamp(session.expires_at * 1000),
    )


def seal_session(components: NodeComponents, session: Session) -> tuple[str, int]:
    """The token and AWS's PackedPolicySize (percent of the allowed size used)."""
    token = components.sessions.seal(session)
    if len(token) > MAX_TOKEN_CHARS:
        raise StsError(
            "PackedPolicyTooLarge",
            "packed size of the session policies and tags exceeds the limit",
            "Policy",
        )
    return token, len(token) * 100 // MAX_TOKEN_CHARS


def duration_within(requested: int | None, default: int, maximum: int, message: str) -> int:
    """The requested duration, checked against AWS's minimum and `maximum`; else `default`."""
    if requested is None:
        return min(default, maximum)
    if requested < SESSION_MIN_S:
        raise ValidationError(
            f"1 validation error detected: Value '{requested}' at 'durationSeconds' failed "
            f"to satisfy constraint: Member must have value greater than or equal to "
            f"{SESSION_MIN_S}",
            "DurationSeconds",
        )
    if requested > maximum:
        raise ValidationError(message, "DurationSeconds")
    return requested


def caller_session_duration(requested: int | None, *, root: bool) -> int:
    """GetSessionToken's and GetFederationToken's duration: 900 to 129,600 s, 43,200 s by
    default; the root's sessions are cut to one hour, never refused for asking more (STS API
    Reference, GetSessionToken and GetFederationToken, DurationSeconds: "If the duration is
    longer than one hour, the session for AWS account owners defaults to one hour")."""
    duration = duration_within(
        requested,
        USER_SESSION_DEFAULT_S,
        USER_SESSION_MAX_S,
        "The requested DurationSeconds exceeds the maximum allowed for this caller "
        f"({USER_SESSION_MAX_S} seconds).",
    )
    return min(duration, ROOT_SESSION_MAX_S) if root else duration
