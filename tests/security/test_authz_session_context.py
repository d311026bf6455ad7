"""Admin calls made with temporary credentials are evaluated with their session.

Attacks kept: a session revoked by a Deny on aws:TokenIssueTime still created users; a Deny on
aws:MultiFactorAuthPresent = false did not reach role sessions without MFA; AWS's "force MFA"
policy (BoolIfExists) locked out sessions that had MFA.
"""

from __future__ import annotations

import datetime

import pytest
from security_nodes import (
    allow,
    doc,
    mfa_device,
    next_code,
    session_client,
    trust_account,
    user_client,
)

from iamstore.client import AccessDeniedError, Client
from iamstore.cluster.testing.inproc import InProcessNode


def _role_session(
    node: InProcessNode, iam: Client, role_policy: str, source_identity: str | None = None
) -> Client:
    """A session of role `admin` (allowed `role_policy`), assumed by user `caller`."""
    account = iam.get_caller_identity().account
    trust = trust_account(account, "sts:AssumeRole", "sts:SetSourceIdentity")
    role_arn = iam.create_role(role_name="admin", assume_role_policy_document=trust).role.arn
    assert role_arn is not None
    iam.put_role_policy(role_name="admin", policy_name="admin", policy_document=role_policy)
    with user_client(
        node, iam, "caller", doc(allow("sts:AssumeRole", "sts:SetSourceIdentity"))
    ) as caller:
        issued = caller.assume_role(
            role_arn=role_arn, role_session_name="s1", source_identity=source_identity
        )
    return session_client(node, issued.credentials)


def _names(iam: Client) -> set[str]:
    return {u.user_name for u in iam.list_users().users}


def test_a_deny_on_token_issue_time_revokes_role_sessions_for_admin_calls(
    iam_node: InProcessNode, iam: Client
) -> None:
    # AWS's way to revoke a role's sessions: deny every session issued before a moment
    # (IAM User Guide, "Revoking IAM role temporary security credentials").
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
    revoke = {
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": {"DateLessThan": {"aws:TokenIssueTime": later.strftime("%Y-%m-%dT%H:%M:%SZ")}},
    }
    with _role_session(iam_node, iam, doc(allow("iam:*"))) as session:
        session.create_user(user_name="before")  # allowed while not revoked
        iam.put_role_policy(role_name="admin", policy_name="revoke", policy_document=doc(revoke))
        with pytest.raises(AccessDeniedError, match="explicit deny"):
            session.create_user(user_name="mallory")
    assert "mallory" not in _names(iam)
    assert "before" in _names(iam)


def test_a_deny_without_mfa_applies_to_role_sessions_without_mfa(
    iam_node: InProcessNode, iam: Client
) -> None:
    no_mfa = {
        "Effect": "Deny",
        "Action": "iam:CreateUser",
        "Resource": "*",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
    }
    with _role_session(iam_node, iam, doc(allow("iam:*"), no_mfa)) as session:
        with pytest.raises(AccessDeniedError, match="explicit deny"):
            session.create_user(user_name="mallory")
        assert "caller" in {u.user_name for u in session.list_users().users}
    assert "mallory" not in _names(iam)


def test_a_deny_on_source_identity_applies_to_admin_calls(
    iam_node: InProcessNode, iam: Client
) -> None:
    deny = {
        "Effect": "Deny",
        "Action": "iam:CreateUser",
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceIdentity": "contractor"}},
    }
    policy = doc(allow("iam:*"), deny)
    with (
        _role_session(iam_node, iam, policy, source_identity="contractor") as session,
        pytest.raises(AccessDeniedError, match="explicit deny"),
    ):
        session.create_user(user_name="mallory")
    assert "mallory" not in _names(iam)


# AWS's example "Allows MFA-authenticated IAM users to manage their own credentials", reduced to
# its rule: everything but getting an MFA session is denied without MFA (BoolIfExists, so
# long-term keys, which carry no MFA key at all, are denied too).
FORCE_MFA = doc(
    allow("iam:ListUsers", "iam:CreateUser"),
    {
        "Effect": "Deny",
        "NotAction": ["sts:GetSessionToken", "iam:ListMFADevices"],
        "Resource": "*",
        "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
    },
)


def test_the_force_mfa_policy_lets_mfa_sessions_in_and_keeps_the_rest_out(
    iam_node: InProcessNode, iam: Client
) -> None:
    with user_client(iam_node, iam, "alice", FORCE_MFA) as alice:
        serial, totp = mfa_device(iam, "alice")
        with pytest.raises(AccessDeniedError, match="explicit deny"):
            alice.list_users()  # long-term key: no MFA key, IfExists applies
        with_mfa = alice.get_session_token(serial_number=serial, token_code=next_code(totp))
    with session_client(iam_node, with_mfa.credentials) as session:
        assert "alice" in {u.user_name for u in session.list_users().users}
        session.create_user(user_name="made-with-mfa")
    assert "made-with-mfa" in _names(iam)
