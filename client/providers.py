"""Credential providers beyond static keys: role profiles that assume a role and refresh
themselves before expiry (the AWS SDKs' assume-role provider), and password sign-in.

A profile of the shared config or credentials file that says `role_arn` (with
`source_profile`, and optionally `external_id`, `role_session_name`, `duration_seconds`,
`mfa_serial`) resolves to an `AssumeRoleCredentials`: the application signs with the role's
temporary credentials and never holds a long-term secret of its own; only the source
profile's credentials are used, and only to call AssumeRole ("Use an IAM role in the AWS
CLI", "Assume role credential provider" in the AWS SDKs reference).
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, cast

import grpc

from iamstore.client._operation import Operation
from iamstore.client._tls import LoadedTlsCa, TlsCa, channel_credentials, load_tls_ca
from iamstore.client.credentials import Credentials, NoCredentialsError, resolve_credentials
from iamstore.v1 import signin_pb2
from iamstore.wire import credentials as shared
from iamstore.wire.sigv4 import DEFAULT_HOST, DEFAULT_REGION

# The advisory and mandatory refresh windows (see AssumeRoleCredentials). botocore uses 15 and
# 10 minutes; an AssumeRole session may last only 15 minutes (its minimum DurationSeconds), so
# these are shorter.
ADVISORY_REFRESH_S = 300.0
MANDATORY_REFRESH_S = 120.0
# After a failed advisory refresh, the next one starts no sooner than this: a failing node is
# not asked again on every call while the current credentials still work.
ADVISORY_RETRY_S = 30.0
SESSION_NAME_PREFIX = "iamstore-session-"
KEY_ROLE_ARN = "role_arn"
KEY_SOURCE_PROFILE = "source_profile"

log = logging.getLogger(__name__)


class CredentialProvider(Protocol):
    """What a client signs with: read all three on every call (they may change)."""

    @property
    def access_key_id(self) -> str: ...

    @property
    def secret_access_key(self) -> str: ...

    @property
    def session_token(self) -> str | None: ...


def frozen_credentials(source: CredentialProvider) -> Credentials:
    """One consistent snapshot: a refreshing provider may change between attribute reads."""
    if isinstance(source, Credentials):
        return source
    freeze = getattr(source, "frozen", None)
    if callable(freeze):
        return cast(Credentials, freeze())
    return Credentials(source.access_key_id, source.secret_access_key, source.session_token)


@dataclass(frozen=True, slots=True)
class RoleProfile:
    """The assume-role settings of one profile."""

    role_arn: str
    source_profile: str | None = None
    role_session_name: str | None = None
    external_id: str | None = None
    duration_seconds: int | None = None
    mfa_serial: str | None = None


@dataclass(frozen=True, slots=True)
class Expiring:
    """Temporary credentials and when they expire (epoch seconds)."""

    credentials: Credentials
    expires_at: float


# Asks for the role's credentials: (role settings, session name, MFA code or None).
AssumeFunction = Callable[[RoleProfile, str, str | None], Expiring]
# Runs a function in the background (by default in a new daemon thread).
Background = Callable[[Callable[[], None]], None]


def _in_thread(function: Callable[[], None]) -> None:
    # A daemon thread: a refresh in flight never holds up the process's exit, and it ends by
    # itself within the client's timeout.
    threading.Thread(target=function, name="iamstore-credentials-refresh", daemon=True).start()


class AssumeRoleCredentials:
    """A role's temporary credentials, assumed with `source`'s credentials on first use and
    refreshed before they expire. Has the three attributes of `Credentials`.

    Refreshes follow botocore's RefreshableCredentials: inside the advisory window
    (`advisory_refresh_s` before expiry) the first caller starts a refresh in the background
    and every caller goes on with the still-valid credentials; a failed advisory refresh is
    logged, not raised. Inside the mandatory window (`mandatory_refresh_s`), or before the
    first credentials, callers block until a refresh gives new ones, and its errors are
    raised. At most one refresh is in flight at a time; a blocked caller waits for that one.
    A role with `mfa_serial` refreshes only in the mandatory window, in the caller's thread:
    its code may need a person at a prompt.

    Thread-safe. An async client asks `refresh_blocks()` first and waits for a blocking
    refresh in a worker thread, so its event loop is never held up by one.
    """

    def __init__(
        self,
        role: RoleProfile,
        source: CredentialProvider | None = None,
        *,
        endpoints: str | Sequence[str] | None = None,
        region: str = DEFAULT_REGION,
        host: str = DEFAULT_HOST,
        tls_ca: TlsCa = None,
        assume: AssumeFunction | None = None,
        mfa_code: Callable[[], str] | None = None,
        clock: Callable[[], float] = time.time,
        advisory_refresh_s: float = ADVISORY_REFRESH_S,
        mandatory_refresh_s: float = MANDATORY_REFRESH_S,
        advisory_retry_s: float = ADVISORY_RETRY_S,
        background: Background = _in_thread,
    ) -> None:
        if not 0 <= mandatory_refresh_s <= advisory_refresh_s:
            raise ValueError("refresh windows need 0 <= mandatory_refresh_s <= advisory_refresh_s")
        if assume is None:
            if source is None:
                raise ValueError("give the source credentials or an assume function")
            assume = _assume_with_client(source, endpoints, region, host, load_tls_ca(tls_ca))
        self.role = role
        self._assume = assume
        self._mfa_code = mfa_code
        self._clock = clock
        self._advisory_s = advisory_refresh_s
        self._mandatory_s = mandatory_refresh_s
        self._advisory_retry_s = advisory_retry_s
        self._background = background
        self._session_name = role.role_session_name or f"{SESSION_NAME_PREFIX}{int(clock())}"
        # INVARIANT: held by whoever is refreshing (a blocked caller, or the background
        # refresh, which releases it from its own thread), so one AssumeRole is in flight at
        # most; `_current` and `_advisory_not_before` are written only under it.
        self._refreshing = threading.Lock()
        self._current: Expiring | None = None
        self._advisory_not_before = -math.inf

    def __repr__(self) -> str:
        return f"AssumeRoleCredentials(role_arn={self.role.role_arn!r})"

    def _needs_refresh(self, current: Expiring | None, window_s: float) -> bool:
        return current is None or current.expires_at - self._clock() < window_s

    def refresh_blocks(self) -> bool:
        """Whether `frozen()` would now wait for a refresh (mandatory window, or no credentials
        yet) rather than answer at once."""
        return self._needs_refresh(self._current, self._mandatory_s)

    def frozen(self) -> Credentials:
        """Credentials valid for at least `mandatory_refresh_s` more."""
        current = self._current  # one read: a refresh may replace it meanwhile
        if not self._needs_refresh(current, self._mandatory_s):
            assert current is not None
            if self._needs_refresh(current, self._advisory_s):
                self._start_advisory_refresh()
            return current.credentials
        with self._refreshing:  # waits out a refresh in flight, then looks again
            if self._needs_refresh(self._current, self._mandatory_s):
                self._current = self._refresh()
            assert self._current is not None
            return self._current.credentials

    def _start_advisory_refresh(self) -> None:
        if self.role.mfa_serial is not None or self._clock() < self._advisory_not_before:
            return
        if not self._refreshing.acquire(blocking=False):
            return  # a refresh is already in flight
        try:
            self._background(self._advisory_refresh)
        except BaseException:
            self._refreshing.release()
            raise

    def _advisory_refresh(self) -> None:
        """The background refresh; it holds `_refreshing`, taken by the caller that started it."""
        try:
            if self._needs_refresh(self._current, self._advisory_s):
                self._current = self._refresh()
        except Exception:
            self._advisory_not_before = self._clock() + self._advisory_retry_s
            log.warning(
                "refreshing the credentials of role %s failed during the advisory refresh "
                "period; the current ones stay in use",
                self.role.role_arn,
                exc_info=True,
            )
        finally:
            self._refreshing.release()

    def _refresh(self) -> Expiring:
        code = None
        if self.role.mfa_serial is not None:
            if self._mfa_code is None:
                raise NoCredentialsError(
                    f"role `{self.role.role_arn}` needs a code of `{self.role.mfa_serial}`; "
                    "give an mfa_code callback"
                )
            code = self._mfa_code()
        fresh = self._assume(self.role, self._session_name, code)
        if fresh.expires_at <= self._clock():
            # botocore refuses these too: signing with them could only fail.
            raise NoCredentialsError(
                f"the credentials of role `{self.role.role_arn}` were refreshed but are "
                "already expired (is this machine's clock right?)"
            )
        return fresh

    @property
    def expires_at(self) -> float | None:
        current = self._current
        return None if current is None else current.expires_at

    @property
    def access_key_id(self) -> str:
        return self.frozen().access_key_id

    @property
    def secret_access_key(self) -> str:
        return self.frozen().secret_access_key

    @property
    def session_token(self) -> str | None:
        return self.frozen().session_token


def refresh_blocks(source: CredentialProvider) -> bool:
    """Whether taking a snapshot of `source` would now wait for a refresh."""
    check = getattr(source, "refresh_blocks", None)
    return bool(check()) if callable(check) else False


def _assume_with_client(
    source: CredentialProvider,
    endpoints: str | Sequence[str] | None,
    region: str,
    host: str,
    tls_ca: LoadedTlsCa,
) -> AssumeFunction:
    def assume(role: RoleProfile, session_name: str, code: str | None) -> Expiring:
        from iamstore.client._sync import Client  # the client imports this module
        from iamstore.client._transport import DEFAULT_ENDPOINT

        with Client(
            endpoints or DEFAULT_ENDPOINT,
            credentials=frozen_credentials(source),
            region=region,
            host=host,
            tls_ca=tls_ca,
        ) as client:
            result = client.assume_role(
                role_arn=role.role_arn,
                role_session_name=session_name,
                external_id=role.external_id,
                duration_seconds=role.duration_seconds,
                serial_number=role.mfa_serial,
                token_code=code,
            )
        issued = result.credentials
        return Expiring(
            Credentials(issued.access_key_id, issued.secret_access_key, issued.session_token),
            issued.expiration.timestamp(),
        )

    return assume


# --- profiles ----------------------------------------------------------------------------


def _role_profile(values: Mapping[str, str], where: str) -> RoleProfile:
    duration = values.get("duration_seconds")
    if duration is not None and not duration.strip().isdigit():
        raise NoCredentialsError(f"`duration_seconds` in {where} is not a number: `{duration}`")
    source = values.get(KEY_SOURCE_PROFILE)
    if not source:
        # `credential_source` (EC2 metadata, ECS, environment) is not supported.
        raise NoCredentialsError(f"{where} has `role_arn` but no `source_profile`")
    return RoleProfile(
        role_arn=values[KEY_ROLE_ARN],
        source_profile=source,
        role_session_name=values.get("role_session_name"),
        external_id=values.get("external_id"),
        duration_seconds=None if duration is None else int(duration),
        mfa_serial=values.get("mfa_serial"),
    )


def find_role_profile(name: str, credentials_path: Path, config_path: Path) -> RoleProfile | None:
    """The profile's assume-role settings, from the config file (`[profile NAME]`) or the
    shared credentials file (`[NAME]`); None when it has no `role_arn`."""
    config_sections = (
        ["default", "profile default"] if name == shared.DEFAULT_PROFILE else [f"profile {name}"]
    )
    for path, sections in ((config_path, config_sections), (credentials_path, [name])):
        parser = shared._read_ini(path)
        if parser is None:
            continue
        for section in sections:
            if parser.has_section(section) and parser[section].get(KEY_ROLE_ARN):
                return _role_profile(parser[section], f"`{path}` [{section}]")
    return None


def resolve(
    *,
    profile: str | None = None,
    credentials_file: str | None = None,
    config_file: str | None = None,
    environ: Mapping[str, str] | None = None,
    endpoints: str | Sequence[str] | None = None,
    region: str = DEFAULT_REGION,
    host: str = DEFAULT_HOST,
    tls_ca: TlsCa = None,
    mfa_code: Callable[[], str] | None = None,
    clock: Callable[[], float] = time.time,
) -> Credentials | AssumeRoleCredentials:
    """`resolve_credentials`, extended with role profiles (the AWS SDKs' chain).

    The environment's keys first (unless a profile or file is named); then the profile: a
    `role_arn` profile becomes AssumeRoleCredentials over its `source_profile` (itself
    resolved the same way, so roles may chain; a cycle is an error), any other profile its
    static keys. Role profiles call AssumeRole through `endpoints`, over TLS with `tls_ca`.
    """
    loaded_ca = load_tls_ca(tls_ca)
    env = dict(os.environ if environ is None else environ)
    if config_file is not None:
        env[shared.ENV_CONFIG_FILE] = config_file
    if profile is None and credentials_file is None and env.get(shared.ENV_ACCESS_KEY_ID):
        return resolve_credentials(environ=env)
    name = (
        profile
        or env.get(shared.ENV_PROFILE)
        or env.get(shared.ENV_DEFAULT_PROFILE)
        or shared.DEFAULT_PROFILE
    )
    credentials_path = shared._expand(
        credentials_file or env.get(shared.ENV_SHARED_CREDENTIALS_FILE) or "~/.aws/credentials",
        env,
    )
    config_path = shared._expand(env.get(shared.ENV_CONFIG_FILE) or "~/.aws/config", env)

    def load(name: str, seen: tuple[str, ...]) -> Credentials | AssumeRoleCredentials:
        if name in seen:
            chain = " -> ".join((*seen, name))
            raise NoCredentialsError(f"profiles form a `source_profile` cycle: {chain}")
        role = find_role_profile(name, credentials_path, config_path)
        if role is None:
            return resolve_credentials(
                profile=name, credentials_file=str(credentials_path), environ=env
            )
        assert role.source_profile is not None
        return AssumeRoleCredentials(
            role,
            load(role.source_profile, (*seen, name)),
            endpoints=endpoints,
            region=region,
            host=host,
            tls_ca=loaded_ca,
            mfa_code=mfa_code,
            clock=clock,
        )

    return load(name, ())


# --- sign-in -------------------------------------------------------------------------------

SIGN_IN: Operation[None] = Operation(
    name="SignIn",
    method_path="/iamstore.v1.SignIn/SignIn",
    request_type=signin_pb2.SignInRequest,
    response_type=signin_pb2.SignInResponse,
    result_type=None,
)


@dataclass(frozen=True, slots=True)
class SignInResult:
    """A signed-in user's temporary credentials."""

    credentials: Credentials
    expiration: datetime
    arn: str
    mfa_authenticated: bool


def sign_in(
    endpoints: str | Sequence[str],
    *,
    account: str,
    user_name: str,
    password: str,
    token_code: str | None = None,
    duration_seconds: int | None = None,
    timeout: float | None = 30.0,
    tls_ca: TlsCa = None,
) -> SignInResult:
    """Exchanges an IAM user's password (and MFA code) for temporary credentials.

    Unsigned: nothing but the password is needed. Raises client.errors.AccessDenied on any
    wrong detail (the node never says which), PasswordResetRequired when the password must
    be changed first. Several endpoints: the next is tried only when one is unavailable (the
    attempt never reached a node). Over TLS with `tls_ca`, as the clients.
    """
    from iamstore.client._transport import (  # the transport imports us
        CHANNEL_OPTIONS,
        error_for_status,
        identity,
        parse_endpoints,
        unavailable_error,
    )

    request = signin_pb2.SignInRequest(account=account, user_name=user_name, password=password)
    if token_code is not None:
        request.token_code = token_code
    if duration_seconds is not None:
        request.duration_seconds = duration_seconds
    body = request.SerializeToString()
    tls = channel_credentials(load_tls_ca(tls_ca))
    addresses = parse_endpoints(endpoints)
    operation = cast(Operation[object], SIGN_IN)
    last_details: str | None = None
    for address in addresses:
        channel = (
            grpc.insecure_channel(address, options=CHANNEL_OPTIONS)
            if tls is None
            else grpc.secure_channel(address, tls, options=CHANNEL_OPTIONS)
        )
        with channel:
            rpc = channel.unary_unary(
                SIGN_IN.method_path,
                request_serializer=identity,
                response_deserializer=signin_pb2.SignInResponse.FromString,
            )
            try:
                response = rpc(body, timeout=timeout)
            except grpc.RpcError as error:
                failed = cast(grpc.Call, error)
                if failed.code() == grpc.StatusCode.UNAVAILABLE:
                    last_details = failed.details()
                    continue
                raise error_for_status(
                    operation, failed.code(), failed.details(), failed.trailing_metadata()
                ) from None
        issued = response.credentials
        return SignInResult(
            credentials=Credentials(
                issued.access_key_id, issued.secret_access_key, issued.session_token
            ),
            expiration=issued.expiration.ToDatetime(tzinfo=UTC),
            arn=response.arn,
            mfa_authenticated=response.mfa_authenticated,
        )
    raise unavailable_error(operation, addresses, last_details)
