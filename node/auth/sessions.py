"""Temporary credentials: the sealed session token that carries a whole STS session.

A session token is the session itself, compressed and sealed with AES-GCM under a key derived
(HKDF-SHA256, label `session-token`) from the cluster's session-token key (node/server.py picks
the file), with the ASIA access key id as associated data. Every member holds the same key,
so any node validates a token the moment it is issued: sessions are never written to the
replica and never replicated. A token sealed by another cluster, or altered by one bit, does
not open.
"""

from __future__ import annotations

import base64
import binascii
import enum
import os
import secrets
import zlib
from dataclasses import dataclass

import msgpack
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from iamstore.node.access_key_ids import (
    TEMPORARY_PREFIX,
    TEMPORARY_RANDOM_BYTES,
    temporary_key_id,
)

_LABEL = b"iamstore session-token"
_MESSAGE_LABEL = b"iamstore authorization-message"
_NONCE_BYTES = 12
# Format 2 adds the managed session policies' ARNs. Format 1 tokens (which carry those
# policies' documents in `policies`, resolved at issue) still open until they expire: what
# they carry is sealed like everything else, and they can only narrow their session.
_FORMAT = 2
_FORMATS = (1, 2)
KEY_ID_PREFIX = TEMPORARY_PREFIX
_SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
# The largest token the node issues; AWS refuses larger sessions with PackedPolicyTooLarge.
MAX_TOKEN_CHARS = 6144


class SessionKind(enum.Enum):
    """Who a session acts as."""

    ROOT = "root"  # GetSessionToken by the account root
    USER = "user"  # GetSessionToken by an IAM user
    ROLE = "role"  # AssumeRole / AssumeRoleWithWebIdentity / AssumeRoleWithSAML
    # GetFederationToken by an IAM user or the root: principal_id is that user's id (the
    # account id for the root), principal_name the federated user's name.
    FEDERATED = "federated"


class TokenError(Exception):
    """A session token that does not open: tampered, truncated, or sealed elsewhere."""


@dataclass(frozen=True, slots=True)
class Session:
    """Everything a session grants, fixed when it was issued. Times are epoch seconds."""

    access_key_id: str
    secret_access_key: str
    kind: SessionKind
    account_id: str
    principal_id: str  # the user id, the role id, or the account id for the root
    principal_name: str  # the user or role name ("" for the root)
    issued_at: int
    expires_at: int
    session_name: str | None = None  # role sessions only
    # The inline session policy's document (a format-1 token: also the managed session
    # policies' documents, as they were at issue).
    policies: tuple[str, ...] = ()
    # The managed session policies' ARNs (PolicyArns), resolved to their default versions
    # each time the session is authorized (node.auth.authorize), as AWS packs the ARN and
    # not the document (STS API Reference, AssumeRole, PolicyArns).
    policy_arns: tuple[str, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()
    transitive_tag_keys: tuple[str, ...] = ()
    mfa_authenticated_at: int | None = None  # None: no MFA in this session
    source_identity: str | None = None
    chained: bool = False  # a role session obtained with role-session credentials
    # The provider ARN of a web identity or SAML session.
    web_identity_provider: str | None = None

    @property
    def is_role(self) -> bool:
        return self.kind is SessionKind.ROLE

    @property
    def arn(self) -> str:
        """The session's principal ARN, as GetCallerIdentity reports it."""
        if self.kind is SessionKind.ROLE:
            return (
                f"arn:aws:sts::{self.account_id}:assumed-role/"
                f"{self.principal_name}/{self.session_name}"
            )
        if self.kind is SessionKind.ROOT:
            return f"arn:aws:iam::{self.account_id}:root"
        if self.kind is SessionKind.FEDERATED:
            return f"arn:aws:sts::{self.account_id}:federated-user/{self.principal_name}"
        return ""  # a user session's ARN is its user's, which may carry a path

    @property
    def user_id(self) -> str:
        """aws:userid: ROLEID:SESSION for a role session, ACCOUNT:NAME for a federated user
        (AWS's FederatedUserId), else the user or account id."""
        if self.kind is SessionKind.ROLE:
            return f"{self.principal_id}:{self.session_name}"
        if self.kind is SessionKind.FEDERATED:
            return f"{self.account_id}:{self.principal_name}"
        return self.principal_id


# AWS GetSessionToken: its credentials call no IAM operation without MFA, and of STS only
# these (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html).
USER_SESSION_STS_OPERATIONS = frozenset({"AssumeRole", "GetCallerIdentity"})
_USER_SESSION_STS_ACTIONS = frozenset(f"sts:{op}".lower() for op in USER_SESSION_STS_OPERATIONS)


def scope_allows(session: Session, action: str) -> bool:
    """Whether temporary credentials may make a request for `action` at all, before any
    policy is asked: GetSessionToken's limits; a role session is limited only by policy."""
    if session.kind is SessionKind.ROLE:
        return True
    lowered = action.lower()
    if lowered.startswith("sts:"):
        return lowered in _USER_SESSION_STS_ACTIONS
    if lowered.startswith("iam:"):
        return session.mfa_authenticated_at is not None
    return True


def new_key_id(account_id: str) -> str:
    """A fresh ASIA id naming the session's account (node.access_key_ids)."""
    return temporary_key_id(account_id, secrets.token_bytes(TEMPORARY_RANDOM_BYTES))


def new_secret() -> str:
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40))


def _pack(session: Session) -> bytes:
    fields = [
        _FORMAT,
        session.secret_access_key,
        session.kind.value,
        session.account_id,
        session.principal_id,
        session.principal_name,
        session.issued_at,
        session.expires_at,
        session.session_name,
        list(session.policies),
        [list(tag) for tag in session.tags],
        list(session.transitive_tag_keys),
        session.mfa_authenticated_at,
        session.source_identity,
        session.chained,
        session.web_identity_provider,
        list(session.policy_arns),
    ]
    return zlib.compress(msgpack.packb(fields, use_bin_type=True))


def _unpack(access_key_id: str, data: bytes) -> Session:
    try:
        fields = msgpack.unpackb(zlib.decompress(data), raw=False)
        if not isinstance(fields, list) or not fields or fields[0] not in _FORMATS:
            raise TokenError("unknown session token format")
        policy_arns = fields.pop() if fields[0] == 2 else []
        (
            _,
            secret,
            kind,
            account_id,
            principal_id,
            principal_name,
            issued_at,
            expires_at,
            session_name,
            policies,
            tags,
            transitive,
            mfa_at,
            source_identity,
            chained,
            provider,
        ) = fields
        return Session(
            access_key_id=access_key_id,
            secret_access_key=secret,
            kind=SessionKind(kind),
            account_id=account_id,
            principal_id=principal_id,
            principal_name=principal_name,
            issued_at=int(issued_at),
            expires_at=int(expires_at),
            session_name=session_name,
            policies=tuple(policies),
            tags=tuple((str(k), str(v)) for k, v in tags),
            transitive_tag_keys=tuple(transitive),
            mfa_authenticated_at=mfa_at,
            source_identity=source_identity,
            chained=bool(chained),
            web_identity_provider=provider,
            policy_arns=tuple(str(arn) for arn in policy_arns),
        )
    except (ValueError, TypeError, zlib.error, msgpack.ExtraData) as exc:
        raise TokenError("malformed session token") from exc


class SessionSealer:
    """Seals sessions into tokens and opens them; one per node, from its secrets key.

    It also seals encoded authorization failure messages (DecodeAuthorizationMessage) under
    a second key derived from the same secrets key with its own label, so a message never
    opens as a session token nor a token as a message.
    """

    def __init__(self, secrets_key: bytes) -> None:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_LABEL).derive(
            secrets_key
        )
        self._aead = AESGCM(derived)
        message_key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=_MESSAGE_LABEL
        ).derive(secrets_key)
        self._messages = AESGCM(message_key)

    def seal_message(self, account_id: str, plain: bytes) -> str:
        """`plain` sealed for `account_id` (the associated data: it opens for no other)."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._messages.encrypt(nonce, zlib.compress(plain), account_id.encode())
        return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")

    def open_message(self, account_id: str, encoded: str, max_bytes: int) -> bytes:
        """The bytes sealed by `seal_message` for `account_id`; TokenError otherwise."""
        try:
            raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except (binascii.Error, ValueError):
            raise TokenError("the message is not base64") from None
        if len(raw) <= _NONCE_BYTES:
            raise TokenError("the message is too short")
        try:
            packed = self._messages.decrypt(
                raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], account_id.encode()
            )
            inflater = zlib.decompressobj()
            # Bounded: a sealed message is ours, but inflate no more than the caller allows.
            plain = inflater.decompress(packed, max_bytes)
        except InvalidTag:
            raise TokenError("the message does not open in this account") from None
        except zlib.error:
            raise TokenError("the message is malformed") from None
        if inflater.unconsumed_tail:
            raise TokenError("the message is too large")
        return plain

    def seal(self, session: Session) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, _pack(session), session.access_key_id.encode())
        return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")

    def open(self, access_key_id: str, token: str) -> Session:
        """The session sealed in `token` for `access_key_id`; TokenError if it does not open."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            raise TokenError("the session token is not base64") from None
        if len(raw) <= _NONCE_BYTES:
            raise TokenError("the session token is too short")
        try:
            plain = self._aead.decrypt(
                raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], access_key_id.encode()
            )
        except InvalidTag:
            raise TokenError("the session token does not open with this cluster's key") from None
        return _unpack(access_key_id, plain)
