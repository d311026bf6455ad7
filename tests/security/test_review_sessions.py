"""Open findings of an adversarial review of temporary credentials, each an xfail(strict)."""

from __future__ import annotations

import pytest
from security_nodes import allow, doc, session_client

from iamstore.client import Client
from iamstore.client.errors import AccessDeniedError
from iamstore.cluster.inproc import InProcessNode


@pytest.mark.xfail(
    strict=True,
    reason="the federated-user scope check refuses only /iamstore.v1.Iam/ paths: over gRPC "
    "IAM's simulators live on the Authz service, so GetFederationToken credentials call "
    "SimulatePrincipalPolicy (refused over HTTP, and in AWS) and read other principals' policies",
)
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
