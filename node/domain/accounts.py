"""Accounts (isolated IAM namespaces) and GetAccountSummary's usage against quotas."""

from __future__ import annotations

import re

from iamstore.node.domain.entities import Account, Change, root_owner
from iamstore.node.domain.errors import AccessDenied, EntityAlreadyExists, ValidationError
from iamstore.node.domain.rules import Quotas
from iamstore.node.domain.view import View

# AWS Organizations' AccountName (CreateAccount in the Organizations API reference, and
# botocore's model): printable ASCII, 1 to 50 characters. An account's name also stands in for
# its alias at sign-in, so a look-alike name must not pass. Empty means "no name" here.
_ACCOUNT_NAME = re.compile(r"[\x20-\x7e]{1,50}")
# An AWS account id: 12 digits (AWS Account Management reference, "View AWS account
# identifiers": https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html).
ACCOUNT_ID = re.compile(r"[0-9]{12}")


def is_valid_account_name(name: str) -> bool:
    return _ACCOUNT_NAME.fullmatch(name) is not None


def create(
    view: View, caller_account: str, account_id: str, name: str, now_ms: int, management: bool
) -> tuple[list[Change], Account]:
    """Makes an account. Only the management account makes member accounts (after bootstrap)."""
    if view.accounts and not (
        caller_account in view.accounts and view.accounts[caller_account].management
    ):
        raise AccessDenied("only the management account's root can create accounts")
    if ACCOUNT_ID.fullmatch(account_id) is None:
        raise ValidationError(f"the account id `{account_id}` is not 12 digits", "AccountId")
    if account_id in view.accounts:
        raise EntityAlreadyExists(f"account {account_id} already exists", "AccountId")
    if name and not is_valid_account_name(name):
        raise ValidationError(
            "the account name must be 1 to 50 printable ASCII characters", "AccountName"
        )
    account = Account(account_id, name, now_ms, management)
    return [Change.put(account)], account


def summary(view: View, account_id: str, quotas: Quotas) -> dict[str, int]:
    """GetAccountSummary's SummaryMap: counts and quotas, under AWS's key names (botocore's
    `summaryKeyType`; IAM API Reference, GetAccountSummary,
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountSummary.html). Work is
    bounded: counts the view keeps, and one pass over the account's policies and MFA devices.
    """
    policies = list(view.policies.in_account(account_id))
    versions_in_use = sum(len(view.versions_of(p.policy_id)) for p in policies)
    root = root_owner(account_id)
    # One pass over the account's virtual MFA devices (at most 8 per user): in use means
    # enabled for a user that still exists (a device of a deleted user is assigned to no one).
    devices = list(view.mfa_devices.in_account(account_id))
    devices_in_use = sum(
        1
        for device in devices
        if device.enabled_ms is not None
        and device.user_id is not None
        and view.users.get(device.user_id) is not None
    )
    return {
        "Users": view.users.count(account_id),
        "UsersQuota": quotas.users_per_account,
        "Groups": view.groups.count(account_id),
        "GroupsQuota": quotas.groups_per_account,
        "Roles": view.roles.count(account_id),
        "RolesQuota": quotas.roles_per_account,
        "Policies": len(policies),
        "PoliciesQuota": quotas.policies_per_account,
        "PolicyVersionsInUse": versions_in_use,
        "PolicyVersionsInUseQuota": 10000,
        "VersionsPerPolicyQuota": quotas.versions_per_policy,
        "PolicySizeQuota": quotas.managed_policy_chars,
        "UserPolicySizeQuota": quotas.user_inline_chars,
        "GroupPolicySizeQuota": quotas.group_inline_chars,
        "RolePolicySizeQuota": quotas.role_inline_chars,
        "AssumeRolePolicySizeQuota": quotas.role_trust_policy_chars,
        "GroupsPerUserQuota": quotas.groups_per_user,
        "AttachedPoliciesPerUserQuota": quotas.managed_policies_per_entity,
        "AttachedPoliciesPerGroupQuota": quotas.managed_policies_per_entity,
        "AttachedPoliciesPerRoleQuota": quotas.managed_policies_per_entity,
        "AccessKeysPerUserQuota": quotas.access_keys_per_user,
        "AccountAccessKeysPresent": 1 if view.keys_of.get(root) else 0,
        "AccountSigningCertificatesPresent": 1 if view.signing_certificates_of.get(root) else 0,
        "SigningCertificatesPerUserQuota": quotas.signing_certificates_per_user,
        # The root's own password and MFA are managed outside the IAM API (the root has no
        # login profile, and node/api/iam_mfa.py leaves its devices alone).
        "AccountPasswordPresent": 0,
        "AccountMFAEnabled": 0,
        "MFADevices": len(devices),
        "MFADevicesInUse": devices_in_use,
        "InstanceProfiles": view.instance_profiles.count(account_id),
        "InstanceProfilesQuota": quotas.instance_profiles_per_account,
        # Identity providers of both kinds, SAML and OpenID Connect.
        "Providers": len(view.saml_providers.get(account_id, {}))
        + len(view.oidc_providers.get(account_id, {})),
        "ServerCertificates": view.server_certificates.count(account_id),
        "ServerCertificatesQuota": quotas.server_certificates_per_account,
        "GlobalEndpointTokenVersion": global_endpoint_token_version(view, account_id),
    }


def global_endpoint_token_version(view: View, account_id: str) -> int:
    """1 until SetSecurityTokenServicePreferences chose v2Token (AWS's default is v1Token)."""
    preferences = view.sts_preferences.get(account_id)
    return 2 if preferences and preferences.global_endpoint_token_version == "v2Token" else 1
