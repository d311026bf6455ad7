"""Authenticates a signed call: SigV4 over the exact wire bytes, checked against the replica."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from iamstore.node.access_key_ids import issued_by_iamstore
from iamstore.node.auth import http_signature
from iamstore.node.auth.http_signature import SignedHttpRequest
from iamstore.node.auth.secretbox import SecretBox, SecretBoxError
from iamstore.node.auth.sessions import (
    KEY_ID_PREFIX,
    USER_SESSION_STS_OPERATIONS,
    Session,
    SessionKind,
    SessionSealer,
    TokenError,
)
from iamstore.node.domain.entities import AccessKey, KeyStatus
from iamstore.node.domain.keys import is_root_key
from iamstore.node.domain.view import View
from iamstore.node.storage.database import KeyUsage
from iamstore.wire.sigv4 import (
    SignatureError,
    parse_grpc_auth,
    service_for_method,
    verify_grpc,
)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who made a call: an account's root, one of its users, or a temporary session."""

    account_id: str
    arn: str
    user_id: str | None  # None for the account root and for role sessions
    access_key_id: str
    # Temporary credentials: the session the token carried (None for long-term keys).
    session: Session | None = None

    @property
    def is_root(self) -> bool:
        return self.user_id is None and (
            self.session is None or self.session.kind is SessionKind.ROOT
        )

    @property
    def is_role_session(self) -> bool:
        return self.session is not None and self.session.kind is SessionKind.ROLE


def root_arn(account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:root"


# Checks a signature with the key's secret at the node's `now`; raises SignatureError.
Verify = Callable[[str, datetime.datetime], None]

_INVALID_KEY = "The security token included in the request is invalid."
_EXPIRED = "The security token included in the request is expired"
_STS_PREFIX = "/iamstore.v1.Sts/"
_IAM_PREFIX = "/iamstore.v1.Iam/"
_AUTHZ_PREFIX = "/iamstore.v1.Authz/"
# An account import writes IAM entities: an IAM API call as AWS counts them.
_IMPORT_PREFIX = "/iamstore.v1.AccountTransfer/"
# IAM API operations that iamstore serves on its Authz service: to AWS they are IAM calls
# (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Operations.html), so temporary
# credentials barred from IAM are barred from them too. Authorize and AuthorizeBatch are
# iamstore's own, the question another service asks, not IAM API calls.
_AUTHZ_IAM_OPERATIONS = frozenset(
    {
        "SimulatePrincipalPolicy",
        "SimulateCustomPolicy",
        "GetContextKeysForPrincipalPolicy",
        "GetContextKeysForCustomPolicy",
    }
)


class Authenticator:
    def __init__(
        self,
        view: View,
        box: SecretBox,
        *,
        host: str,
        region: str,
        now: Callable[[], datetime.datetime],
        max_skew: datetime.timedelta = datetime.timedelta(minutes=5),
        keys_per_owner: int = 2,
        sealer: SessionSealer | None = None,
        unknown_keys_as_root_of: str | None = None,
    ) -> None:
        self._sealer = sealer
        # Emulator mode only (never set by `node run`): an access key no iamstore node issued
        # (a made-up one) is taken as this account's root, as moto and LocalStack take any
        # key; one iamstore issued and no longer holds is refused (_dummy_key_caller).
        self._unknown_keys_as_root_of = unknown_keys_as_root_of
        self._view = view
        self._box = box
        self._host = host
        self._region = region
        self._now = now
        self._max_skew = max_skew
        self._keys_per_owner = keys_per_owner
        # Opened secrets, keyed by the sealed bytes so a replaced key is never served stale.
        self._secrets: dict[tuple[str, bytes], str] = {}
        self.usage: dict[str, KeyUsage] = {}

    @property
    def region(self) -> str:
        """The region every signature must be scoped to."""
        return self._region

    @property
    def max_skew(self) -> datetime.timedelta:
        return self._max_skew

    def authenticate(
        self, method_path: str, body: bytes, metadata: Sequence[tuple[str, str | bytes]]
    ) -> Caller:
        """Returns the verified caller, or raises SignatureError with AWS's error code."""
        parsed = parse_grpc_auth(metadata)

        def verify(secret_access_key: str, now: datetime.datetime) -> None:
            verify_grpc(
                parsed,
                secret_access_key=secret_access_key,
                method_path=method_path,
                body=body,
                host=self._host,
                region=self._region,
                now=now,
                max_skew=self._max_skew,
            )

        return self.authenticate_signed(
            parsed.access_key_id, parsed.security_token, method_path, verify
        )

    def authenticate_signed(
        self,
        access_key_id: str,
        security_token: str | None,
        method_path: str,
        verify: Verify,
    ) -> Caller:
        """The caller behind `access_key_id` once `verify(secret, now)` accepts the signature.

        One path for every wire profile (gRPC metadata, HTTP headers, presigned query
        strings): the key is looked up here, the profile only checks its own signature.
        `method_path` names the operation as `/iamstore.v1.<Service>/<Operation>`.
        """
        if access_key_id.startswith(KEY_ID_PREFIX):
            return self._authenticate_session(access_key_id, security_token, method_path, verify)
        key = self._view.access_keys.get(access_key_id)
        if key is None:
            dummy = self._dummy_key_caller(access_key_id)
            if dummy is not None:
                return dummy
        if (
            key is None
            or key.status != KeyStatus.ACTIVE
            or security_token is not None
            or not self._within_quota(key)
        ):
            raise SignatureError("InvalidClientTokenId", _INVALID_KEY)
        now = self._now()
        verify(self._secret(key), now)
        caller = self._caller(key)
        self.usage[key.access_key_id] = KeyUsage(
            key.access_key_id,
            int(now.timestamp() * 1000),
            service_for_method(method_path),
            self._region,
        )
        return caller

    def authenticate_http(self, request: SignedHttpRequest) -> Caller:
        """Who signed an HTTP request another service received (node.auth.http_signature):
        the same keys, sessions and checks as a call to this node, for any service and
        region in the request's credential scope. Raises SignatureError with AWS's code."""
        signed = http_signature.parse(request)
        now = self._now()
        if signed.access_key_id.startswith(KEY_ID_PREFIX):
            if signed.security_token is None or self._sealer is None:
                raise SignatureError("InvalidClientTokenId", _INVALID_KEY)
            try:
                session = self._sealer.open(signed.access_key_id, signed.security_token)
            except TokenError:
                raise SignatureError("InvalidClientTokenId", _INVALID_KEY) from None
            if now.timestamp() >= session.expires_at:
                raise SignatureError("ExpiredToken", _EXPIRED)
            http_signature.verify(
                request,
                signed,
                secret_access_key=session.secret_access_key,
                now=now,
                max_skew=self._max_skew,
            )
            return self._session_caller(session)
        key = self._view.access_keys.get(signed.access_key_id)
        if (
            key is None
            or key.status != KeyStatus.ACTIVE
            or signed.security_token is not None
            or not self._within_quota(key)
        ):
            raise SignatureError("InvalidClientTokenId", _INVALID_KEY)
        http_signature.verify(
            request, signed, secret_access_key=self._secret(key), now=now, max_skew=self._max_skew
        )
        caller = self._caller(key)
        self.usage[key.access_key_id] = KeyUsage(
            key.access_key_id, int(now.timestamp() * 1000), signed.service, signed.region
        )
        return caller

    def _authenticate_session(
        self,
        access_key_id: str,
        token: str | None,
        method_path: str,
        verify: Verify,
    ) -> Caller:
        """Temporary credentials: the token is the session, sealed for this access key id."""
        if token is None or self._sealer is None:
            raise SignatureError("InvalidClientTokenId", _INVALID_KEY)
        try:
            session = self._sealer.open(access_key_id, token)
        except TokenError:
            dummy = self._dummy_key_caller(access_key_id)
            if dummy is not None:
                return dummy
            raise SignatureError("InvalidClientTokenId", _INVALID_KEY) from None
        now = self._now()
        if now.timestamp() >= session.expires_at:
            raise SignatureError("ExpiredToken", _EXPIRED)
        verify(session.secret_access_key, now)
        _check_session_scope(session, method_path)
        return self._session_caller(session)

    def _dummy_key_caller(self, access_key_id: str) -> Caller | None:
        """Emulator mode only: the account root, for a key id no iamstore node ever issued
        (a caller's made-up "dummy" key, as moto and LocalStack take any key).

        A key id of iamstore's own shape (node.access_key_ids) that this node does
        not hold, or whose token does not open, is a deleted key, a key or session from
        before a reset or a key rotation, or a tampered token: refused in every mode, as
        AWS refuses a deleted key (InvalidClientTokenId), never taken for the root.
        INVARIANT: decided from the id alone, so nothing is kept per key ever issued.
        """
        emulated = self._unknown_keys_as_root_of
        if emulated is None or issued_by_iamstore(access_key_id):
            return None
        return Caller(emulated, root_arn(emulated), None, access_key_id)

    def _session_caller(self, session: Session) -> Caller:
        if session.kind is SessionKind.ROLE:
            return Caller(session.account_id, session.arn, None, session.access_key_id, session)
        if session.kind is SessionKind.FEDERATED:
            # The federated user acts with its issuer's policies (the user's, or the root's
            # when user_id is None), always narrowed by the session policies.
            issuer = None if session.principal_id == session.account_id else session.principal_id
            if (
                issuer is not None
                and self._view.users.of_account(issuer, session.account_id) is None
            ):
                raise SignatureError("InvalidClientTokenId", _INVALID_KEY)
            return Caller(session.account_id, session.arn, issuer, session.access_key_id, session)
        if session.kind is SessionKind.ROOT:
            arn = root_arn(session.account_id)
            return Caller(session.account_id, arn, None, session.access_key_id, session)
        user = self._view.users.of_account(session.principal_id, session.account_id)
        if user is None:  # the user was deleted: its sessions grant nothing
            raise SignatureError("InvalidClientTokenId", _INVALID_KEY)
        return Caller(session.account_id, user.arn, user.user_id, session.access_key_id, session)

    def _within_quota(self, key: AccessKey) -> bool:
        """Concurrent creates on two nodes can give one owner more keys than the quota; then
        only the earliest ones (by creation time, then id) work, on every replica alike."""
        owned = self._view.keys_of.get(key.owner_id, ())
        if len(owned) <= self._keys_per_owner:
            return True
        keys = sorted(
            (self._view.access_keys[k] for k in owned), key=lambda k: (k.created_ms, k.key)
        )
        return key in keys[: self._keys_per_owner]

    def _secret(self, key: AccessKey) -> str:
        cache_key = (key.access_key_id, key.sealed_secret)
        secret = self._secrets.get(cache_key)
        if secret is None:
            try:
                secret = self._box.open(key.sealed_secret, key.access_key_id)
            except SecretBoxError:
                raise SignatureError("InvalidClientTokenId", _INVALID_KEY) from None
            if len(self._secrets) > 100_000:
                self._secrets.clear()
            self._secrets[cache_key] = secret
        return secret

    def _caller(self, key: AccessKey) -> Caller:
        if is_root_key(key):
            return Caller(key.account_id, root_arn(key.account_id), None, key.access_key_id)
        user = self._view.users.of_account(key.owner_id, key.account_id)
        if user is None:  # the key outlived its user on this replica: it grants nothing
            raise SignatureError("InvalidClientTokenId", _INVALID_KEY)
        return Caller(key.account_id, user.arn, user.user_id, key.access_key_id)


def _check_session_scope(session: Session, method_path: str) -> None:
    """What temporary credentials may call, as in AWS.

    GetSessionToken credentials call IAM only with MFA, and of STS only AssumeRole and
    GetCallerIdentity (AWS's GetSessionToken documentation); without MFA they call nothing
    outside STS (iamstore's own Authorize included: closed where AWS has no counterpart).
    Federated-user credentials call no IAM operation, on whichever service it is served.
    Role sessions call anything:
    every admin call is authorized by the role's policies, its boundary and the session
    policies, and no handler mistakes a role session for the account root (an operation
    that defaults to the calling user asks a role session for a name instead).
    """
    if session.kind is SessionKind.ROLE:
        return
    operation = method_path[len(_STS_PREFIX) :] if method_path.startswith(_STS_PREFIX) else None
    if session.kind is SessionKind.FEDERATED:
        # AWS (GetFederationToken): no IAM operation at all, and of STS only
        # GetCallerIdentity; other services authorize the federated user by its policies.
        if operation is not None and operation != "GetCallerIdentity":
            raise SignatureError(
                "AccessDenied", f"Cannot call {operation} with federated user credentials"
            )
        if _is_iam_operation(method_path):
            raise SignatureError(
                "AccessDenied", "federated user credentials cannot call iam operations"
            )
        return
    if operation is not None:
        if operation not in USER_SESSION_STS_OPERATIONS:
            raise SignatureError(
                "AccessDenied", f"Cannot call {operation} with session credentials"
            )
        return
    if session.mfa_authenticated_at is None:
        raise SignatureError(
            "AccessDenied",
            "session credentials without mfa cannot call iam operations; "
            "call GetSessionToken with SerialNumber and TokenCode",
        )


def _is_iam_operation(method_path: str) -> bool:
    """True for a path that AWS counts as an IAM API call, on whichever service it lives."""
    if method_path.startswith((_IAM_PREFIX, _IMPORT_PREFIX)):
        return True
    return (
        method_path.startswith(_AUTHZ_PREFIX)
        and method_path[len(_AUTHZ_PREFIX) :] in _AUTHZ_IAM_OPERATIONS
    )
