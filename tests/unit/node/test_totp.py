"""TOTP codes of virtual MFA devices: RFC 6238's vectors, the ±1 step window, replay refusal."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iamstore.node.auth import totp

# RFC 6238 appendix B: the SHA1 key is the ASCII string "12345678901234567890".
RFC_SEED = base64.b32encode(b"12345678901234567890").decode()


@pytest.mark.parametrize(
    ("at", "code"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ],
)
def test_rfc6238_sha1_test_vectors(at: int, code: str) -> None:
    assert totp.code_at(RFC_SEED, at, digits=8) == code
    # The six-digit codes AWS devices show are the low six digits of the same value.
    assert totp.code_at(RFC_SEED, at) == code[-6:]
    assert totp.verify(RFC_SEED, code, at, None, digits=8) == totp.step_at(at)


def test_new_seed_is_base32_of_the_random_bytes() -> None:
    assert totp.new_seed(b"12345678901234567890") == RFC_SEED
    with pytest.raises(ValueError, match="random bytes"):
        totp.new_seed(b"short")


def test_a_code_is_accepted_one_step_either_side_and_no_further() -> None:
    at = 1111111111
    step = totp.step_at(at)
    for offset in (-1, 0, 1):
        code = totp.code_at_step(RFC_SEED, step + offset)
        assert totp.verify(RFC_SEED, code, at, None) == step + offset
    for offset in (-3, -2, 2, 3):
        code = totp.code_at_step(RFC_SEED, step + offset)
        assert totp.verify(RFC_SEED, code, at, None) is None


def test_a_used_step_is_refused_and_later_ones_are_not() -> None:
    at = 1234567890
    step = totp.step_at(at)
    code = totp.code_at_step(RFC_SEED, step)
    assert totp.verify(RFC_SEED, code, at, last_used_step=step) is None
    assert totp.verify(RFC_SEED, code, at, last_used_step=step + 1) is None
    assert totp.verify(RFC_SEED, code, at, last_used_step=step - 1) == step


def test_a_code_of_the_wrong_length_is_refused() -> None:
    at = 59
    assert totp.verify(RFC_SEED, totp.code_at(RFC_SEED, at)[:5], at, None) is None
    assert totp.verify(RFC_SEED, "", at, None) is None


def test_consecutive_codes_prove_the_device_and_return_the_second_step() -> None:
    at = 2000000000
    step = totp.step_at(at)
    first, second = (totp.code_at_step(RFC_SEED, s) for s in (step - 1, step))
    assert totp.verify_consecutive(RFC_SEED, first, second, at, None) == step
    # Swapped, repeated, or already used codes prove nothing.
    assert totp.verify_consecutive(RFC_SEED, second, first, at, None) is None
    assert totp.verify_consecutive(RFC_SEED, second, second, at, None) is None
    assert totp.verify_consecutive(RFC_SEED, first, second, at, step - 1) is None


def test_resync_window_finds_a_drifted_device() -> None:
    at = 2000000000
    step = totp.step_at(at) + 7  # the device's clock runs 3.5 minutes ahead
    first, second = (totp.code_at_step(RFC_SEED, s) for s in (step, step + 1))
    assert totp.verify_consecutive(RFC_SEED, first, second, at, None) is None
    found = totp.verify_consecutive(
        RFC_SEED, first, second, at, None, window=totp.RESYNC_WINDOW_STEPS
    )
    assert found == step + 1
    # Once the drift is known, later codes are checked around the device's clock.
    later = totp.code_at_step(RFC_SEED, step + 2)
    next_step_at = at + totp.STEP_SECONDS
    assert totp.verify(RFC_SEED, later, next_step_at, None) is None
    assert totp.verify(RFC_SEED, later, next_step_at, found, drift=7) == step + 2


def test_used_steps_only_move_forward() -> None:
    used = totp.UsedSteps()
    assert used.last("d") is None
    used.claim("d", 10)
    used.claim("d", 9)
    assert used.last("d") == 10
    used.claim("d", 11)
    assert used.last("d") == 11


def test_provisioning_uri_and_qr_code() -> None:
    uri = totp.provisioning_uri(RFC_SEED, "my device", "123456789012")
    assert uri == f"otpauth://totp/my%20device@123456789012?secret={RFC_SEED}"
    png = totp.qr_code_png(uri)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


@given(st.binary(min_size=totp.SEED_BYTES, max_size=totp.SEED_BYTES), st.integers(0, 2**33))
def test_the_current_code_always_verifies_at_its_own_step(seed_bytes: bytes, at: int) -> None:
    seed = totp.new_seed(seed_bytes)
    code = totp.code_at(seed, at)
    assert len(code) == totp.DIGITS
    step = totp.verify(seed, code, at, None)
    assert step is not None
    assert abs(step - totp.step_at(at)) <= totp.WINDOW_STEPS
    # Once the latest step in the window is used, no code of the window is accepted.
    assert totp.verify(seed, code, at, totp.step_at(at) + totp.WINDOW_STEPS) is None
