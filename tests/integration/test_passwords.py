"""Login profiles and the account password policy that every password set must satisfy."""

from __future__ import annotations

import pytest

from iamstore.client import (
    Client,
    EntityAlreadyExistsError,
    InvalidInputError,
    NoSuchEntityError,
    PasswordPolicyViolationError,
    ValidationError,
)

STRONG = "Str0ng-Enough!"


def test_login_profile_lifecycle(iam: Client) -> None:
    iam.create_user(user_name="u")
    created = iam.create_login_profile(
        user_name="u", password=STRONG, password_reset_required=True
    ).login_profile
    assert (created.user_name, created.password_reset_required) == ("u", True)
    read = iam.get_login_profile(user_name="u").login_profile
    assert (read.user_name, read.create_date, read.password_reset_required) == (
        "u",
        created.create_date,
        True,
    )
    iam.update_login_profile(user_name="u", password_reset_required=False)
    assert iam.get_login_profile(user_name="u").login_profile.password_reset_required is False
    iam.update_login_profile(user_name="u", password="An0ther-One!")
    assert iam.get_login_profile(user_name="u").login_profile.create_date == created.create_date
    iam.delete_login_profile(user_name="u")
    with pytest.raises(NoSuchEntityError):
        iam.get_login_profile(user_name="u")


def test_second_login_profile_is_entity_already_exists(iam: Client) -> None:
    iam.create_user(user_name="u")
    first = iam.create_login_profile(user_name="u", password=STRONG).login_profile
    with pytest.raises(EntityAlreadyExistsError):
        iam.create_login_profile(user_name="u", password=STRONG, password_reset_required=True)
    read = iam.get_login_profile(user_name="u").login_profile
    assert (read.create_date, read.password_reset_required) == (first.create_date, False)


def test_missing_profile_or_user_is_no_such_entity(iam: Client) -> None:
    iam.create_user(user_name="u")
    with pytest.raises(NoSuchEntityError):
        iam.get_login_profile(user_name="u")
    with pytest.raises(NoSuchEntityError):
        iam.update_login_profile(user_name="u", password=STRONG)
    with pytest.raises(NoSuchEntityError):
        iam.delete_login_profile(user_name="u")
    with pytest.raises(NoSuchEntityError):
        iam.create_login_profile(user_name="ghost", password=STRONG)
    with pytest.raises(NoSuchEntityError):
        iam.get_login_profile(user_name="u")


def test_no_password_policy_until_one_is_set(iam: Client) -> None:
    # GetAccountPasswordPolicy: NoSuchEntity when the account has no custom policy.
    with pytest.raises(NoSuchEntityError):
        iam.get_account_password_policy()
    with pytest.raises(NoSuchEntityError):
        iam.delete_account_password_policy()


def test_password_policy_round_trip_and_delete(iam: Client) -> None:
    iam.update_account_password_policy(
        minimum_password_length=12,
        require_symbols=True,
        require_numbers=True,
        require_uppercase_characters=True,
        require_lowercase_characters=True,
        allow_users_to_change_password=True,
        max_password_age=90,
        password_reuse_prevention=5,
        hard_expiry=True,
    )
    policy = iam.get_account_password_policy().password_policy
    assert policy.minimum_password_length == 12
    assert policy.require_symbols
    assert policy.require_numbers
    assert policy.require_uppercase_characters
    assert policy.require_lowercase_characters
    assert policy.allow_users_to_change_password is True
    assert (policy.max_password_age, policy.expire_passwords) == (90, True)
    assert policy.password_reuse_prevention == 5
    assert policy.hard_expiry is True
    iam.delete_account_password_policy()
    with pytest.raises(NoSuchEntityError):
        iam.get_account_password_policy()


def test_omitted_password_policy_parameters_revert_to_their_defaults(iam: Client) -> None:
    # UpdateAccountPasswordPolicy "does not support partial updates": an omitted parameter
    # takes its documented default (MinimumPasswordLength 6, booleans false, no expiry).
    iam.update_account_password_policy(
        minimum_password_length=20, require_symbols=True, max_password_age=30
    )
    iam.update_account_password_policy(require_numbers=True)
    policy = iam.get_account_password_policy().password_policy
    assert policy.minimum_password_length == 6
    assert (policy.require_symbols, policy.require_numbers) == (False, True)
    assert policy.expire_passwords is False


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("minimum_password_length", 5),
        ("minimum_password_length", 129),
        ("max_password_age", 0),
        ("max_password_age", 1096),
        ("password_reuse_prevention", 0),
        ("password_reuse_prevention", 25),
    ],
)
def test_password_policy_values_out_of_range_are_validation_errors(
    iam: Client, parameter: str, value: int
) -> None:
    iam.update_account_password_policy(minimum_password_length=10)
    with pytest.raises(ValidationError) as raised:
        iam.update_account_password_policy(**{parameter: value})  # type: ignore[arg-type]
    assert raised.value.message.startswith(f"1 validation error detected: Value '{value}' at '")
    assert iam.get_account_password_policy().password_policy.minimum_password_length == 10


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("Sh0rt!x", "minimum length"),
        ("no-upper-1!", "uppercase"),
        ("NO-LOWER-1!", "lowercase"),
        ("No-Numbers!", "number"),
        ("NoSymbols123", "symbol"),
    ],
)
def test_password_policy_is_enforced_on_create(iam: Client, password: str, rule: str) -> None:
    # CreateLoginProfile: PasswordPolicyViolation when the password breaks the account policy.
    iam.update_account_password_policy(
        minimum_password_length=8,
        require_symbols=True,
        require_numbers=True,
        require_uppercase_characters=True,
        require_lowercase_characters=True,
    )
    iam.create_user(user_name="u")
    with pytest.raises(PasswordPolicyViolationError) as raised:
        iam.create_login_profile(user_name="u", password=password)
    assert rule in raised.value.message
    with pytest.raises(NoSuchEntityError):
        iam.get_login_profile(user_name="u")
    iam.create_login_profile(user_name="u", password="Fine-Pass-1!")
    assert iam.get_login_profile(user_name="u").login_profile.user_name == "u"


def test_password_policy_is_enforced_on_update(iam: Client) -> None:
    iam.create_user(user_name="u")
    iam.create_login_profile(user_name="u", password="Abcdef12", password_reset_required=True)
    iam.update_account_password_policy(minimum_password_length=14, require_symbols=True)
    with pytest.raises(PasswordPolicyViolationError):
        iam.update_login_profile(user_name="u", password="Abcdef12", password_reset_required=False)
    # The failed update changed nothing, not even the flag sent alongside the password.
    assert iam.get_login_profile(user_name="u").login_profile.password_reset_required is True
    iam.update_login_profile(user_name="u", password="long-enough-password!")


def test_default_password_policy_applies_without_a_custom_one(iam: Client) -> None:
    # "Set an account password policy for IAM users", default policy: at least 8 characters
    # and at least three of uppercase, lowercase, numbers and symbols.
    iam.create_user(user_name="u")
    with pytest.raises(PasswordPolicyViolationError):
        iam.create_login_profile(user_name="u", password="Ab1!")
    with pytest.raises(PasswordPolicyViolationError):
        iam.create_login_profile(user_name="u", password="alllowercase")
    with pytest.raises(NoSuchEntityError):
        iam.get_login_profile(user_name="u")
    iam.create_login_profile(user_name="u", password="Mixed1case")
    assert iam.get_login_profile(user_name="u").login_profile.user_name == "u"


@pytest.mark.slow
def test_password_reuse_prevention_on_update_login_profile(iam: Client) -> None:
    # PasswordReusePrevention: "the number of previous passwords that IAM users are prevented
    # from reusing"; the current password is the most recent of them.
    iam.update_account_password_policy(password_reuse_prevention=2)
    iam.create_user(user_name="u")
    iam.create_login_profile(user_name="u", password="Passw0rd-one")
    with pytest.raises(PasswordPolicyViolationError) as raised:
        iam.update_login_profile(
            user_name="u", password="Passw0rd-one", password_reset_required=True
        )
    assert raised.value.message == "Password should not be one of your previous 2 passwords"
    assert raised.value.code == "PasswordPolicyViolation"
    # The refused update changed nothing, not even the flag sent alongside the password.
    assert iam.get_login_profile(user_name="u").login_profile.password_reset_required is False
    iam.update_login_profile(user_name="u", password="Passw0rd-two")
    with pytest.raises(PasswordPolicyViolationError):  # one back: still remembered
        iam.update_login_profile(user_name="u", password="Passw0rd-one")
    iam.update_login_profile(user_name="u", password="Passw0rd-three")
    iam.update_login_profile(user_name="u", password="Passw0rd-one")  # two back: forgotten


def test_password_history_goes_with_the_login_profile(iam: Client) -> None:
    iam.update_account_password_policy(password_reuse_prevention=24)
    iam.create_user(user_name="u")
    iam.create_login_profile(user_name="u", password="Passw0rd-one")
    iam.update_login_profile(user_name="u", password="Passw0rd-two")
    iam.delete_login_profile(user_name="u")
    iam.create_login_profile(user_name="u", password="Passw0rd-two")
    iam.update_login_profile(user_name="u", password="Passw0rd-one")


def test_without_reuse_prevention_a_password_may_be_set_again(iam: Client) -> None:
    iam.create_user(user_name="u")
    iam.create_login_profile(user_name="u", password="Passw0rd-one")
    iam.update_login_profile(user_name="u", password="Passw0rd-one")


def test_login_profile_max_signin_session_duration_set_alone_and_reset(iam: Client) -> None:
    # IAM API Reference, CreateLoginProfile / UpdateLoginProfile / LoginProfile: the duration
    # is kept and returned; set alone, the password and PasswordResetRequired stay; reset
    # clears it; both in one request are refused and change nothing.
    iam.create_user(user_name="u")
    created = iam.create_login_profile(
        user_name="u",
        password=STRONG,
        password_reset_required=True,
        max_signin_session_duration=7200,
    ).login_profile
    assert created.max_signin_session_duration == 7200
    iam.update_login_profile(user_name="u", max_signin_session_duration=86400)
    read = iam.get_login_profile(user_name="u").login_profile
    assert (read.max_signin_session_duration, read.password_reset_required) == (86400, True)
    with pytest.raises(InvalidInputError) as refused:
        iam.update_login_profile(
            user_name="u",
            password_reset_required=False,
            max_signin_session_duration=3600,
            reset_max_signin_session_duration=True,
        )
    assert refused.value.field == "MaxSigninSessionDuration"
    read = iam.get_login_profile(user_name="u").login_profile
    assert (read.max_signin_session_duration, read.password_reset_required) == (86400, True)
    with pytest.raises(ValidationError):
        iam.update_login_profile(user_name="u", max_signin_session_duration=60)
    iam.update_login_profile(user_name="u", reset_max_signin_session_duration=True)
    assert iam.get_login_profile(user_name="u").login_profile.max_signin_session_duration is None
