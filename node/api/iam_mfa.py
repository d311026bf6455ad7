"""Iam handlers for a user's sign-in credentials: virtual MFA devices and ChangePassword.

Seeds are made from the node's IdSource, sealed with its SecretBox (the device id as
associated data) and returned in clear only once, by CreateVirtualMFADevice. Codes are
checked here, against the node's own record of used steps (see node.auth.totp).
"""

from __future__ import annotations

import asyncio

from iamstore.node.api import convert
from iamstore.node.api.call import Call
from iamstore.node.api.dispatch import Handler, opt_int, opt_str, registrar
from iamstore.node.api.iam_credentials import new_password_hash
from iamstore.node.auth import totp
from iamstore.node.auth.passwords import verify_password
from iamstore.node.domain import lookup, mfa, passwords
from iamstore.node.domain.entities import MfaDevice, User
from iamstore.node.domain.errors import AccessDenied, InvalidAuthenticationCode, InvalidUserType
from iamstore.node.domain.mfa import AssignmentStatus
from iamstore.v1 import iam_pb2 as pb

HANDLERS: dict[str, Handler] = {}
op = registrar(HANDLERS)

# Virtual MFA devices have no AWS-visible id; this prefix marks the node's internal one.
MFA_ID_PREFIX = "AMFA"


def _device(call: Call, d: MfaDevice, *, with_tags: bool) -> pb.VirtualMFADevice:
    """The device as CreateVirtualMFADevice (`with_tags`) or ListVirtualMFADevices shows it.

    ListVirtualMFADevices leaves tags out, as AWS documents (IAM API Reference,
    ListVirtualMFADevices: "this operation does not return tags"; ListMFADeviceTags does).
    """
    tags = convert.tags(d.tags) if with_tags else []
    message = pb.VirtualMFADevice(serial_number=d.serial_number, tags=tags)
    owner = None if d.user_id is None else call.view.users.get(d.user_id)
    if owner is not None:
        message.user.CopyFrom(convert.user(call.view, owner, full=False))
    if d.enabled_ms is not None:
        message.enable_date.CopyFrom(convert.timestamp(d.enabled_ms))
    return message


def _seed(call: Call, device: MfaDevice) -> str:
    return call.components.box.open(device.sealed_seed, device.device_id)


def _now_s(call: Call) -> float:
    return call.components.now_ms() / 1000


def _prove(
    call: Call, device: MfaDevice, serial_number: str, codes: tuple[str, str], window: int
) -> int:
    """Checks two consecutive codes and claims their steps; returns the device's clock drift.

    The codes are looked for around the node's clock, `window` steps either side. Check and
    claim happen with no `await` between them, so one node never accepts the same codes
    twice (node.auth.totp explains the window between nodes).
    """
    steps = call.components.mfa_steps
    now = _now_s(call)
    step = totp.verify_consecutive(
        _seed(call, device), *codes, now, steps.last(device.device_id), window=window
    )
    if step is None:
        raise InvalidAuthenticationCode(
            f"Authentication code for device `{serial_number}` is not valid.",
            "AuthenticationCode1",
        )
    steps.claim(device.device_id, step)
    return step - totp.step_at(now)


def _named_or_caller(call: Call, user_name: str | None) -> User | None:
    """The named user, else the calling user; None when the account's root calls unnamed."""
    if user_name is not None:
        return lookup.user(call.view, call.account_id, user_name)
    own_user_id = call.own_user_id()
    if own_user_id is None:
        return None
    return lookup.caller_user(call.view, own_user_id)


@op("CreateVirtualMFADevice")
async def create_virtual_mfa_device(
    call: Call, req: pb.CreateVirtualMFADeviceRequest
) -> pb.CreateVirtualMFADeviceResponse:
    name, path = req.virtual_mfa_device_name, opt_str(req, "path") or "/"
    device_id = call.components.ids.unique_id(MFA_ID_PREFIX)
    seed = totp.new_seed(call.components.ids.random_bytes(totp.SEED_BYTES))
    sealed = call.components.box.seal(seed, device_id)
    device = await call.write(
        lambda view, ctx: mfa.create(
            view, ctx, device_id, name, path, sealed, convert.tag_pairs(req.tags)
        )
    )
    uri = totp.provisioning_uri(seed, device.device_name, call.account_id)
    png = await asyncio.to_thread(totp.qr_code_png, uri)
    message = _device(call, device, with_tags=True)
    message.base32_string_seed = seed.encode()
    message.qr_code_png = png
    return pb.CreateVirtualMFADeviceResponse(virtual_mfa_device=message)


@op("EnableMFADevice")
async def enable_mfa_device(
    call: Call, req: pb.EnableMFADeviceRequest
) -> pb.EnableMFADeviceResponse:
    user = lookup.user(call.view, call.account_id, req.user_name)
    device = mfa.by_serial(call.view, call.account_id, req.serial_number)
    drift = 0
    if device.user_id is None:  # an assigned device is refused by the plan, codes unchecked
        codes = (req.authentication_code1, req.authentication_code2)
        drift = _prove(call, device, req.serial_number, codes, totp.WINDOW_STEPS)
    await call.change(
        lambda view, ctx: mfa.enable(
            view, ctx, lookup.user(view, ctx.account_id, user.name), device.device_id, drift
        )
    )
    return pb.EnableMFADeviceResponse()


@op("ResyncMFADevice")
async def resync_mfa_device(
    call: Call, req: pb.ResyncMFADeviceRequest
) -> pb.ResyncMFADeviceResponse:
    user = lookup.user(call.view, call.account_id, req.user_name)
    device = mfa.assigned(call.view, user, req.serial_number)
    codes = (req.authentication_code1, req.authentication_code2)
    # A device whose clock drifted is found anywhere within the wider resync window.
    drift = _prove(call, device, req.serial_number, codes, totp.RESYNC_WINDOW_STEPS)
    await call.change(
        lambda view, ctx: mfa.resync(
            view, lookup.user(view, ctx.account_id, user.name), req.serial_number, drift
        )
    )
    return pb.ResyncMFADeviceResponse()


@op("DeactivateMFADevice")
async def deactivate_mfa_device(
    call: Call, req: pb.DeactivateMFADeviceRequest
) -> pb.DeactivateMFADeviceResponse:
    user = _named_or_caller(call, opt_str(req, "user_name"))
    if user is None:
        raise mfa.not_assigned(req.serial_number, "root")
    await call.change(
        lambda view, ctx: mfa.deactivate(
            view, lookup.user(view, ctx.account_id, user.name), req.serial_number
        )
    )
    return pb.DeactivateMFADeviceResponse()


@op("DeleteVirtualMFADevice")
async def delete_virtual_mfa_device(
    call: Call, req: pb.DeleteVirtualMFADeviceRequest
) -> pb.DeleteVirtualMFADeviceResponse:
    await call.change(lambda view, ctx: mfa.delete(view, ctx.account_id, req.serial_number))
    return pb.DeleteVirtualMFADeviceResponse()


@op("ListMFADevices")
async def list_mfa_devices(call: Call, req: pb.ListMFADevicesRequest) -> pb.ListMFADevicesResponse:
    user = _named_or_caller(call, opt_str(req, "user_name"))
    if user is None:  # the root's own devices are managed outside the IAM API
        return pb.ListMFADevicesResponse(is_truncated=False)
    page = mfa.listed_for_user(
        call.view, user.user_id, opt_str(req, "marker"), opt_int(req, "max_items")
    )
    return pb.ListMFADevicesResponse(
        mfa_devices=[
            pb.MFADevice(
                user_name=user.name,
                serial_number=d.serial_number,
                enable_date=convert.timestamp(d.enabled_ms or d.created_ms),
            )
            for d in page.items
        ],
        is_truncated=page.is_truncated,
        marker=page.marker,
    )


@op("GetMFADevice")
async def get_mfa_device(call: Call, req: pb.GetMFADeviceRequest) -> pb.GetMFADeviceResponse:
    """A device enabled for the named user (else the calling user); virtual devices carry no
    FIDO certifications."""
    user = _named_or_caller(call, opt_str(req, "user_name"))
    if user is None:  # the root's own devices are managed outside the IAM API
        raise mfa.not_assigned(req.serial_number, "root")
    device = mfa.assigned(call.view, user, req.serial_number)
    return pb.GetMFADeviceResponse(
        user_name=user.name,
        serial_number=device.serial_number,
        enable_date=convert.timestamp(device.enabled_ms or device.created_ms),
    )


@op("ListVirtualMFADevices")
async def list_virtual_mfa_devices(
    call: Call, req: pb.ListVirtualMFADevicesRequest
) -> pb.ListVirtualMFADevicesResponse:
    status = AssignmentStatus(opt_str(req, "assignment_status") or AssignmentStatus.ANY)
    page = mfa.listed_virtual(
        call.view, call.account_id, status, opt_str(req, "marker"), opt_int(req, "max_items")
    )
    return pb.ListVirtualMFADevicesResponse(
        virtual_mfa_devices=[_device(call, d, with_tags=False) for d in page.items],
        is_truncated=page.is_truncated,
        marker=page.marker,
    )


@op("ChangePassword")
async def change_password(call: Call, req: pb.ChangePasswordRequest) -> pb.ChangePasswordResponse:
    """The calling user changes its own console password (AWS ChangePassword).

    Authorized before it runs (node.auth.admin): by AllowUsersToChangePassword, which grants
    iam:ChangePassword on the user itself, or by a policy (AWS's IAMUserChangePassword).
    The account root has no IAM password: InvalidUserType.
    """
    if call.caller.user_id is None:  # the root, or a role session: neither has a password
        raise InvalidUserType("only an iam user can change its password with ChangePassword")
    me = lookup.caller_user(call.view, call.caller.user_id)
    profile = passwords.profile(call.view, me)
    if not await asyncio.to_thread(verify_password, profile.password_hash, req.old_password):
        raise AccessDenied("the old password is incorrect", "OldPassword")
    new_hash = await new_password_hash(call, req.new_password, profile)
    # A changed password is no longer one that must be reset at the next sign-in.
    await call.change(
        lambda view, ctx: passwords.update_profile(
            view, ctx, lookup.caller_user(view, me.user_id), new_hash, False
        )
    )
    return pb.ChangePasswordResponse()
