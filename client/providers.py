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

import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, cast

import grpc

from client._operations import Operation
from client.credentials import Credentials, NoCredentialsError, resolve_credentials
from client.wire import credentials as shared
from client.wire.sigv4 import DEFAULT_HOST, DEFAULT_REGION
from iamstore.v1 import signin_pb2

# AWS SDKs: refresh when the credentials have less than this left (botocore's advisory
# refresh is 15 minutes for assumed roles; 5 minutes suits the 15-minute minimum session).
REFRESH_BEFORE_S = 300.0
SESSION_NAME_PREFIX = "iamstore-session-"
KEY_ROLE_ARN = "role_arn"
KEY_SOURCE_PROFILE = "source_profile"


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


class AssumeRoleCredentials:
    """A role's temporary credentials, assumed with `source`'s credentials on first use and
    again whenever less than `refresh_before_s` remain. Thread-safe: concurrent callers of a
    sync client share one refresh. Has the three attributes of `Credentials`.

    Caution: a refresh is a blocking AssumeRole call; an async client refreshing from its
    event loop blocks that loop for one round trip (at most once per session lifetime).
    """

    def __init__(
        self,
        role: RoleProfile,
        source: CredentialProvider | None = None,
        *,
        endpoints: str | Sequence[str] | None = None,
        region: str = DEFAULT_REGION,
        host: str = DEFAULT_HOST,
        assume: AssumeFunction | None = None,
        mfa_code: Callable[[], str] | None = None,
        clock: Callable[[], float] = time.time,
        refresh_before_s: float = REFRESH_BEFORE_S,
    ) -> None:
        if assume is None:
            if source is None:
                raise ValueError("give the source credentials or an assume function")
            assume = _assume_with_client(source, endpoints, region, host)
        self.role = role
        self._assume = assume
        self._mfa_code = mfa_code
        self._clock = clock
        self._refresh_before_s = refresh_before_s
        self._session_name = role.role_session_name or f"{SESSION_NAME_PREFIX}{int(clock())}"
        self._lock = threading.Lock()
        self._current: Expiring | None = None

    def __repr__(self) -> str:
        return f"AssumeRoleCredentials(role_arn={self.role.role_arn!r})"

    def _fresh(self, current: Expiring | None) -> bool:
        return current is not None and self._clock() < current.expires_at - self._refresh_before_s

    def frozen(self) -> Credentials:
        """Credentials valid for at least `refresh_before_s` more (refreshed if needed)."""
        current = self._current
        if self._fresh(current):
            assert current is not None
            return current.credentials
        with self._lock:
            if not self._fresh(self._current):  # another thread may have refreshed meanwhile
                self._current = self._refresh()
            assert self._current is not None
            return self._current.credentials

    def _refresh(self) -> Expiring:
        code = None
        if self.role.mfa_serial is not None:
            if self._mfa_code is None:
                raise NoCredentialsError(
                    f"role `{self.role.role_arn}` needs a code of `{self.role.mfa_serial}`; "
                    "give an mfa_code callback"
                )
            code = self._mfa_code()
        return self._assume(self.role, self._session_name, code)

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


def _assume_with_client(
    source: CredentialProvider,
    endpoints: str | Sequence[str] | None,
    region: str,
    host: str,
) -> AssumeFunction:
    def assume(role: RoleProfile, session_name: str, code: str | None) -> Expiring:
        from client._sync import Client  # the client imports this module
        from client._transport import DEFAULT_ENDPOINT

        with Client(
            endpoints or DEFAULT_ENDPOINT,
            credentials=frozen_credentials(source),
            region=region,
            host=host,
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
    mfa_code: Callable[[], str] | None = None,
    clock: Callable[[], float] = time.time,
) -> Credentials | AssumeRoleCredentials:
    """`resolve_credentials`, extended with role profiles (the AWS SDKs' chain).

    The environment's keys first (unless a profile or file is named); then the profile: a
    `role_arn` profile becomes AssumeRoleCredentials over its `source_profile` (itself
    resolved the same way, so roles may chain; a cycle is an error), any other profile its
    static keys.
    """
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
    endpoint: str,
    *,
    account: str,
    user_name: str,
    password: str,
    token_code: str | None = None,
    duration_seconds: int | None = None,
    timeout: float | None = 30.0,
) -> SignInResult:
    """Exchanges an IAM user's password (and MFA code) for temporary credentials.

    Unsigned: nothing but the password is needed. Raises client.errors.AccessDenied on any
    wrong detail (the node never says which), PasswordResetRequired when the password must
    be changed first.
    """
    from client._transport import error_for_status, identity  # the transport imports us

    request = signin_pb2.SignInRequest(account=account, user_name=user_name, password=password)
    if token_code is not None:
        request.token_code = token_code
    if duration_seconds is not None:
        request.duration_seconds = duration_seconds
    with grpc.insecure_channel(endpoint) as channel:
        rpc = channel.unary_unary(
            SIGN_IN.method_path,
            request_serializer=identity,
            response_deserializer=signin_pb2.SignInResponse.FromString,
        )
        try:
            response = rpc(request.SerializeToString(), timeout=timeout)
        except grpc.RpcError as error:
            failed = cast(grpc.Call, error)
            raise error_for_status(
                cast(Operation[object], SIGN_IN),
                failed.code(),
                failed.details(),
                failed.trailing_metadata(),
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
