"""Virtual MFA devices and ChangePassword through real gRPC, with AWS's errors and isolation."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest

from iamstore.client import (
    AccessDeniedError,
    Client,
    Credentials,
    DeleteConflictError,
    EntityAlreadyExistsError,
    InvalidAuthenticationCodeError,
    InvalidUserTypeError,
    LimitExceededError,
    NoSuchEntityError,
    PasswordPolicyViolationError,
    ValidationError,
)
from iamstore.cluster.testing.inproc import InProcessNode

STRONG = "Str0ng-Enough!"


def _codes(seed: bytes, first_offset: int = 0) -> dict[str, str]:
    """Two consecutive codes, from the current step on (an independent RFC 6238 generator).

    Starting at the current step keeps both inside the node's ±1 step window even when the
    step turns between here and the node's check.
    """
    device = pyotp.TOTP(seed.decode())
    step = int(time.time() // 30) + first_offset
    return {
        "authentication_code1": device.generate_otp(step),
        "authentication_code2": device.generate_otp(step + 1),
    }


def _device(iam: Client, name: str = "dev", path: str | None = None) -> tuple[str, bytes]:
    made = iam.create_virtual_mfa_device(virtual_mfa_device_name=name, path=path)
    device = made.virtual_mfa_device
    assert device.base32_string_seed is not None
    return device.serial_number, device.base32_string_seed


def _account_id(iam: Client) -> str:
    return iam.get_user().user.arn.split(":")[4]


def test_create_returns_seed_qr_code_and_serial_number(iam: Client) -> None:
    made = iam.create_virtual_mfa_device(
        virtual_mfa_device_name="phone", path="/team/", tags=[{"Key": "k", "Value": "v"}]
    ).virtual_mfa_device
    # AWS: serial number = arn:aws:iam::ACCOUNT:mfa/PATH/NAME; a 32-character base32 seed.
    assert made.serial_number == f"arn:aws:iam::{_account_id(iam)}:mfa/team/phone"
    assert made.base32_string_seed is not None
    assert len(made.base32_string_seed) == 32
    assert made.qr_code_png is not None
    assert made.qr_code_png.startswith(b"\x89PNG")
    assert made.user is None
    assert made.enable_date is None
    assert [(t.key, t.value) for t in made.tags] == [("k", "v")]
    listed = iam.list_virtual_mfa_devices().virtual_mfa_devices
    # The seed is shown only once, when the device is created.
    assert [(d.serial_number, d.base32_string_seed, d.qr_code_png) for d in listed] == [
        (made.serial_number, None, None)
    ]


def test_seed_is_never_stored_in_clear(iam: Client, iam_node: InProcessNode) -> None:
    _, seed = _device(iam, "sealed")
    stored = b"".join(
        p.read_bytes() for p in Path(iam_node.config.data_dir).rglob("*") if p.is_file()
    )
    assert seed not in stored


def test_same_path_and_name_is_entity_already_exists(iam: Client) -> None:
    _device(iam, "dev")
    with pytest.raises(EntityAlreadyExistsError):
        iam.create_virtual_mfa_device(virtual_mfa_device_name="DEV")
    serial, _ = _device(iam, "dev", "/other/")  # another path is another device
    assert serial.endswith(":mfa/other/dev")


def test_enable_list_deactivate_delete_lifecycle(iam: Client) -> None:
    iam.create_user(user_name="alice")
    serial, seed = _device(iam)
    iam.enable_mfa_device(user_name="alice", serial_number=serial, **_codes(seed))
    listed = iam.list_mfa_devices(user_name="alice").mfa_devices
    assert [(d.user_name, d.serial_number) for d in listed] == [("alice", serial)]
    virtual = iam.list_virtual_mfa_devices(assignment_status="Assigned").virtual_mfa_devices
    assert [d.serial_number for d in virtual] == [serial]
    assert virtual[0].user is not None
    assert virtual[0].user.user_name == "alice"
    assert virtual[0].enable_date == listed[0].enable_date
    assert iam.list_virtual_mfa_devices(assignment_status="Unassigned").virtual_mfa_devices == ()
    # AWS: a device in use cannot be deleted, nor can its user.
    with pytest.raises(DeleteConflictError):
        iam.delete_virtual_mfa_device(serial_number=serial)
    with pytest.raises(DeleteConflictError):
        iam.delete_user(user_name="alice")
    iam.deactivate_mfa_device(user_name="alice", serial_number=serial)
    assert iam.list_mfa_devices(user_name="alice").mfa_devices == ()
    unassigned = iam.list_virtual_mfa_devices(assignment_status="Unassigned")
    assert [d.serial_number for d in unassigned.virtual_mfa_devices] == [serial]
    iam.delete_virtual_mfa_device(serial_number=serial)
    iam.delete_user(user_name="alice")
    assert iam.list_virtual_mfa_devices().virtual_mfa_devices == ()
    with pytest.raises(NoSuchEntityError):
        iam.delete_virtual_mfa_device(serial_number=serial)


def test_wrong_or_far_codes_are_invalid_authentication_code(iam: Client) -> None:
    iam.create_user(user_name="alice")
    serial, seed = _device(iam)
    codes = _codes(seed)
    with pytest.raises(InvalidAuthenticationCodeError):
        iam.enable_mfa_device(
            user_name="alice",
            serial_number=serial,
            authentication_code1=codes["authentication_code2"],
            authentication_code2=codes["authentication_code1"],
        )
    with pytest.raises(InvalidAuthenticationCodeError):  # five minutes ahead: outside ±1 step
        iam.enable_mfa_device(user_name="alice", serial_number=serial, **_codes(seed, 10))
    with pytest.raises(ValidationError):  # AWS's model: exactly six digits
        iam.enable_mfa_device(
            user_name="alice",
            serial_number=serial,
            authentication_code1="12345",
            authentication_code2="123456",
        )
    assert iam.list_mfa_devices(user_name="alice").mfa_devices == ()


def test_codes_already_used_on_this_node_are_refused(iam: Client) -> None:
    iam.create_user(user_name="alice")
    serial, seed = _device(iam)
    codes = _codes(seed)
    iam.enable_mfa_device(user_name="alice", serial_number=serial, **codes)
    iam.deactivate_mfa_device(user_name="alice", serial_number=serial)
    with pytest.raises(InvalidAuthenticationCodeError):
        iam.enable_mfa_device(user_name="alice", serial_number=serial, **codes)
    assert iam.list_mfa_devices(user_name="alice").mfa_devices == ()


def test_enabling_a_device_in_use_is_entity_already_exists(iam: Client) -> None:
    iam.create_user(user_name="alice")
    iam.create_user(user_name="bob")
    serial, seed = _device(iam)
    iam.enable_mfa_device(user_name="alice", serial_number=serial, **_codes(seed))
    with pytest.raises(EntityAlreadyExistsError):
        iam.enable_mfa_device(user_name="bob", serial_number=serial, **_codes(seed, 2))
    assert iam.list_mfa_devices(user_name="bob").mfa_devices == ()


def test_resync_accepts_a_drifted_device_and_wrong_codes_are_refused(iam: Client) -> None:
    iam.create_user(user_name="alice")
    serial, seed = _device(iam)
    iam.enable_mfa_device(user_name="alice", serial_number=serial, **_codes(seed))
    with pytest.raises(InvalidAuthenticationCodeError):
        iam.resync_mfa_device(
            user_name="alice",
            serial_number=serial,
            authentication_code1="000000",
            authentication_code2="000000",
        )
    # Five minutes of drift is beyond enabling's window but within resync's.
    iam.resync_mfa_device(user_name="alice", serial_number=serial, **_codes(seed, 10))
    iam.create_user(user_name="bob")
    with pytest.raises(NoSuchEntityError):  # resync only a device enabled for that user
        iam.resync_mfa_device(user_name="bob", serial_number=serial, **_codes(seed, 12))


def test_at_most_eight_devices_per_user(iam: Client) -> None:
    # AWS quota "MFA devices in use per user": 8.
    iam.create_user(user_name="alice")
    for index in range(8):
        serial, seed = _device(iam, f"d{index}")
        iam.enable_mfa_device(user_name="alice", serial_number=serial, **_codes(seed))
    serial, seed = _device(iam, "ninth")
    with pytest.raises(LimitExceededError):
        iam.enable_mfa_device(user_name="alice", serial_number=serial, **_codes(seed))
    assert len(iam.list_mfa_devices(user_name="alice").mfa_devices) == 8
    page = iam.list_mfa_devices(user_name="alice", max_items=5)
    assert page.is_truncated
    assert len(page.mfa_devices) == 5
    rest = iam.list_mfa_devices(user_name="alice", marker=page.marker)
    assert len(rest.mfa_devices) == 3
    assert not rest.is_truncated


def test_missing_user_or_device_is_no_such_entity(iam: Client) -> None:
    iam.create_user(user_name="alice")
    serial, seed = _device(iam)
    with pytest.raises(NoSuchEntityError):
        iam.enable_mfa_device(user_name="ghost", serial_number=serial, **_codes(seed))
    missing = serial.replace(":mfa/dev", ":mfa/nope")
    with pytest.raises(NoSuchEntityError):
        iam.enable_mfa_device(user_name="alice", serial_number=missing, **_codes(seed))
    with pytest.raises(NoSuchEntityError):  # not enabled for alice
        iam.deactivate_mfa_device(user_name="alice", serial_number=serial)
    with pytest.raises(NoSuchEntityError):
        iam.list_mfa_devices(user_name="ghost")


def test_devices_are_isolated_between_accounts(iam: Client, other_account: Client) -> None:
    serial, seed = _device(iam)
    other_account.create_user(user_name="mallory")
    with pytest.raises(NoSuchEntityError):
        other_account.enable_mfa_device(user_name="mallory", serial_number=serial, **_codes(seed))
    with pytest.raises(NoSuchEntityError):
        other_account.delete_virtual_mfa_device(serial_number=serial)
    assert other_account.list_virtual_mfa_devices().virtual_mfa_devices == ()
    assert [d.serial_number for d in iam.list_virtual_mfa_devices().virtual_mfa_devices] == [serial]


@pytest.fixture
def alice(iam: Client, iam_node: InProcessNode) -> Iterator[Client]:
    """The user `alice`, with a console password, calling with her own access key."""
    iam.create_user(user_name="alice")
    iam.create_login_profile(user_name="alice", password=STRONG, password_reset_required=True)
    key = iam.create_access_key(user_name="alice").access_key
    with Client(
        iam_node.address, credentials=Credentials(key.access_key_id, key.secret_access_key)
    ) as client:
        yield client


def test_change_password_needs_the_account_policy_to_allow_it(iam: Client, alice: Client) -> None:
    # AllowUsersToChangePassword defaults to false: users cannot change their own password.
    with pytest.raises(AccessDeniedError):
        alice.change_password(old_password=STRONG, new_password="N3w-Password!")
    iam.update_account_password_policy(allow_users_to_change_password=False)
    with pytest.raises(AccessDeniedError):
        alice.change_password(old_password=STRONG, new_password="N3w-Password!")


def test_change_password_checks_old_and_new_then_clears_reset(iam: Client, alice: Client) -> None:
    iam.update_account_password_policy(
        allow_users_to_change_password=True, minimum_password_length=12, require_numbers=True
    )
    with pytest.raises(AccessDeniedError):
        alice.change_password(old_password="Wrong-Old-1!", new_password="N3w-Password!")
    with pytest.raises(PasswordPolicyViolationError):
        alice.change_password(old_password=STRONG, new_password="no-digits-here")
    alice.change_password(old_password=STRONG, new_password="N3w-Password!")
    assert iam.get_login_profile(user_name="alice").login_profile.password_reset_required is False
    # The new password is now the one to prove.
    with pytest.raises(AccessDeniedError):
        alice.change_password(old_password=STRONG, new_password="Th1rd-Password!")
    alice.change_password(old_password="N3w-Password!", new_password="Th1rd-Password!")


def test_change_password_refuses_a_remembered_password(iam: Client, alice: Client) -> None:
    # PasswordReusePrevention applies when users change their own passwords too.
    iam.update_account_password_policy(
        allow_users_to_change_password=True, password_reuse_prevention=1
    )
    with pytest.raises(PasswordPolicyViolationError, match=r"previous password$"):
        alice.change_password(old_password=STRONG, new_password=STRONG)
    alice.change_password(old_password=STRONG, new_password="N3w-Password!")
    # With one password remembered, the one before the current may come back.
    alice.change_password(old_password="N3w-Password!", new_password=STRONG)


def test_change_password_without_login_profile_is_no_such_entity(
    iam: Client, alice: Client
) -> None:
    iam.update_account_password_policy(allow_users_to_change_password=True)
    iam.delete_login_profile(user_name="alice")
    with pytest.raises(NoSuchEntityError):
        alice.change_password(old_password=STRONG, new_password="N3w-Password!")


def test_root_cannot_use_change_password(iam: Client) -> None:
    iam.update_account_password_policy(allow_users_to_change_password=True)
    with pytest.raises(InvalidUserTypeError):
        iam.change_password(old_password=STRONG, new_password="N3w-Password!")
