"""The SignIn service: an IAM user's password (and MFA code) exchanged for temporary credentials.

The console sign-in analog. Unsigned, like AssumeRoleWithWebIdentity: the password is the
credential. The session issued is a GetSessionToken-like user session; its MFA state is set
when the user gave a valid code (required when the user has an enabled device), so such a
session may call IAM. Every failure (unknown account, unknown user, no password, wrong
password, wrong or missing code, locked name) answers the same AccessDenied after the same
work; the audit stream records the real reason. Failed attempts are throttled per node by
node.domain.signin's rules, never replicated: each attempt is counted before its password is
hashed, and the node runs a bounded number of hashes at once (Throttling beyond that).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from google.protobuf.message import DecodeError

from iamstore.node.api.call import NodeComponents
from iamstore.node.api.dispatch import opt_int, opt_str
from iamstore.node.api.model_patterns import compile_model_pattern
from iamstore.node.api.sts_sessions import (
    USER_SESSION_DEFAULT_S,
    USER_SESSION_MAX_S,
    credentials_message,
    duration_within,
    seal_session,
)
from iamstore.node.audit import AuditDecision
from iamstore.node.auth import totp
from iamstore.node.auth.passwords import hash_password, verify_password
from iamstore.node.auth.request_context import peer_ip
from iamstore.node.auth.sessions import Session, SessionKind, new_key_id, new_secret
from iamstore.node.domain import mfa
from iamstore.node.domain.accounts import is_valid_account_name
from iamstore.node.domain.entities import Change, LoginProfile, MfaDevice, User
from iamstore.node.domain.errors import AccessDenied, IamError, InvalidInput, Throttling
from iamstore.node.domain.signin import Failures, Gate, SignInRules, delay, failed, gate
from iamstore.v1 import signin_pb2 as pb
from iamstore.wire.errors import WireError

log = logging.getLogger(__name__)
SERVICE = pb.DESCRIPTOR.services_by_name["SignIn"]
ACTION = "iamstore:SignIn"
# AWS console: one message for every failure, whichever part was wrong.
FAILURE_MESSAGE = "your authentication information is incorrect; please try again"
_MS_PER_DAY = 86_400_000
# What a failed sign-in records as the principal when no such user exists: what was typed may
# be a password entered in the wrong field, so it is never kept (AWS CloudTrail does the same,
# https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html
# "Logging user sign-in events").
HIDDEN_PRINCIPAL = "HIDDEN_DUE_TO_SECURITY_REASONS"
# Bounds the per-node failure table: the oldest names are forgotten first.
MAX_TRACKED_NAMES = 100_000


# IAM's user name (CreateUser's UserName in AWS's model: this pattern, 1 to 64 characters).
_USER_NAME = compile_model_pattern(r"[\w+=,.@-]+")
_USER_NAME_MAX = 64
# One failure bucket for what can name no account or no user: those never exist, so sharing
# a bucket tells nobody anything, and the table's keys stay small whatever is typed.
IMPOSSIBLE_NAME = "\x00"


def failure_key(account: str, account_id: str | None, user_name: str) -> tuple[str, str]:
    """The failure table's key: the account and the lowercased name as typed when they could
    exist. INVARIANT: an account that could exist keeps its own bucket even when it does not,
    so throttling behaves the same for real and unknown accounts."""
    if account_id is None and not is_valid_account_name(account):
        account = IMPOSSIBLE_NAME
    possible = len(user_name) <= _USER_NAME_MAX and _USER_NAME.fullmatch(user_name) is not None
    return (account_id or account.lower(), user_name.lower() if possible else IMPOSSIBLE_NAME)


class PasswordResetRequired(IamError):
    """The password was right but must be changed first (reset flag, or MaxPasswordAge)."""

    code = "PasswordResetRequired"


class _Refused(Exception):
    """A sign-in failure: `reason` goes to the audit stream, never to the caller."""

    def __init__(self, reason: str, account_id: str | None, principal: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.account_id = account_id
        self.principal = principal


class SignInService:
    """The handler and its per-node failure table (keyed by account and lowercased name)."""

    def __init__(
        self,
        components: NodeComponents,
        rules: SignInRules | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._components = components
        self.rules = rules or SignInRules()
        self._clock = clock
        self._sleep = sleep
        self._failures: OrderedDict[tuple[str, str], Failures] = OrderedDict()
        self._decoy_hash: str | None = None
        self._hash_slots = asyncio.Semaphore(self.rules.max_concurrent_hashes)
        # Password checks running or waiting for a slot: bounded, the rest refused at once.
        self._hashing = 0

    def handlers(self) -> grpc.GenericRpcHandler[Any, Any]:
        return grpc.method_handlers_generic_handler(
            SERVICE.full_name,
            {"SignIn": grpc.unary_unary_rpc_method_handler(self._behavior)},
        )

    async def _behavior(self, body: bytes, context: grpc.aio.ServicerContext[Any, Any]) -> bytes:
        source_ip = peer_ip(context.peer())
        try:
            try:
                request = pb.SignInRequest.FromString(body)
            except DecodeError:
                raise InvalidInput("the request body is not a valid message") from None
            response = await self.sign_in(request, source_ip)
            return bytes(response.SerializeToString())
        except IamError as err:
            error = WireError(err.code, err.message, err.field)
        except Exception:
            log.exception("SignIn failed")
            error = WireError("ServiceFailure", "an internal error occurred")
        context.set_trailing_metadata(error.trailers())
        await context.abort(error.status(), error.details())
        raise AssertionError("abort returns only by raising")  # pragma: no cover

    async def sign_in(self, req: pb.SignInRequest, source_ip: str | None) -> pb.SignInResponse:
        account = (opt_str(req, "account") or "").strip()
        user_name = opt_str(req, "user_name") or ""
        password = opt_str(req, "password") or ""
        if not account or not user_name or not password:
            raise InvalidInput("`Account`, `UserName` and `Password` are required")
        requested_duration = opt_int(req, "duration_seconds")
        duration = duration_within(
            requested_duration,
            USER_SESSION_DEFAULT_S,
            USER_SESSION_MAX_S,
            f"The requested DurationSeconds exceeds the maximum of {USER_SESSION_MAX_S} seconds.",
        )
        account_id = self._account_id(account)
        name_key = failure_key(account, account_id, user_name)
        try:
            user, mfa_at = await self._check(
                name_key, account_id, user_name, password, opt_str(req, "token_code")
            )
        except _Refused as refused:
            self._audit(refused.account_id, refused.principal, source_ip, refused.reason)
            raise AccessDenied(FAILURE_MESSAGE) from None
        self._failures.pop(name_key, None)
        # The password was used, even when it has expired (password_last_used, as in AWS).
        self._components.usage.password_used(user.user_id, self._components.now_ms())
        self._check_password_age(user)
        duration = self._within_profile_limit(user, requested_duration, duration)
        now = self._components.now_ms() // 1000
        session = Session(
            access_key_id=new_key_id(user.account_id),
            secret_access_key=new_secret(),
            kind=SessionKind.USER,
            account_id=user.account_id,
            principal_id=user.user_id,
            principal_name=user.name,
            issued_at=now,
            expires_at=now + duration,
            mfa_authenticated_at=mfa_at,
        )
        token, _ = seal_session(self._components, session)
        self._audit(user.account_id, user.arn, source_ip, None)
        return pb.SignInResponse(
            credentials=credentials_message(session, token),
            arn=user.arn,
            mfa_authenticated=mfa_at is not None,
        )

    def _account_id(self, account: str) -> str | None:
        """The account named by id, or by its name standing in for an account alias."""
        accounts = self._components.state.view.accounts
        if account in accounts:
            return account
        named = [a.account_id for a in accounts.values() if a.name.lower() == account.lower()]
        return named[0] if len(named) == 1 else None

    async def _check(
        self,
        name_key: tuple[str, str],
        account_id: str | None,
        user_name: str,
        password: str,
        token_code: str | None,
    ) -> tuple[User, int | None]:
        """The user and its MFA time, or _Refused after the failure's slow-down."""
        view = self._components.state.view
        user = None if account_id is None else view.users.named(account_id, user_name)
        principal = user.arn if user is not None else HIDDEN_PRINCIPAL
        if gate(self._failures.get(name_key), self._clock(), self.rules) is Gate.LOCKED:
            await self._slow_down(self._count_failure(name_key))
            raise _Refused("Locked", account_id, principal)
        rules = self.rules
        if self._hashing >= rules.max_concurrent_hashes + rules.max_waiting_hashes:
            # Refused before it counts: no password was checked, so nothing was guessed.
            raise Throttling("Rate exceeded: too many sign-ins at once; retry later")
        # INVARIANT: no await between the gate above and this reservation, so concurrent
        # attempts each see the ones started before them: at most `lock_after` passwords of
        # one name are ever checked per lock period, however many arrive at once.
        reserved = self._count_failure(name_key)
        profile = None if user is None else view.login_profiles.get(user.user_id)
        self._hashing += 1
        try:
            async with self._hash_slots:
                # INVARIANT: the same argon2 work whether or not the user and a password
                # exist, so the answer's timing does not tell which names are real.
                matches = await self._password_matches(profile, password)
        finally:
            self._hashing -= 1
        if not matches or user is None:
            await self._slow_down(reserved)
            reason = "NoSuchUser" if user is None else "NoPassword" if profile is None else ""
            raise _Refused(reason or "InvalidPassword", account_id, principal)
        try:
            mfa_at = await self._mfa_time(user, token_code)
        except _Refused:
            await self._slow_down(reserved)
            raise
        return user, mfa_at

    async def _password_matches(self, profile: LoginProfile | None, password: str) -> bool:
        if profile is not None:
            return await asyncio.to_thread(verify_password, profile.password_hash, password)
        if self._decoy_hash is None:
            self._decoy_hash = await asyncio.to_thread(hash_password, new_secret())
        await asyncio.to_thread(verify_password, self._decoy_hash, password)
        return False

    async def _mfa_time(self, user: User, token_code: str | None) -> int | None:
        """Now when a valid unused code of one of the user's devices was given; a user with an
        enabled device must give one (AWS console sign-in).

        A code is checked only against devices that are not locked, and a wrong one counts
        against each device it was checked against, cluster-wide, as STS's codes do
        (node.api.mfa_attempts): signing in is no way around a device's lock.
        """
        view = self._components.state.view
        devices = mfa.assigned_to(view, user.user_id)
        if not devices and token_code is None:
            return None
        if not devices or token_code is None:
            reason = "MfaRequired" if token_code is None else "NoMfaDevice"
            raise _Refused(reason, user.account_id, user.arn)
        now = self._components.now_ms() / 1000
        attempts = self._components.mfa_attempts
        # INVARIANT: no await from the first lock check to the last count or claim (the
        # replay rule of node.auth.totp, the counting rule of node.api.mfa_attempts).
        checked = [d for d in devices if not attempts.locked(view, d.device_id, now)]
        matched = next((d for d in checked if self._code_matches(d, token_code, now)), None)
        if matched is not None:
            forget = attempts.forgotten(view, matched.device_id)
            if forget:
                await self._components.writer.write(user.arn, "SignIn", lambda _: (forget, None))
            return int(now)
        counted = [attempts.failed(view, d.device_id, now)[0] for d in checked]
        if counted:
            try:
                await self._components.writer.write(
                    user.arn, "SignIn", lambda _: ([Change.put(row) for row in counted], None)
                )
            finally:
                for row in counted:
                    attempts.written(row)
        raise _Refused("InvalidMfaCode" if counted else "MfaLocked", user.account_id, user.arn)

    def _code_matches(self, device: MfaDevice, token_code: str, now: float) -> bool:
        """Whether `token_code` is a valid unused code of `device`; claims it if so."""
        steps = self._components.mfa_steps
        seed = self._components.box.open(device.sealed_seed, device.device_id)
        step = totp.verify(
            seed, token_code, now, steps.last(device.device_id), drift=device.drift_steps
        )
        if step is None:
            return False
        steps.claim(device.device_id, step)
        return True

    def _within_profile_limit(self, user: User, requested: int | None, duration: int) -> int:
        """The session's duration under the login profile's MaxSigninSessionDuration, if set
        (AWS's LoginProfile: the longest sign-in session through this password,
        https://docs.aws.amazon.com/IAM/latest/APIReference/API_LoginProfile.html): it lowers
        the default and the maximum, and never raises them above a user session's 36 hours.
        Asked only once the password was proven right, so it tells nothing to a guesser."""
        limit = self._components.state.view.login_profiles[user.user_id].max_signin_session_duration
        if limit is None or limit >= USER_SESSION_MAX_S:
            return duration
        return duration_within(
            requested,
            USER_SESSION_DEFAULT_S,
            limit,
            f"The requested DurationSeconds exceeds the maximum sign-in session duration of "
            f"{limit} seconds set for this user's password.",
        )

    def _check_password_age(self, user: User) -> None:
        """A password flagged for reset, or older than the policy's MaxPasswordAge, must be
        changed before it signs in (asked only once the password was proven right)."""
        view = self._components.state.view
        profile = view.login_profiles[user.user_id]
        if profile.reset_required:
            raise PasswordResetRequired("the password must be reset before signing in")
        rules = view.password_policies.get(user.account_id)
        if rules is None or rules.max_password_age is None:
            return
        age_ms = self._components.now_ms() - profile.password_age_from_ms
        if age_ms > rules.max_password_age * _MS_PER_DAY:
            hard = " (an administrator must reset it)" if rules.hard_expiry else ""
            raise PasswordResetRequired(f"the password has expired{hard}")

    async def _slow_down(self, failures: Failures) -> None:
        """Waits out a failure's slow-down before its answer goes back."""
        wait = delay(failures, self.rules)
        if wait > 0:
            await self._sleep(wait)

    def _count_failure(self, name_key: tuple[str, str]) -> Failures:
        """Counts one failure of the name now (a success later forgets them all)."""
        failures = failed(self._failures.pop(name_key, None), self._clock(), self.rules)
        self._failures[name_key] = failures  # most recent last
        while len(self._failures) > MAX_TRACKED_NAMES:
            self._failures.popitem(last=False)
        return failures

    def _audit(
        self, account_id: str | None, principal: str, source_ip: str | None, reason: str | None
    ) -> None:
        audit = self._components.audit
        failure = AuditDecision.AUTHENTICATION_FAILURE
        audit.record(
            account_id=account_id,
            principal=principal,
            action=ACTION,
            resource=principal if reason is None else "*",
            decision=AuditDecision.ALLOW if reason is None else failure,
            source_ip=source_ip,
            error_code=reason,
        )
