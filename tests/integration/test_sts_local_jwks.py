"""AssumeRoleWithWebIdentity with the issuer's keys configured as a local JWKS file: an https
issuer that no server serves (an air-gapped cluster), verified all the same."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from iam_helpers import account_client

from iamstore.client import Client, Credentials, IamError
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node.config import NodeConfig

ISSUER = "https://idp.internal.example"  # resolves nowhere: nothing may be fetched
AUDIENCE = "batch-jobs"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _token(**claims: object) -> str:
    now = int(time.time())
    body = {"iss": ISSUER, "sub": "job-7", "aud": AUDIENCE, "iat": now, "exp": now + 300}
    return jwt.encode({**body, **claims}, KEY, algorithm="RS256", headers={"kid": "k1"})


@pytest.fixture(scope="module")
def iam_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessNode]:
    root: Path = tmp_path_factory.mktemp("local-jwks")
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
    jwks = root / "idp-jwks.json"
    jwks.write_text(json.dumps({"keys": [{**public, "kid": "k1", "alg": "RS256"}]}))
    config = NodeConfig(
        data_dir=root / "data",
        listen="127.0.0.1:0",
        oidc_jwks=((ISSUER, jwks),),
        oidc_fetch_timeout_s=0.5,  # were anything fetched, the test would fail fast
    )
    with InProcessNode(config) as node:
        yield node


@pytest.fixture
def role_arn(iam_node: InProcessNode, management: Client) -> Iterator[str]:
    with account_client(iam_node, management) as iam:
        provider = iam.create_open_id_connect_provider(
            url=ISSUER, client_id_list=[AUDIENCE], thumbprint_list=["b" * 40]
        ).open_id_connect_provider_arn
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": provider},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {"StringEquals": {"idp.internal.example:sub": "job-7"}},
                }
            ],
        }
        yield iam.create_role(
            role_name="batch", assume_role_policy_document=json.dumps(trust)
        ).role.arn


def test_token_verified_with_the_local_key_set(iam_node: InProcessNode, role_arn: str) -> None:
    with Client(iam_node.address, credentials=Credentials("AKIANOBODY", "x" * 40)) as anonymous:
        made = anonymous.assume_role_with_web_identity(
            role_arn=role_arn, role_session_name="job", web_identity_token=_token()
        )
        assert made.subject_from_web_identity_token == "job-7"
        assert made.provider == "idp.internal.example"
        # A token signed by a key the file does not hold is refused, not fetched for.
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        forged = jwt.encode(
            {"iss": ISSUER, "sub": "job-7", "aud": AUDIENCE, "exp": int(time.time()) + 300},
            other,
            algorithm="RS256",
            headers={"kid": "k1"},
        )
        with pytest.raises(IamError) as refused:
            anonymous.assume_role_with_web_identity(
                role_arn=role_arn, role_session_name="job", web_identity_token=forged
            )
    assert refused.value.code == "InvalidIdentityToken"
