"""Virtual MFA devices: create, assign to a user, resynchronise, deactivate, delete, list.

Codes are checked by the API layer (it holds the seeds' key and the node's used steps);
the plans here see only the outcome and enforce AWS's conflicts and quotas.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from iamstore.node.domain import fields, tagging
from iamstore.node.domain.entities import Change, MfaDevice, User
from iamstore.node.domain.errors import (
    DeleteConflict,
    EntityAlreadyExists,
    LimitExceeded,
    NoSuchEntity,
)
from iamstore.node.domain.rules import Page, check_tags, paginate
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext


class AssignmentStatus(StrEnum):
    """ListVirtualMFADevices' filter."""

    ASSIGNED = "Assigned"
    UNASSIGNED = "Unassigned"
    ANY = "Any"


def create(
    view: View,
    ctx: WriteContext,
    device_id: str,
    name: str,
    path: str,
    sealed_seed: bytes,
    tags: Sequence[tuple[str, str]],
) -> tuple[list[Change], MfaDevice]:
    """A new unassigned device; `device_id` is fresh and `sealed_seed` is sealed for it."""
    if view.mfa_devices.named(ctx.account_id, path + name) is not None:
        raise EntityAlreadyExists(
            "MFADevice entity at the same path and name already exists.", "VirtualMFADeviceName"
        )
    device = MfaDevice(
        device_id=device_id,
        account_id=ctx.account_id,
        device_name=name,
        path=path,
        sealed_seed=sealed_seed,
        created_ms=ctx.now_ms,
        tags=check_tags((), tags, ctx.quotas),
    )
    return [Change.put(device)], device


def by_serial(view: View, account_id: str, serial_number: str) -> MfaDevice:
    """The account's device with this serial number (`arn:aws:iam::ACCOUNT:mfa/PATH/NAME`)."""
    prefix = f"arn:aws:iam::{account_id}:mfa/"
    found = None
    if serial_number.startswith(prefix):
        found = view.mfa_devices.named(account_id, serial_number[len(prefix) - 1 :])
    if found is None:
        raise NoSuchEntity(
            f"VirtualMFADevice with serial number {serial_number} doesn't exist.", "SerialNumber"
        )
    return found


def assigned_to(view: View, user_id: str) -> list[MfaDevice]:
    """The devices enabled for a user (hidden rows, which lost their name, and devices of
    another account, left by a deleted user whose id another account took, do not count)."""
    user = view.users.get(user_id)
    return (
        [] if user is None else view.mfa_devices.live(view.mfa_of.get(user_id, ()), user.account_id)
    )


def assigned(view: View, user: User, serial_number: str) -> MfaDevice:
    """The device with this serial number, which must be enabled for `user`."""
    device = next(
        (d for d in assigned_to(view, user.user_id) if d.serial_number == serial_number), None
    )
    if device is None:
        raise not_assigned(serial_number, user.name)
    return device


def not_assigned(serial_number: str, user_name: str) -> NoSuchEntity:
    return NoSuchEntity(
        f"MFA Device with serial number {serial_number} for user {user_name} cannot be found.",
        "SerialNumber",
    )


def enable(
    view: View, ctx: WriteContext, user: User, device_id: str, drift_steps: int
) -> list[Change]:
    """Assigns a proven device to `user` (the caller checked its two consecutive codes)."""
    device = view.mfa_devices.get(device_id)
    if device is None:
        raise NoSuchEntity("The MFA device was deleted while it was being enabled.")
    if device.user_id is not None:
        raise EntityAlreadyExists("MFA Device is already in use.", "SerialNumber")
    if len(assigned_to(view, user.user_id)) >= ctx.quotas.mfa_devices_per_user:
        raise LimitExceeded(
            f"Cannot exceed quota for MfaDevicesPerUser: {ctx.quotas.mfa_devices_per_user}"
        )
    # Field rows: the device's own row is written only by its creation and its deletion.
    return [
        fields.put(device, "user_id", user.user_id),
        fields.put(device, "enabled_ms", ctx.now_ms),
        fields.put(device, "drift_steps", drift_steps),
    ]


def resync(view: View, user: User, serial_number: str, drift_steps: int) -> list[Change]:
    device = assigned(view, user, serial_number)
    # A field row: a concurrent DeactivateMFADevice is not undone by a resync.
    return [fields.put(device, "drift_steps", drift_steps)]


def deactivate(view: View, user: User, serial_number: str) -> list[Change]:
    """Unassigns the device; a virtual device stays, unassigned, until it is deleted."""
    device = assigned(view, user, serial_number)
    return [
        fields.put(device, "user_id", None),
        fields.put(device, "enabled_ms", None),
        fields.put(device, "drift_steps", 0),
    ]


def delete(view: View, account_id: str, serial_number: str) -> list[Change]:
    device = by_serial(view, account_id, serial_number)
    if device.user_id is not None:
        raise DeleteConflict(
            "MFA device is in use; deactivate it before deleting it.", "SerialNumber"
        )
    return [
        Change.delete(device),
        *tagging.dropped(view, device),
    ]


def listed_for_user(
    view: View, user_id: str, marker: str | None, max_items: int | None
) -> Page[MfaDevice]:
    return paginate(assigned_to(view, user_id), lambda d: d.serial_number, marker, max_items)


def listed_virtual(
    view: View,
    account_id: str,
    status: AssignmentStatus,
    marker: str | None,
    max_items: int | None,
) -> Page[MfaDevice]:
    devices = [
        d
        for d in view.mfa_devices.in_account(account_id)
        if status is AssignmentStatus.ANY
        or (d.user_id is not None) == (status is AssignmentStatus.ASSIGNED)
    ]
    return paginate(devices, lambda d: d.serial_number, marker, max_items)
