"""AssumeRoleWithWebIdentity against a node with an OIDC issuer served on loopback."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from iam_helpers import account_client

from iamstore.client import AccessDeniedError, Client, Credentials, IamError
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node.config import NodeConfig

AUDIENCE = "my-app"


class Issuer:
    """An OIDC issuer on 127.0.0.1: discovery document, JWKS, and a signer for tokens."""

    def __init__(self) -> None:
        self.keys: dict[str, rsa.RSAPrivateKey] = {}
        self.published: list[str] = []
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body: dict[str, object]
                if self.path == "/.well-known/openid-configuration":
                    body = {"issuer": issuer.url, "jwks_uri": issuer.url + "/jwks"}
                elif self.path == "/jwks":
                    body = {"keys": [issuer.jwk(kid) for kid in issuer.published]}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def add_key(self, kid: str, publish: bool = True) -> None:
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if publish:
            self.published.append(kid)

    def jwk(self, kid: str) -> dict[str, object]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.keys[kid].public_key()))
        return {**public, "kid": kid, "alg": "RS256", "use": "sig"}

    def token(self, kid: str = "k1", **claims: object) -> str:
        now = int(time.time())
        body: dict[str, object] = {
            "iss": self.url,
            "sub": "user-42",
            "aud": AUDIENCE,
            "iat": now,
            "exp": now + 300,
            **claims,
        }
        return jwt.encode(body, self.keys[kid], algorithm="RS256", headers={"kid": kid})

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def iam_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessNode]:
    """This module's node accepts an http issuer on loopback (off by default)."""
    data_dir: Path = tmp_path_factory.mktemp("node")
    config = NodeConfig(
        data_dir=data_dir, listen="127.0.0.1:0", allow_insecure_loopback_issuer=True
    )
    with InProcessNode(config) as node:
        yield node


@pytest.fixture
def issuer() -> Iterator[Issuer]:
    served = Issuer()
    served.add_key("k1")
    yield served
    served.close()


@pytest.fixture
def setup(iam_node: InProcessNode, management: Client, issuer: Issuer) -> Iterator[tuple[str, str]]:
    """(role ARN, provider URL): a provider for the issuer and a role trusting it for sub."""
    with account_client(iam_node, management) as iam:
        location = issuer.url[len("http://") :]
        provider = iam.create_open_id_connect_provider(
            url="https://" + location, client_id_list=[AUDIENCE], thumbprint_list=["a" * 40]
        ).open_id_connect_provider_arn
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": provider},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {"StringEquals": {f"{location}:sub": "user-42"}},
                }
            ],
        }
        arn = iam.create_role(
            role_name="web", assume_role_policy_document=json.dumps(trust)
        ).role.arn
        yield arn, location


@pytest.fixture
def anonymous(iam_node: InProcessNode) -> Iterator[Client]:
    # The call is unsigned in AWS; these credentials exist nowhere and the node ignores them.
    with Client(iam_node.address, credentials=Credentials("AKIANOBODY", "x" * 40)) as client:
        yield client


def test_valid_token_gives_a_role_session(
    iam_node: InProcessNode, anonymous: Client, issuer: Issuer, setup: tuple[str, str]
) -> None:
    arn, location = setup
    made = anonymous.assume_role_with_web_identity(
        role_arn=arn, role_session_name="web-1", web_identity_token=issuer.token()
    )
    assert made.subject_from_web_identity_token == "user-42"
    assert made.audience == AUDIENCE
    assert made.provider == location
    assert made.assumed_role_user.arn.endswith(":assumed-role/web/web-1")
    creds = made.credentials
    with Client(
        iam_node.address,
        credentials=Credentials(creds.access_key_id, creds.secret_access_key, creds.session_token),
    ) as session:
        assert session.get_caller_identity().arn == made.assumed_role_user.arn


def _refused(client: Client, arn: str, token: str) -> IamError:
    with pytest.raises(IamError) as refused:
        client.assume_role_with_web_identity(
            role_arn=arn, role_session_name="web-1", web_identity_token=token
        )
    return refused.value


def test_wrong_audience_is_invalid_identity_token(
    anonymous: Client, issuer: Issuer, setup: tuple[str, str]
) -> None:
    # AWS: the aud claim must be one of the provider's client ids.
    error = _refused(anonymous, setup[0], issuer.token(aud="someone-else"))
    assert error.code == "InvalidIdentityToken"
    assert "audience" in error.message


def test_issuer_without_provider_is_refused(
    anonymous: Client, issuer: Issuer, setup: tuple[str, str]
) -> None:
    error = _refused(anonymous, setup[0], issuer.token(iss="http://127.0.0.1:1"))
    assert error.code == "InvalidIdentityToken"
    assert "No OpenIDConnect provider" in error.message


def test_expired_token_is_refused(
    anonymous: Client, issuer: Issuer, setup: tuple[str, str]
) -> None:
    now = int(time.time())
    error = _refused(anonymous, setup[0], issuer.token(iat=now - 600, exp=now - 300))
    assert error.code == "ExpiredTokenException"


def test_alg_none_is_refused(anonymous: Client, issuer: Issuer, setup: tuple[str, str]) -> None:
    now = int(time.time())
    unsigned = jwt.encode(
        {"iss": issuer.url, "sub": "user-42", "aud": AUDIENCE, "exp": now + 300},
        "",
        algorithm="none",
        headers={"kid": "k1"},
    )
    error = _refused(anonymous, setup[0], unsigned)
    assert error.code == "InvalidIdentityToken"
    assert "algorithm" in error.message


def test_trust_condition_on_sub_is_enforced(
    anonymous: Client, issuer: Issuer, setup: tuple[str, str]
) -> None:
    with pytest.raises(AccessDeniedError):
        anonymous.assume_role_with_web_identity(
            role_arn=setup[0], role_session_name="web-1", web_identity_token=issuer.token(sub="x")
        )


def test_unknown_kid_is_refused_then_accepted_after_rotation(
    anonymous: Client, issuer: Issuer, setup: tuple[str, str]
) -> None:
    arn = setup[0]
    anonymous.assume_role_with_web_identity(  # the node caches the key set with k1 only
        role_arn=arn, role_session_name="web-1", web_identity_token=issuer.token()
    )
    issuer.add_key("k2", publish=False)
    error = _refused(anonymous, arn, issuer.token(kid="k2"))
    assert error.code == "InvalidIdentityToken"
    assert "k2" in error.message
    issuer.published.append("k2")  # the provider rotates: the node refetches on the new kid
    made = anonymous.assume_role_with_web_identity(
        role_arn=arn, role_session_name="web-1", web_identity_token=issuer.token(kid="k2")
    )
    assert made.subject_from_web_identity_token == "user-42"
