"""Nothing is held or fetched for a caller before it is authenticated, beyond what
authentication itself needs.

Before, a call with an unknown access key and an `x-iam-at-least` token waited for the token
(5 s by default) before being refused, and every unauthenticated AssumeRoleWithWebIdentity
naming an unknown `kid` made the node refetch the issuer's keys.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from iamstore.client import Client, Credentials, IamError, NotYetReplicatedError
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node.auth.webidentity import (
    REFETCH_BURST,
    REFETCH_INTERVAL_S,
    JwksCache,
    WebIdentityError,
)
from iamstore.node.config import NodeConfig

# --- consistency tokens -------------------------------------------------------------------

WAIT_S = 600.0  # what an authenticated caller may wait; the test's calls allow 60 s


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessNode]:
    config = NodeConfig(
        data_dir=tmp_path_factory.mktemp("node"),
        listen="127.0.0.1:0",
        at_least_timeout_s=WAIT_S,
    )
    with InProcessNode(config) as running:
        yield running


@pytest.fixture(scope="module")
def management(node: InProcessNode) -> Iterator[Client]:
    credentials = resolve_credentials(credentials_file=str(node.credentials_file))
    with Client(node.address, credentials=credentials) as client:
        yield client


def _stranger(node: InProcessNode, key_id: str = "AKIAAAAAAAAAAAAAAAAA") -> Client:
    return Client(node.address, credentials=Credentials(key_id, "x" * 40), timeout=60)


@pytest.mark.timeout(120)
def test_an_unknown_key_with_a_future_token_is_answered_at_once(
    node: InProcessNode, management: Client
) -> None:
    # A token naming writes of a member this node knows (itself here) that it lacks.
    management.create_user(user_name="future")
    token = management.consistency_token
    assert token is not None
    member = token.split(",")[0].rpartition(":")[0]
    with _stranger(node) as stranger, pytest.raises(NotYetReplicatedError) as refused:
        stranger.list_users(at_least=f"{member}:1000000")  # the old node waited WAIT_S here
    assert "retry" in refused.value.message


@pytest.mark.timeout(120)
def test_an_unknown_key_with_a_token_naming_no_member_is_refused_as_unknown(
    node: InProcessNode,
) -> None:
    with _stranger(node) as stranger, pytest.raises(IamError) as refused:
        stranger.list_users(at_least="n-from-elsewhere:1000000")
    assert refused.value.code == "InvalidClientTokenId"


@pytest.mark.timeout(120)
def test_an_unknown_key_with_a_covered_token_is_refused_as_unknown(
    node: InProcessNode, management: Client
) -> None:
    management.create_user(user_name="written")
    token = management.consistency_token
    assert token is not None
    with _stranger(node) as stranger, pytest.raises(IamError) as refused:
        stranger.list_users(at_least=token)
    assert refused.value.code == "InvalidClientTokenId"


@pytest.mark.timeout(120)
def test_a_bad_signature_with_a_future_token_is_refused_at_once(
    node: InProcessNode, management: Client
) -> None:
    key = management.create_access_key().access_key  # the root's own key, wrong secret
    with _stranger(node, key.access_key_id) as forger, pytest.raises(IamError) as refused:
        forger.list_users(at_least="n-from-elsewhere:1000000")
    assert refused.value.code == "SignatureDoesNotMatch"


# --- JWKS refetches -----------------------------------------------------------------------

ISSUER = "https://issuer.example.test"


class FakeIssuer:
    """Serves a discovery document and a key set; counts the fetches of the key set."""

    def __init__(self) -> None:
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.published = ["k1"]
        self.fetches = 0

    def fetch(self, url: str, timeout_s: float) -> bytes:
        if url.endswith("/.well-known/openid-configuration"):
            return json.dumps({"jwks_uri": ISSUER + "/keys"}).encode()
        self.fetches += 1
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        return json.dumps({"keys": [{**public, "kid": kid} for kid in self.published]}).encode()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _refused(cache: JwksCache, key_id: str) -> str:
    with pytest.raises(WebIdentityError) as refused:
        await cache.key(ISSUER, key_id)
    return refused.value.code


async def test_unknown_key_ids_refetch_at_most_at_the_issuers_rate() -> None:
    issuer, clock = FakeIssuer(), Clock()
    cache = JwksCache(fetch=issuer.fetch, now=clock)
    assert (await cache.key(ISSUER, "k1")).key_id == "k1"
    for attempt in range(50):  # unauthenticated callers naming key ids nobody published
        assert await _refused(cache, f"forged-{attempt}") == "InvalidIdentityToken"
    assert issuer.fetches == REFETCH_BURST  # the old cache fetched 51 times
    clock.now += REFETCH_INTERVAL_S  # one more load is allowed per interval
    for attempt in range(50):
        await _refused(cache, f"again-{attempt}")
    assert issuer.fetches == REFETCH_BURST + 1
    # The provider rotates its keys: after an interval the new key is fetched and accepted.
    issuer.published.append("k2")
    clock.now += REFETCH_INTERVAL_S
    assert (await cache.key(ISSUER, "k2")).key_id == "k2"
    assert issuer.fetches == REFETCH_BURST + 2


async def test_an_unreachable_issuer_is_not_asked_on_every_call() -> None:
    clock, attempts = Clock(), []

    def unreachable(url: str, timeout_s: float) -> bytes:
        attempts.append(url)
        raise OSError("connection refused")

    cache = JwksCache(fetch=unreachable, now=clock)
    for _ in range(20):
        assert await _refused(cache, "k1") == "IDPCommunicationError"
    assert len(attempts) == REFETCH_BURST


async def test_concurrent_misses_share_one_load() -> None:
    issuer, clock = FakeIssuer(), Clock()
    cache = JwksCache(fetch=issuer.fetch, now=clock)
    results = await asyncio.gather(
        *(cache.key(ISSUER, "k1") for _ in range(20)), return_exceptions=True
    )
    assert issuer.fetches == 1  # one load; the others were answered without waiting for it
    assert any(not isinstance(r, BaseException) for r in results)


def test_transitive_tag_keys_are_capped_as_aws_does(
    node: InProcessNode, management: Client
) -> None:
    """AWS's STS model caps TransitiveTagKeys at 50; each key went into the session token."""
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": ["sts:AssumeRole", "sts:TagSession"],
                }
            ],
        }
    )
    role = management.create_role(role_name="tagged", assume_role_policy_document=trust).role
    management.create_user(user_name="tagger")
    key = management.create_access_key(user_name="tagger").access_key
    credentials = Credentials(key.access_key_id, key.secret_access_key)
    with (
        Client(node.address, credentials=credentials) as tagger,
        pytest.raises(IamError) as refused,
    ):
        tagger.assume_role(
            role_arn=role.arn,
            role_session_name="session",
            tags=[{"key": "a", "value": "b"}],
            transitive_tag_keys=["a"] * 51,
        )
    assert refused.value.code == "ValidationError"
    assert refused.value.field == "TransitiveTagKeys"
