"""Explicit denies always count, and node status needs a permission.

Attacks kept: with AllowUsersToChangePassword, ChangePassword skipped the policy check, so an
explicit Deny on iam:ChangePassword was ignored; Node.Status was readable by any IAM user of
the management account, even one with no policy.
"""

from __future__ import annotations

import pytest
from security_nodes import (
    allow,
    doc,
    session_client,
    trust_account,
    user_client,
)

from iamstore.client import AccessDeniedError, Client
from iamstore.cluster.testing.inproc import InProcessNode

OLD, NEW = "Old-passw0rd!x", "New-passw0rd!y"


def _password_user(node: InProcessNode, iam: Client, *policies: str) -> Client:
    iam.update_account_password_policy(allow_users_to_change_password=True)
    client = user_client(node, iam, "alice", *policies)
    iam.create_login_profile(user_name="alice", password=OLD)
    return client


def test_allow_users_to_change_password_still_lets_a_user_change_its_own(
    iam_node: InProcessNode, iam: Client
) -> None:
    with _password_user(iam_node, iam) as alice:  # no policy at all: the account grants it
        alice.change_password(old_password=OLD, new_password=NEW)


def test_an_explicit_deny_on_change_password_counts(iam_node: InProcessNode, iam: Client) -> None:
    deny = doc({"Effect": "Deny", "Action": "iam:ChangePassword", "Resource": "*"})
    with _password_user(iam_node, iam, deny) as alice:
        with pytest.raises(AccessDeniedError, match="explicit deny"):
            alice.change_password(old_password=OLD, new_password=NEW)
        iam.delete_user_policy(user_name="alice", policy_name="p0")
        # Nothing changed: the old password is still the one to give.
        alice.change_password(old_password=OLD, new_password=NEW)


def test_without_the_setting_a_policy_may_grant_change_password(
    iam_node: InProcessNode, iam: Client
) -> None:
    # AWS's IAMUserChangePassword: the user itself, by aws:username, on any path.
    own = allow(
        "iam:ChangePassword",
        resource=["arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::*:user/*/${aws:username}"],
    )
    with user_client(iam_node, iam, "alice", doc(own)) as alice:
        iam.create_login_profile(user_name="alice", password=OLD)
        alice.change_password(old_password=OLD, new_password=NEW)


def test_a_permissions_boundary_still_narrows_the_account_grant(
    iam_node: InProcessNode, iam: Client
) -> None:
    boundary = iam.create_policy(
        policy_name="s3-only", policy_document=doc(allow("s3:*"))
    ).policy.arn
    assert boundary is not None
    with _password_user(iam_node, iam) as alice:
        iam.put_user_permissions_boundary(user_name="alice", permissions_boundary=boundary)
        with pytest.raises(AccessDeniedError, match="no permissions boundary allows"):
            alice.change_password(old_password=OLD, new_password=NEW)
        iam.delete_user_permissions_boundary(user_name="alice")
        alice.change_password(old_password=OLD, new_password=NEW)


def test_allow_users_to_change_password_lets_users_read_the_password_policy(
    iam_node: InProcessNode, iam: Client
) -> None:
    # AWS (IAM User Guide, "Permit IAM users to change their own passwords"): the setting
    # grants iam:GetAccountPasswordPolicy too, so users see the rules a new password meets.
    iam.update_account_password_policy(minimum_password_length=14)
    with user_client(iam_node, iam, "bob") as bob:
        with pytest.raises(AccessDeniedError):  # without the setting: no policy, no access
            bob.get_account_password_policy()
        iam.update_account_password_policy(
            minimum_password_length=14, allow_users_to_change_password=True
        )
        assert bob.get_account_password_policy().password_policy.minimum_password_length == 14


def test_the_password_policy_grant_keeps_explicit_denies_and_skips_roles(
    iam_node: InProcessNode, iam: Client
) -> None:
    deny = doc({"Effect": "Deny", "Action": "iam:GetAccountPasswordPolicy", "Resource": "*"})
    with (
        _password_user(iam_node, iam, deny) as alice,
        pytest.raises(AccessDeniedError, match="explicit deny"),
    ):
        alice.get_account_password_policy()
    # Roles are not "users in the account": a role session without a policy is refused.
    account = iam.get_caller_identity().account
    iam.create_role(role_name="worker", assume_role_policy_document=trust_account(account))
    with user_client(iam_node, iam, "assumer", doc(allow("sts:AssumeRole"))) as assumer:
        issued = assumer.assume_role(
            role_arn=f"arn:aws:iam::{account}:role/worker", role_session_name="shift"
        ).credentials
    with session_client(iam_node, issued) as worker, pytest.raises(AccessDeniedError):
        worker.get_account_password_policy()


def test_node_status_needs_a_permission_for_iam_users(
    iam_node: InProcessNode, management: Client
) -> None:
    with (
        user_client(iam_node, management, "status-nobody") as nobody,
        pytest.raises(AccessDeniedError, match="iamstore:Status"),
    ):
        nobody.status()
    watcher_policy = doc(allow("iamstore:Status"))
    with user_client(iam_node, management, "status-watcher", watcher_policy) as watcher:
        assert watcher.status().node_id
    assert management.status().node_id  # the root needs no policy
