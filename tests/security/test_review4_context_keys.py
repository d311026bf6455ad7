"""Findings of the fourth adversarial review (fixed; each test now guards its fix): condition
keys AWS sets that iamstore's questions lacked, so a Deny on them never applied.

- aws:PrincipalIsAWSService and aws:ViaAWSService are in the request context of every signed
  request in AWS ("false" for a call an IAM principal signs itself; IAM User Guide, AWS global
  condition context keys,
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
- AWS's Service Authorization Reference for IAM keys the service-specific credential
  operations by iam:ServiceSpecificCredentialServiceName, and UpdateAssumeRolePolicy,
  DeleteRole (and UpdateRole, UpdateRoleDescription, GetRole) by the role's
  iam:PermissionsBoundary.
"""

from __future__ import annotations

from security_nodes import allow, doc, trust_account, user_client

from iamstore.client import AccessDeniedError, Client
from iamstore.cluster.testing.inproc import InProcessNode


def _denied_when(iam_node: InProcessNode, iam: Client, name: str, key: str) -> bool:
    """Whether a user allowed iam:* is refused ListRoles by a Deny on `key` being false."""
    deny = {
        "Effect": "Deny",
        "Action": "iam:ListRoles",
        "Resource": "*",
        "Condition": {"Bool": {key: "false"}},
    }
    with user_client(iam_node, iam, name, doc(allow("iam:*"), deny)) as user:
        user.list_users()  # allowed: the Deny is on ListRoles alone
        try:
            user.list_roles()
        except AccessDeniedError:
            return True
    return False


def test_review4_a_deny_on_principal_is_aws_service_false_applies_to_a_user(
    iam_node: InProcessNode, iam: Client
) -> None:
    assert _denied_when(iam_node, iam, "perimeter", "aws:PrincipalIsAWSService")


def test_review4_a_deny_on_via_aws_service_false_applies_to_a_direct_call(
    iam_node: InProcessNode, iam: Client
) -> None:
    assert _denied_when(iam_node, iam, "direct", "aws:ViaAWSService")


def test_review4_a_deny_on_the_service_of_a_service_specific_credential_applies(
    iam_node: InProcessNode, iam: Client
) -> None:
    iam.create_user(user_name="developer")
    deny = {
        "Effect": "Deny",
        "Action": "iam:CreateServiceSpecificCredential",
        "Resource": "*",
        "Condition": {
            "StringEquals": {"iam:ServiceSpecificCredentialServiceName": "codecommit.amazonaws.com"}
        },
    }
    with user_client(iam_node, iam, "delegate", doc(allow("iam:*"), deny)) as delegate:
        try:
            delegate.create_service_specific_credential(
                user_name="developer", service_name="codecommit.amazonaws.com"
            )
            refused = False
        except AccessDeniedError:
            refused = True
    listed = iam.list_service_specific_credentials(user_name="developer")
    assert refused
    assert not listed.service_specific_credentials


_BOUNDARY = "arn:aws:iam::aws:policy/PowerUserAccess"


def _deny_on_bounded(action: str) -> dict[str, object]:
    return {
        "Effect": "Deny",
        "Action": action,
        "Resource": "*",
        "Condition": {"StringEquals": {"iam:PermissionsBoundary": _BOUNDARY}},
    }


def test_review4_a_deny_on_rewriting_a_bounded_roles_trust_applies(
    iam_node: InProcessNode, iam: Client
) -> None:
    account = iam.get_caller_identity().account or ""
    elsewhere = trust_account("111111111111")
    iam.create_role(
        role_name="bounded", assume_role_policy_document=elsewhere, permissions_boundary=_BOUNDARY
    )
    policy = doc(allow("iam:*"), _deny_on_bounded("iam:UpdateAssumeRolePolicy"))
    with user_client(iam_node, iam, "delegate", policy) as delegate:
        try:
            delegate.update_assume_role_policy(
                role_name="bounded", policy_document=trust_account(account)
            )
            refused = False
        except AccessDeniedError:
            refused = True
    trust = iam.get_role(role_name="bounded").role.assume_role_policy_document or ""
    assert refused
    assert "111111111111" in trust


def test_review4_a_deny_on_deleting_a_bounded_role_applies(
    iam_node: InProcessNode, iam: Client
) -> None:
    iam.create_role(
        role_name="bounded",
        assume_role_policy_document=trust_account("111111111111"),
        permissions_boundary=_BOUNDARY,
    )
    policy = doc(allow("iam:*"), _deny_on_bounded("iam:DeleteRole"))
    with user_client(iam_node, iam, "delegate", policy) as delegate:
        try:
            delegate.delete_role(role_name="bounded")
            refused = False
        except AccessDeniedError:
            refused = True
    assert refused
    assert iam.get_role(role_name="bounded").role.role_name == "bounded"
