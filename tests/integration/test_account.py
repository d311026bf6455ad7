"""Account-wide views and boundaries: GetAccountSummary, accounts, and isolation between them."""

from __future__ import annotations

import pytest
from iam_helpers import ALLOW_S3, TRUST_EC2

from iamstore.client import (
    AccessDeniedError,
    Client,
    EntityAlreadyExistsError,
    MalformedPolicyDocumentError,
    NoSuchEntityError,
)

COUNTS = ("Users", "Groups", "Roles", "Policies")


def counts(iam: Client) -> dict[str, int]:
    summary = iam.get_account_summary().summary_map
    return {key: summary[key] for key in COUNTS}


def test_summary_reports_the_default_quotas(iam: Client) -> None:
    # "IAM and AWS STS quotas": the default values, under GetAccountSummary's key names.
    summary = iam.get_account_summary().summary_map
    expected = {
        "UsersQuota": 5000,
        "GroupsQuota": 300,
        "RolesQuota": 1000,
        "PoliciesQuota": 1500,
        "GroupsPerUserQuota": 10,
        "AttachedPoliciesPerUserQuota": 10,
        "AttachedPoliciesPerGroupQuota": 10,
        "AttachedPoliciesPerRoleQuota": 10,
        "AccessKeysPerUserQuota": 2,
        "VersionsPerPolicyQuota": 5,
        "PolicySizeQuota": 6144,
        "UserPolicySizeQuota": 2048,
        "GroupPolicySizeQuota": 5120,
        "RolePolicySizeQuota": 10240,
        "AssumeRolePolicySizeQuota": 2048,
        "InstanceProfilesQuota": 1000,
        "ServerCertificatesQuota": 20,
        "SigningCertificatesPerUserQuota": 2,
    }
    assert {key: summary.get(key) for key in expected} == expected


def test_summary_counts_instance_profiles_and_identity_providers(iam: Client) -> None:
    def shown() -> dict[str, int]:
        summary = iam.get_account_summary().summary_map
        return {key: summary[key] for key in ("InstanceProfiles", "Providers")}

    assert shown() == {"InstanceProfiles": 0, "Providers": 0}
    iam.create_instance_profile(instance_profile_name="web")
    arn = iam.create_open_id_connect_provider(
        url="https://issuer.example.com", client_id_list=["c"], thumbprint_list=["a" * 40]
    ).open_id_connect_provider_arn
    assert arn is not None
    assert shown() == {"InstanceProfiles": 1, "Providers": 1}
    iam.delete_open_id_connect_provider(open_id_connect_provider_arn=arn)
    assert shown() == {"InstanceProfiles": 1, "Providers": 0}


def test_summary_counts_move_with_entities(iam: Client) -> None:
    assert counts(iam) == dict.fromkeys(COUNTS, 0)
    # The root's own access key is present from account creation.
    assert iam.get_account_summary().summary_map["AccountAccessKeysPresent"] == 1
    iam.create_user(user_name="u1")
    iam.create_user(user_name="u2")
    iam.create_group(group_name="g")
    iam.create_role(role_name="r", assume_role_policy_document=TRUST_EC2)
    arn = iam.create_policy(policy_name="p", policy_document=ALLOW_S3).policy.arn
    assert arn is not None
    assert counts(iam) == {"Users": 2, "Groups": 1, "Roles": 1, "Policies": 1}
    iam.delete_user(user_name="u1")
    iam.delete_group(group_name="g")
    iam.delete_role(role_name="r")
    iam.delete_policy(policy_arn=arn)
    assert counts(iam) == {"Users": 1, "Groups": 0, "Roles": 0, "Policies": 0}


def test_failed_writes_do_not_move_the_counts(iam: Client) -> None:
    iam.create_user(user_name="u")
    before = counts(iam)
    with pytest.raises(EntityAlreadyExistsError):
        iam.create_user(user_name="U")
    with pytest.raises(MalformedPolicyDocumentError):
        iam.create_role(role_name="r", assume_role_policy_document="{}")
    assert counts(iam) == before


def test_accounts_do_not_share_counts(iam: Client, other_account: Client) -> None:
    iam.create_user(user_name="u")
    assert counts(other_account)["Users"] == 0
    assert counts(iam)["Users"] == 1


def test_management_lists_member_accounts(
    management: Client, iam: Client, other_account: Client
) -> None:
    own_id = iam.get_user().user.user_id
    other_id = other_account.get_user().user.user_id
    listed = {
        a.account_id: a
        for p in management.get_paginator("list_accounts").paginate()
        for a in p.accounts
    }
    assert {own_id, other_id} <= set(listed)
    assert listed[own_id].arn == f"arn:aws:iam::{own_id}:root"
    assert listed[own_id].management is False
    assert [a.account_id for a in iam.list_accounts().accounts] == [own_id]


def test_member_account_cannot_create_accounts(iam: Client) -> None:
    with pytest.raises(AccessDeniedError):
        iam.create_account(account_name="nope")


def test_users_groups_and_roles_are_invisible_across_accounts(
    iam: Client, other_account: Client
) -> None:
    iam.create_user(user_name="u")
    iam.create_group(group_name="g")
    iam.create_role(role_name="r", assume_role_policy_document=TRUST_EC2)
    for call in (
        lambda: other_account.get_user(user_name="u"),
        lambda: other_account.delete_user(user_name="u"),
        lambda: other_account.update_user(user_name="u", new_user_name="x"),
        lambda: other_account.tag_user(user_name="u", tags=[{"Key": "a", "Value": "b"}]),
        lambda: other_account.get_group(group_name="g"),
        lambda: other_account.delete_group(group_name="g"),
        lambda: other_account.get_role(role_name="r"),
        lambda: other_account.delete_role(role_name="r"),
        lambda: other_account.put_user_policy(
            user_name="u", policy_name="p", policy_document=ALLOW_S3
        ),
        lambda: other_account.create_access_key(user_name="u"),
        lambda: other_account.create_login_profile(user_name="u", password="Str0ng-Enough!"),
    ):
        with pytest.raises(NoSuchEntityError):
            call()
    # The same names are free in the other account, with different ids.
    other_user = other_account.create_user(user_name="u").user
    assert other_user.user_id != iam.get_user(user_name="u").user.user_id
    other_account.create_group(group_name="g")
    other_account.create_role(role_name="r", assume_role_policy_document=TRUST_EC2)
    assert iam.get_user(user_name="u").user.tags == ()
    assert iam.list_user_policies(user_name="u").policy_names == ()
    assert iam.list_access_keys(user_name="u").access_key_metadata == ()
    assert [u.user_name for u in iam.list_users().users] == ["u"]


def test_managed_policies_are_invisible_across_accounts(iam: Client, other_account: Client) -> None:
    arn = iam.create_policy(policy_name="p", policy_document=ALLOW_S3).policy.arn
    assert arn is not None
    other_account.create_user(user_name="intruder")
    for call in (
        lambda: other_account.get_policy(policy_arn=arn),
        lambda: other_account.delete_policy(policy_arn=arn),
        lambda: other_account.get_policy_version(policy_arn=arn, version_id="v1"),
        lambda: other_account.create_policy_version(policy_arn=arn, policy_document=ALLOW_S3),
        lambda: other_account.attach_user_policy(user_name="intruder", policy_arn=arn),
        lambda: other_account.put_user_permissions_boundary(
            user_name="intruder", permissions_boundary=arn
        ),
        lambda: other_account.list_entities_for_policy(policy_arn=arn),
        lambda: other_account.tag_policy(policy_arn=arn, tags=[{"Key": "a", "Value": "b"}]),
    ):
        with pytest.raises(NoSuchEntityError):
            call()
    assert other_account.list_policies(scope="Local").policies == ()
    policy = iam.get_policy(policy_arn=arn).policy
    assert (policy.attachment_count, policy.permissions_boundary_usage_count) == (0, 0)
    assert policy.default_version_id == "v1"
    assert policy.tags == ()


def test_access_keys_are_invisible_across_accounts(iam: Client, other_account: Client) -> None:
    iam.create_user(user_name="u")
    key = iam.create_access_key(user_name="u").access_key.access_key_id
    for call in (
        lambda: other_account.get_access_key_last_used(access_key_id=key),
        lambda: other_account.update_access_key(access_key_id=key, status="Inactive"),
        lambda: other_account.delete_access_key(access_key_id=key),
    ):
        with pytest.raises(NoSuchEntityError):
            call()
    listed = iam.list_access_keys(user_name="u").access_key_metadata
    assert [(k.access_key_id, k.status) for k in listed] == [(key, "Active")]


def test_password_policies_are_per_account(iam: Client, other_account: Client) -> None:
    iam.update_account_password_policy(minimum_password_length=30)
    with pytest.raises(NoSuchEntityError):
        other_account.get_account_password_policy()
    other_account.create_user(user_name="u")
    other_account.create_login_profile(user_name="u", password="Short-1!")
    assert iam.get_account_password_policy().password_policy.minimum_password_length == 30


def test_ping_names_the_node(iam: Client, management: Client) -> None:
    node_id = iam.ping().node_id
    assert node_id
    assert management.ping().node_id == node_id
