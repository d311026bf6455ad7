"""Login profiles and the account password policy that every password set must satisfy."""

from __future__ import annotations

from dataclasses import dataclass

from iamstore.node.domain import fields
from iamstore.node.domain.entities import Change, LoginProfile, PasswordPolicy, User
from iamstore.node.domain.errors import EntityAlreadyExists, NoSuchEntity, PasswordPolicyViolation
from iamstore.node.domain.signin_duration import SigninDurationChange
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext

# The non-alphanumeric characters AWS counts as symbols ("Setting an account password policy").
SYMBOLS = frozenset("!@#$%^&*()_+-=[]{}|'")


# AWS's default password policy, in force while an account has no custom one ("Set an account
# password policy for IAM users"): at least 8 characters and three of the four character types.
DEFAULT_MINIMUM_LENGTH = 8
DEFAULT_REQUIRED_TYPES = 3


def check_password(view: View, account_id: str, password: str) -> None:
    """Raises PasswordPolicyViolation naming every rule of the account's policy it breaks."""
    policy = view.password_policies.get(account_id)
    if policy is None:
        _check_default(password)
    else:
        _check_custom(password, policy)


def _check_default(password: str) -> None:
    types = (
        any(c.isupper() for c in password),
        any(c.islower() for c in password),
        any(c.isdigit() for c in password),
        any(c in SYMBOLS for c in password),
    )
    broken: list[str] = []
    if len(password) < DEFAULT_MINIMUM_LENGTH:
        broken.append(f"Password should have a minimum length of {DEFAULT_MINIMUM_LENGTH}")
    if sum(types) < DEFAULT_REQUIRED_TYPES:
        broken.append(
            "Password should have at least three of: uppercase letters, lowercase letters, "
            "numbers, symbols"
        )
    if broken:
        raise PasswordPolicyViolation("; ".join(broken), "Password")


def _check_custom(password: str, policy: PasswordPolicy) -> None:
    broken: list[str] = []
    if len(password) < policy.minimum_password_length:
        broken.append(f"Password should have a minimum length of {policy.minimum_password_length}")
    if policy.require_uppercase_characters and not any(c.isupper() for c in password):
        broken.append("Password should have at least one uppercase letter")
    if policy.require_lowercase_characters and not any(c.islower() for c in password):
        broken.append("Password should have at least one lowercase letter")
    if policy.require_numbers and not any(c.isdigit() for c in password):
        broken.append("Password should have at least one number")
    if policy.require_symbols and not any(c in SYMBOLS for c in password):
        broken.append("Password should have at least one symbol")
    if broken:
        raise PasswordPolicyViolation("; ".join(broken), "Password")


def remembered_hashes(view: View, account_id: str, profile: LoginProfile) -> tuple[str, ...]:
    """The hashes a new password must not match: the last PasswordReusePrevention passwords,
    the current one included ("Prevent password reuse": users cannot reuse the number of
    previous passwords the policy remembers). Empty when the policy prevents no reuse."""
    return (profile.password_hash, *profile.previous_hashes)[: _remembered(view, account_id)]


def refuse_reuse(view: View, account_id: str) -> None:
    """Raises PasswordPolicyViolation for a new password that matched a remembered one."""
    count = _remembered(view, account_id)
    previous = "password" if count == 1 else f"{count} passwords"
    raise PasswordPolicyViolation(
        f"Password should not be one of your previous {previous}", "Password"
    )


def _remembered(view: View, account_id: str) -> int:
    policy = view.password_policies.get(account_id)
    return 0 if policy is None else policy.password_reuse_prevention or 0


def create_profile(
    view: View,
    ctx: WriteContext,
    user: User,
    password_hash: str,
    reset_required: bool,
    max_signin_session_duration: int | None = None,
) -> tuple[list[Change], LoginProfile]:
    if user.user_id in view.login_profiles:
        raise EntityAlreadyExists(f"Login Profile for user {user.name} already exists.")
    profile = LoginProfile(
        user.user_id,
        password_hash,
        reset_required,
        ctx.now_ms,
        max_signin_session_duration=max_signin_session_duration,
    )
    return [Change.put(profile)], profile


def profile(view: View, user: User) -> LoginProfile:
    found = view.login_profiles.get(user.user_id)
    if found is None:
        raise NoSuchEntity(f"Login Profile for User {user.name} cannot be found.", "UserName")
    return found


def update_profile(
    view: View, ctx: WriteContext, user: User, password_hash: str | None,
    reset_required: bool | None, signin_duration: SigninDurationChange | None = None,
) -> list[Change]:  # fmt: skip
    """The profile with a new password (the replaced one joins the history, and its age
    starts over: AWS counts MaxPasswordAge from the last change), flag and/or sign-in
    session duration (alone, it leaves the password and the flag as they are, as in AWS)."""
    current = profile(view, user)
    # Field rows, not the profile row: a password change and a reset-required flag set on
    # two nodes both take effect (an old password never comes back through the other write).
    changes = []
    if reset_required is not None:
        changes.append(fields.put(current, "reset_required", reset_required))
    if signin_duration is not None:
        changes.append(fields.put(current, "max_signin_session_duration", signin_duration.seconds))
    if password_hash is not None:
        # Keep only what the policy in force remembers: the new password is the first of
        # them, so at most PasswordReusePrevention - 1 replaced ones.
        keep = max(_remembered(view, user.account_id) - 1, 0)
        history = (current.password_hash, *current.previous_hashes)[:keep]
        # INVARIANT: the three change together (one commit, one stamp), so they stay a set.
        changes += [
            fields.put(current, "password_hash", password_hash),
            fields.put(current, "previous_hashes", history),
            fields.put(current, "password_set_ms", ctx.now_ms),
        ]
    return changes


def delete_profile(view: View, user: User) -> list[Change]:
    found = profile(view, user)
    return [Change.delete(found), *fields.dropped(view.fields_of(found))]


@dataclass(frozen=True, slots=True)
class PolicyUpdate:
    """UpdateAccountPasswordPolicy's parameters; a parameter left out takes AWS's default."""

    minimum_password_length: int | None = None
    require_symbols: bool | None = None
    require_numbers: bool | None = None
    require_uppercase_characters: bool | None = None
    require_lowercase_characters: bool | None = None
    allow_users_to_change_password: bool | None = None
    max_password_age: int | None = None
    password_reuse_prevention: int | None = None
    hard_expiry: bool | None = None


def update_policy(ctx: WriteContext, update: PolicyUpdate) -> list[Change]:
    defaults = PasswordPolicy(ctx.account_id)
    values = {
        name: getattr(defaults, name) if getattr(update, name) is None else getattr(update, name)
        for name in PolicyUpdate.__dataclass_fields__
    }
    return [Change.put(PasswordPolicy(ctx.account_id, **values))]


def get_policy(view: View, account_id: str) -> PasswordPolicy:
    found = view.password_policies.get(account_id)
    if found is None:
        raise NoSuchEntity(f"The Password Policy with domain name {account_id} cannot be found.")
    return found


def delete_policy(view: View, account_id: str) -> list[Change]:
    return [Change.delete(get_policy(view, account_id))]
