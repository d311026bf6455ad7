"""Findings of an adversarial review of temporary credentials, now fixed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from security_nodes import allow, doc, mfa_device, next_code, session_client, user_client

from iamstore.client import Client
from iamstore.client.errors import AccessDeniedError
from iamstore.cluster.testing.inproc import InProcessNode


def test_review_federated_users_cannot_simulate_principal_policy_over_grpc(
    iam_node: InProcessNode, iam: Client
) -> None:
    iam.create_user(user_name="victim")
    iam.put_user_policy(
        user_name="victim",
        policy_name="secret",
        policy_document=doc(allow("s3:GetObject", resource="arn:aws:s3:::payroll/*")),
    )
    victim_arn = iam.get_user(user_name="victim").user.arn
    issued = iam.get_federation_token(
        name="broker", policy=doc(allow("iam:SimulatePrincipalPolicy"))
    ).credentials
    # AWS (GetFederationToken): "You cannot call any IAM API operations".
    with session_client(iam_node, issued) as federated, pytest.raises(AccessDeniedError):
        federated.simulate_principal_policy(
            policy_source_arn=victim_arn,
            action_names=["s3:GetObject"],
            resource_arns=["arn:aws:s3:::payroll/2026.csv"],
        )


_POLICY = doc(allow("s3:GetObject"))


def _iam_calls_on_authz(client: Client, victim_arn: str) -> dict[str, Callable[[], object]]:
    """The IAM API operations iamstore serves on its Authz service."""
    return {
        "SimulatePrincipalPolicy": lambda: client.simulate_principal_policy(
            policy_source_arn=victim_arn, action_names=["s3:GetObject"]
        ),
        "SimulateCustomPolicy": lambda: client.simulate_custom_policy(
            policy_input_list=[_POLICY], action_names=["s3:GetObject"]
        ),
        "GetContextKeysForPrincipalPolicy": lambda: client.get_context_keys_for_principal_policy(
            policy_source_arn=victim_arn
        ),
        "GetContextKeysForCustomPolicy": lambda: client.get_context_keys_for_custom_policy(
            policy_input_list=[_POLICY]
        ),
    }


def _refused(calls: dict[str, Callable[[], object]]) -> set[str]:
    refused = set()
    for name, call in calls.items():
        try:
            call()
        except AccessDeniedError:
            refused.add(name)
    return refused


def test_federated_users_call_none_of_iams_operations_on_authz(
    iam_node: InProcessNode, iam: Client
) -> None:
    iam.create_user(user_name="victim")
    victim_arn = iam.get_user(user_name="victim").user.arn
    issued = iam.get_federation_token(
        name="broker", policy=doc(allow("iam:*", "iamstore:*"))
    ).credentials
    with session_client(iam_node, issued) as federated:
        calls = _iam_calls_on_authz(federated, victim_arn)
        assert _refused(calls) == set(calls)
        # Authorize is iamstore's own question, not an IAM API call: still answered.
        answer = federated.authorize(
            action="s3:GetObject", resource_arn="arn:aws:s3:::b/k", principal_arn=victim_arn
        )
        assert answer.decision in {"Allow", "ImplicitDeny", "ExplicitDeny"}


def test_a_session_without_mfa_calls_none_of_iams_operations_on_authz(
    iam_node: InProcessNode, iam: Client
) -> None:
    iam.create_user(user_name="victim")
    victim_arn = iam.get_user(user_name="victim").user.arn
    with user_client(iam_node, iam, "alice", doc(allow("iam:*", "sts:*"))) as alice:
        serial, totp = mfa_device(iam, "alice")
        plain = alice.get_session_token().credentials
        with_mfa = alice.get_session_token(serial_number=serial, token_code=next_code(totp))
    with session_client(iam_node, plain) as session:
        calls = _iam_calls_on_authz(session, victim_arn)
        assert _refused(calls) == set(calls)
    with session_client(iam_node, with_mfa.credentials) as session:
        assert _refused(_iam_calls_on_authz(session, victim_arn)) == set()
