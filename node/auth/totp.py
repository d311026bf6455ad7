"""Time-based one-time codes (RFC 6238) of virtual MFA devices: seeds, codes, checks, replay.

A code is accepted within one 30-second step either side of the device's clock, and a code,
once accepted, is refused afterwards: `UsedSteps` remembers the last step accepted per device.

Cross-node window: `UsedSteps` lives in one node's memory and is not replicated. A code
accepted by one node can therefore be accepted once more by another node while it is still
inside the window (at most three steps, 90 seconds). Within one node, a code is never
accepted twice. Replicating the used steps would close the window only as fast as gossip
spreads them, so the node keeps the bound local and states it here instead.
"""

from __future__ import annotations

import base64
import hmac
import io
from urllib.parse import quote, urlencode

import pyotp
import qrcode
from qrcode.image.pure import PyPNGImage

STEP_SECONDS = 30
DIGITS = 6
SEED_BYTES = 20  # 160 bits, the HMAC-SHA1 key size RFC 4226 recommends
WINDOW_STEPS = 1  # codes from one step before or after the current one are accepted
# ResyncMFADevice looks this far either side for two consecutive codes (ten minutes).
RESYNC_WINDOW_STEPS = 20


def new_seed(random_bytes: bytes) -> str:
    """The base32 seed (AWS's Base32StringSeed) for `SEED_BYTES` fresh random bytes."""
    if len(random_bytes) < SEED_BYTES:
        raise ValueError(f"a seed needs at least {SEED_BYTES} random bytes")
    return base64.b32encode(random_bytes[:SEED_BYTES]).decode().rstrip("=")


def step_at(at: float) -> int:
    """The RFC 6238 time step (T) at `at` epoch seconds."""
    return int(at // STEP_SECONDS)


def code_at_step(seed: str, step: int, digits: int = DIGITS) -> str:
    """The code a device with `seed` shows during `step`."""
    return pyotp.TOTP(seed, digits=digits, interval=STEP_SECONDS).generate_otp(step)


def code_at(seed: str, at: float, digits: int = DIGITS) -> str:
    return code_at_step(seed, step_at(at), digits)


def _candidates(at: float, drift: int, window: int, last_used_step: int | None) -> list[int]:
    centre = step_at(at) + drift
    steps = range(centre - window, centre + window + 1)
    return [s for s in steps if s >= 0 and (last_used_step is None or s > last_used_step)]


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def verify(
    seed: str,
    code: str,
    at: float,
    last_used_step: int | None,
    *,
    drift: int = 0,
    window: int = WINDOW_STEPS,
    digits: int = DIGITS,
) -> int | None:
    """The step `code` belongs to, if it is within the window and after `last_used_step`."""
    if len(code) != digits:
        return None
    for step in _candidates(at, drift, window, last_used_step):
        if _same(code_at_step(seed, step, digits), code):
            return step
    return None


def verify_consecutive(
    seed: str,
    first: str,
    second: str,
    at: float,
    last_used_step: int | None,
    *,
    drift: int = 0,
    window: int = WINDOW_STEPS,
) -> int | None:
    """The step of `second` when `first` and `second` are codes of two consecutive steps.

    Both steps must lie in the window and after `last_used_step` (EnableMFADevice and
    ResyncMFADevice take two consecutive codes to prove the device and find its clock).
    """
    steps = _candidates(at, drift, window, last_used_step)
    for step in steps:
        if step + 1 not in steps:
            continue
        if _same(code_at_step(seed, step), first) and _same(code_at_step(seed, step + 1), second):
            return step + 1
    return None


def provisioning_uri(seed: str, device_name: str, account_id: str) -> str:
    """The otpauth URI authenticator apps read: `otpauth://totp/NAME@ACCOUNT?secret=SEED`."""
    label = quote(f"{device_name}@{account_id}", safe="@")
    return f"otpauth://totp/{label}?{urlencode({'secret': seed})}"


def qr_code_png(uri: str) -> bytes:
    """A PNG image of a QR code holding `uri` (pure Python, no imaging library)."""
    image = qrcode.make(uri, image_factory=PyPNGImage)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()


class UsedSteps:
    """The last step accepted per MFA device, on this node (see the module's cross-node note).

    Callers check and claim in one synchronous stretch (no `await` in between), so two
    concurrent requests on one event loop cannot both use the same code.
    """

    __slots__ = ("_last",)

    def __init__(self) -> None:
        self._last: dict[str, int] = {}

    def last(self, device_id: str) -> int | None:
        return self._last.get(device_id)

    def claim(self, device_id: str, step: int) -> None:
        previous = self._last.get(device_id)
        if previous is None or step > previous:
            self._last[device_id] = step
