"""OIDC signing keys from a local JWKS file (`--oidc-jwks ISSUER=PATH`): never fetched."""

from __future__ import annotations

import json
from pathlib import Path

import click
import jwt
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric import rsa

from iamstore.node.auth.webidentity import JwksCache, WebIdentityError, read_jwks_file
from iamstore.node.cli import node_group, parse_oidc_jwks

ISSUER = "https://idp.example.test"


def _jwk(kid: str) -> dict[str, object]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {**public, "kid": kid, "alg": "RS256", "use": "sig"}


def _write(path: Path, *kids: str) -> Path:
    path.write_text(json.dumps({"keys": [_jwk(kid) for kid in kids]}))
    return path


def _no_fetch(url: str, timeout_s: float) -> bytes:
    raise AssertionError(f"fetched `{url}`")


async def test_keys_come_from_the_file_and_nothing_is_fetched(tmp_path: Path) -> None:
    path = _write(tmp_path / "jwks.json", "k1")
    cache = JwksCache(fetch=_no_fetch, local_jwks={ISSUER: path})
    assert (await cache.key(ISSUER, "k1")).key_id == "k1"
    # The `iss` claim may spell the issuer with a trailing slash.
    assert (await cache.key(ISSUER + "/", "k1")).key_id == "k1"


async def test_an_unknown_key_id_rereads_the_file_once(tmp_path: Path) -> None:
    path = _write(tmp_path / "jwks.json", "k1")
    cache = JwksCache(fetch=_no_fetch, local_jwks={ISSUER: path})
    with pytest.raises(WebIdentityError) as refused:
        await cache.key(ISSUER, "k2")
    assert refused.value.code == "InvalidIdentityToken"
    _write(path, "k1", "k2")  # the keys were rotated in the file
    assert (await cache.key(ISSUER, "k2")).key_id == "k2"


async def test_a_file_gone_bad_later_is_an_idp_communication_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "jwks.json", "k1")
    cache = JwksCache(fetch=_no_fetch, local_jwks={ISSUER: path})
    path.write_text("{not json")
    with pytest.raises(WebIdentityError) as refused:
        await cache.key(ISSUER, "k2")
    assert refused.value.code == "IDPCommunicationError"
    assert str(path) in refused.value.message


async def test_other_issuers_are_still_fetched(tmp_path: Path) -> None:
    fetched: list[str] = []
    other = "https://other.example.test"
    documents = {
        other + "/.well-known/openid-configuration": {"jwks_uri": other + "/keys"},
        other + "/keys": {"keys": [_jwk("o1")]},
    }

    def fetch(url: str, timeout_s: float) -> bytes:
        fetched.append(url)
        return json.dumps(documents[url]).encode()

    cache = JwksCache(fetch=fetch, local_jwks={ISSUER: _write(tmp_path / "jwks.json", "k1")})
    assert (await cache.key(other, "o1")).key_id == "o1"
    assert (await cache.key(ISSUER, "k1")).key_id == "k1"
    assert fetched == list(documents)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "cannot read"),
        ("{not json", "not a usable key set"),
        ('{"keys": []}', "not a usable key set"),
        ("[1, 2]", "not a usable key set"),
    ],
)
def test_an_unusable_file_fails_at_start_up(
    tmp_path: Path, content: str | None, problem: str
) -> None:
    path = tmp_path / "jwks.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ValueError, match=problem):
        read_jwks_file(path)
    with pytest.raises(ValueError, match=problem):
        JwksCache(local_jwks={ISSUER: path})


def test_the_node_option_pairs_issuers_with_files(tmp_path: Path) -> None:
    path = _write(tmp_path / "k=1.json", "k1")  # a `=` in the path is kept
    other = _write(tmp_path / "other.json", "o1")
    assert parse_oidc_jwks(None, None, (f"{ISSUER}={path}", f"https://b.test/x={other}")) == (
        (ISSUER, path),
        ("https://b.test/x", other),
    )
    for bad in (ISSUER, f"http://idp.test={path}", f"{ISSUER}=", f"{ISSUER}={tmp_path / 'no'}"):
        with pytest.raises(click.BadParameter):
            parse_oidc_jwks(None, None, (bad,))


def test_node_run_refuses_a_bad_oidc_jwks_before_starting(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        node_group,
        ["run", "--data-dir", str(tmp_path / "data"), "--oidc-jwks", f"{ISSUER}=missing.json"],
    )
    assert result.exit_code == 2
    assert "--oidc-jwks" in result.output
    assert not (tmp_path / "data").exists()


async def test_an_issuer_answering_json_nested_too_deep_is_an_idp_communication_error() -> None:
    # A hostile issuer's discovery document nested deeper than Python's decoder recurses must
    # be refused as any unusable answer is, not escape as a failure of the node.
    def nested(url: str, timeout_s: float) -> bytes:
        return b"[" * 200_000 + b"]" * 200_000

    cache = JwksCache(fetch=nested, allow_insecure_loopback=True)
    with pytest.raises(WebIdentityError) as refused:
        await cache.key("https://issuer.example.com", "k1")
    assert refused.value.code == "IDPCommunicationError"
