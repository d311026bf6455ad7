"""Iam handlers for access keys, login profiles, the password policy and the account summary."""

from __future__ import annotations

import asyncio

from iamstore.node.api import convert
from iamstore.node.api.call import Call
from iamstore.node.api.dispatch import Handler, opt_bool, opt_int, opt_str, registrar
from iamstore.node.auth.passwords import hash_password, matches_any
from iamstore.node.domain import accounts, keys, lookup, passwords
from iamstore.node.domain.entities import LoginProfile, root_owner
from iamstore.node.domain.errors import NoSuchEntity
from iamstore.node.domain.passwords import PolicyUpdate
from iamstore.node.domain.signin_duration import requested_change
from iamstore.node.domain.usage import merged_key_use
from iamstore.v1 import iam_pb2 as pb

HANDLERS: dict[str, Handler] = {}
op = registrar(HANDLERS)


def credential_owner(call: Call, user_name: str | None) -> tuple[str, str]:
    """(owner id, user name) of an access-key or signing-certificate operation: the named user,
    else the caller itself, the account root included (its name empty); a role session naming
    no user is refused (`Call.own_user_id`)."""
    if user_name is not None:
        user = lookup.user(call.view, call.account_id, user_name)
        return user.user_id, user.name
    own_user_id = call.own_user_id()
    if own_user_id is None:
        return root_owner(call.account_id), ""
    me = lookup.caller_user(call.view, own_user_id)
    return me.user_id, me.name


@op("CreateAccessKey")
async def create_access_key(
    call: Call, req: pb.CreateAccessKeyRequest
) -> pb.CreateAccessKeyResponse:
    owner_id, user_name = credential_owner(call, opt_str(req, "user_name"))
    key_id = call.components.ids.access_key_id()
    secret = call.components.ids.secret_access_key()
    sealed = call.components.box.seal(secret, key_id)
    key = await call.write(lambda view, ctx: keys.create(view, ctx, owner_id, key_id, sealed))
    return pb.CreateAccessKeyResponse(
        access_key=pb.AccessKey(
            user_name=user_name,
            access_key_id=key.access_key_id,
            status=key.status,
            secret_access_key=secret,
            create_date=convert.timestamp(key.created_ms),
        )
    )


@op("ListAccessKeys")
async def list_access_keys(call: Call, req: pb.ListAccessKeysRequest) -> pb.ListAccessKeysResponse:
    owner_id, user_name = credential_owner(call, opt_str(req, "user_name"))
    marker, max_items = opt_str(req, "marker"), opt_int(req, "max_items")
    page = keys.listed(call.view, call.account_id, owner_id, marker, max_items)
    return pb.ListAccessKeysResponse(
        access_key_metadata=[convert.key_metadata(user_name, k) for k in page.items],
        is_truncated=page.is_truncated,
        marker=page.marker,
    )


@op("UpdateAccessKey")
async def update_access_key(
    call: Call, req: pb.UpdateAccessKeyRequest
) -> pb.UpdateAccessKeyResponse:
    owner_id, _ = credential_owner(call, opt_str(req, "user_name"))
    await call.change(
        lambda view, ctx: keys.update(view, ctx.account_id, owner_id, req.access_key_id, req.status)
    )
    return pb.UpdateAccessKeyResponse()


@op("DeleteAccessKey")
async def delete_access_key(
    call: Call, req: pb.DeleteAccessKeyRequest
) -> pb.DeleteAccessKeyResponse:
    owner_id, _ = credential_owner(call, opt_str(req, "user_name"))
    await call.change(
        lambda view, ctx: keys.delete(view, ctx.account_id, owner_id, req.access_key_id)
    )
    return pb.DeleteAccessKeyResponse()


def key_last_used(call: Call, access_key_id: str) -> tuple[int, str, str] | None:
    """(time, service, region) of the key's last use on any node: this node's own, or the
    latest of the stamps other nodes wrote."""
    mine = call.components.auth.usage.get(access_key_id)
    own = None if mine is None else (mine.used_ms, mine.service, mine.region)
    return merged_key_use(call.view, access_key_id, own)


@op("GetAccessKeyLastUsed")
async def get_access_key_last_used(
    call: Call, req: pb.GetAccessKeyLastUsedRequest
) -> pb.GetAccessKeyLastUsedResponse:
    key = call.view.access_keys.get(req.access_key_id)
    if key is None or key.account_id != call.account_id:
        raise NoSuchEntity(
            f"The Access Key with id {req.access_key_id} cannot be found.", "AccessKeyId"
        )
    owner = call.view.users.get(key.owner_id)
    used = key_last_used(call, key.access_key_id)
    last = pb.AccessKeyLastUsed(service_name="N/A", region="N/A")
    if used is not None:  # AWS reports N/A for a key that has never been used
        used_ms, service, region = used
        last = pb.AccessKeyLastUsed(
            last_used_date=convert.timestamp(used_ms), service_name=service, region=region
        )
    response = pb.GetAccessKeyLastUsedResponse(access_key_last_used=last)
    if owner is not None:
        response.user_name = owner.name
    return response


async def new_password_hash(
    call: Call, password: str, replacing: LoginProfile | None = None
) -> str:
    """Checks a new password against the account's policy, its rules and, when it replaces
    `replacing`'s, its PasswordReusePrevention; then hashes it (off the event loop)."""
    passwords.check_password(call.view, call.account_id, password)
    remembered: tuple[str, ...] = ()
    if replacing is not None:
        remembered = passwords.remembered_hashes(call.view, call.account_id, replacing)
    if await asyncio.to_thread(matches_any, remembered, password):
        passwords.refuse_reuse(call.view, call.account_id)
    return await asyncio.to_thread(hash_password, password)


@op("CreateLoginProfile")
async def create_login_profile(
    call: Call, req: pb.CreateLoginProfileRequest
) -> pb.CreateLoginProfileResponse:
    user = lookup.user(call.view, call.account_id, req.user_name)
    password_hash = await new_password_hash(call, req.password)
    profile = await call.write(
        lambda view, ctx: passwords.create_profile(
            view,
            ctx,
            lookup.user(view, ctx.account_id, user.name),
            password_hash,
            bool(opt_bool(req, "password_reset_required")),
            opt_int(req, "max_signin_session_duration"),
        )
    )
    return pb.CreateLoginProfileResponse(login_profile=convert.login_profile(user, profile))


@op("GetLoginProfile")
async def get_login_profile(
    call: Call, req: pb.GetLoginProfileRequest
) -> pb.GetLoginProfileResponse:
    user = lookup.user(call.view, call.account_id, req.user_name)
    profile = passwords.profile(call.view, user)
    return pb.GetLoginProfileResponse(login_profile=convert.login_profile(user, profile))


@op("UpdateLoginProfile")
async def update_login_profile(
    call: Call, req: pb.UpdateLoginProfileRequest
) -> pb.UpdateLoginProfileResponse:
    signin_duration = requested_change(
        opt_int(req, "max_signin_session_duration"),
        opt_bool(req, "reset_max_signin_session_duration"),
    )
    user = lookup.user(call.view, call.account_id, req.user_name)
    current = passwords.profile(call.view, user)
    new_password = opt_str(req, "password")
    password_hash = (
        None if new_password is None else await new_password_hash(call, new_password, current)
    )
    await call.change(
        lambda view, ctx: passwords.update_profile(
            view,
            ctx,
            lookup.user(view, ctx.account_id, user.name),
            password_hash,
            opt_bool(req, "password_reset_required"),
            signin_duration,
        )
    )
    return pb.UpdateLoginProfileResponse()


@op("DeleteLoginProfile")
async def delete_login_profile(
    call: Call, req: pb.DeleteLoginProfileRequest
) -> pb.DeleteLoginProfileResponse:
    await call.change(
        lambda view, ctx: passwords.delete_profile(
            view, lookup.user(view, ctx.account_id, req.user_name)
        )
    )
    return pb.DeleteLoginProfileResponse()


@op("GetAccountPasswordPolicy")
async def get_account_password_policy(
    call: Call, req: pb.GetAccountPasswordPolicyRequest
) -> pb.GetAccountPasswordPolicyResponse:
    policy = passwords.get_policy(call.view, call.account_id)
    message = pb.PasswordPolicy(
        minimum_password_length=policy.minimum_password_length,
        require_symbols=policy.require_symbols,
        require_numbers=policy.require_numbers,
        require_uppercase_characters=policy.require_uppercase_characters,
        require_lowercase_characters=policy.require_lowercase_characters,
        allow_users_to_change_password=policy.allow_users_to_change_password,
        expire_passwords=policy.max_password_age is not None,
        hard_expiry=policy.hard_expiry,
    )
    if policy.max_password_age is not None:
        message.max_password_age = policy.max_password_age
    if policy.password_reuse_prevention is not None:
        message.password_reuse_prevention = policy.password_reuse_prevention
    return pb.GetAccountPasswordPolicyResponse(password_policy=message)


@op("UpdateAccountPasswordPolicy")
async def update_account_password_policy(
    call: Call, req: pb.UpdateAccountPasswordPolicyRequest
) -> pb.UpdateAccountPasswordPolicyResponse:
    update = PolicyUpdate(
        minimum_password_length=opt_int(req, "minimum_password_length"),
        require_symbols=opt_bool(req, "require_symbols"),
        require_numbers=opt_bool(req, "require_numbers"),
        require_uppercase_characters=opt_bool(req, "require_uppercase_characters"),
        require_lowercase_characters=opt_bool(req, "require_lowercase_characters"),
        allow_users_to_change_password=opt_bool(req, "allow_users_to_change_password"),
        max_password_age=opt_int(req, "max_password_age"),
        password_reuse_prevention=opt_int(req, "password_reuse_prevention"),
        hard_expiry=opt_bool(req, "hard_expiry"),
    )
    await call.change(lambda view, ctx: passwords.update_policy(ctx, update))
    return pb.UpdateAccountPasswordPolicyResponse()


@op("DeleteAccountPasswordPolicy")
async def delete_account_password_policy(
    call: Call, req: pb.DeleteAccountPasswordPolicyRequest
) -> pb.DeleteAccountPasswordPolicyResponse:
    await call.change(lambda view, ctx: passwords.delete_policy(view, ctx.account_id))
    return pb.DeleteAccountPasswordPolicyResponse()


@op("GetAccountSummary")
async def get_account_summary(
    call: Call, req: pb.GetAccountSummaryRequest
) -> pb.GetAccountSummaryResponse:
    summary = accounts.summary(call.view, call.account_id, call.components.quotas)
    return pb.GetAccountSummaryResponse(summary_map=summary)
