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
    """GetAccountSummary's SummaryMap: counts and quotas, under AWS's key names."""
    policies = list(view.policies.in_account(account_id))
    versions_in_use = sum(len(view.versions_of(p.policy_id)) for p in policies)
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
        "AccountAccessKeysPresent": 1 if view.keys_of.get(root_owner(account_id)) else 0,
        "AccountMFAEnabled": 0,
        "MFADevices": 0,
        "MFADevicesInUse": 0,
        "GlobalEndpointTokenVersion": global_endpoint_token_version(view, account_id),
    }


def global_endpoint_token_version(view: View, account_id: str) -> int:
    """1 until SetSecurityTokenServicePreferences chose v2Token (AWS's default is v1Token)."""
    preferences = view.sts_preferences.get(account_id)
    return 2 if preferences and preferences.global_endpoint_token_version == "v2Token" else 1
