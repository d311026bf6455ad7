"""Findings of an adversarial review of the HTTP (AWS Query) port, now fixed.

Every test reproduces the attack against a real node over raw HTTP and asserts what a fixed
node must answer; each failed before its fix.
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotocoreCredentials

from iamstore.client import Client, Credentials
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node.config import NodeConfig

REGION = "us-east-1"
FORM = "application/x-www-form-urlencoded; charset=utf-8"
# An access key id no node ever issued: its requests are unauthenticated.
UNKNOWN_KEY = BotocoreCredentials("AKIAAAAAAAAAAAAAAAAA", "x" * 40)


@pytest.fixture(scope="module")
def http_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessNode]:
    data_dir: Path = tmp_path_factory.mktemp("review-http")
    config = NodeConfig(data_dir=data_dir, listen="127.0.0.1:0", http_listen="127.0.0.1:0")
    with InProcessNode(config) as node:
        yield node


@pytest.fixture(scope="module")
def url(http_node: InProcessNode) -> str:
    assert http_node.node is not None
    assert http_node.node.http_url is not None
    return http_node.node.http_url


@pytest.fixture
def account_root(http_node: InProcessNode) -> Iterator[tuple[Client, BotocoreCredentials]]:
    """A fresh member account's root: an iamstore client and the same key for botocore."""
    management_credentials = resolve_credentials(credentials_file=str(http_node.credentials_file))
    with Client(http_node.address, credentials=management_credentials) as management:
        root = management.create_account(account_name="review").root_credentials
    assert root is not None
    with Client(
        http_node.address, credentials=Credentials(root.access_key_id, root.secret_access_key)
    ) as client:
        yield client, BotocoreCredentials(root.access_key_id, root.secret_access_key)


def send(
    url: str, method: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.read().decode()


def signed_post(
    url: str, credentials: BotocoreCredentials, body: str, headers: dict[str, str]
) -> tuple[int, str]:
    request = AWSRequest(
        method="POST", url=url + "/", data=body, headers={"Content-Type": FORM, **headers}
    )
    SigV4Auth(credentials, "iam", REGION).add_auth(request)
    return send(url + "/", "POST", body.encode(), dict(request.headers.items()))


def test_review_plus_in_a_signed_query_cannot_change_a_value(
    url: str, account_root: tuple[Client, BotocoreCredentials]
) -> None:
    client, credentials = account_root
    client.create_user(user_name="alice")
    query = (
        "Action=TagUser&Version=2010-05-08&UserName=alice"
        "&Tags.member.1.Key=team&Tags.member.1.Value=x%2By"
    )
    presign = AWSRequest(method="GET", url=f"{url}/?{query}")
    SigV4QueryAuth(credentials, "iam", REGION, expires=300).add_auth(presign)
    assert "x%2By" in presign.url
    # Whoever holds the presigned URL (or saw a header-signed GET) rewrites `%2B` as `+`:
    # the canonical query is unchanged, the value the node reads is not.
    status, _ = send(presign.url.replace("x%2By", "x+y"), "GET")
    tags = {tag.key: tag.value for tag in client.list_user_tags(user_name="alice").tags}
    # A fixed node either refuses the rewritten request or reads the value that was signed.
    assert status != 200 or tags == {"team": "x+y"}
    assert tags.get("team") != "x y"


def test_review_an_oversized_consistency_token_is_a_clear_error(url: str) -> None:
    status, body = signed_post(
        url,
        UNKNOWN_KEY,
        "Action=GetUser&Version=2010-05-08",
        {"x-iamstore-at-least": "origin:" + "9" * 5000},
    )
    assert "ServiceFailure" not in body
    assert status in (400, 403)


def test_review_an_unknown_key_is_not_held_for_a_token_naming_no_member(url: str) -> None:
    status, body = signed_post(
        url,
        UNKNOWN_KEY,
        "Action=GetUser&Version=2010-05-08",
        {"x-iamstore-at-least": "no-such-member:99"},
    )
    assert "NotYetReplicated" not in body
    assert status == 403
    assert "<Code>InvalidClientTokenId</Code>" in body


def test_review_an_oversized_saml_assertion_is_a_validation_error(url: str) -> None:
    form = urllib.parse.urlencode(
        {
            "Action": "AssumeRoleWithSAML",
            "Version": "2011-06-15",
            "RoleArn": "arn:aws:iam::123456789012:role/any",
            "PrincipalArn": "arn:aws:iam::123456789012:saml-provider/any",
            "SAMLAssertion": "A" * 100_004,
        }
    )
    status, body = send(url + "/", "POST", form.encode(), {"Content-Type": FORM})
    assert "<Code>ValidationError</Code>" in body
    assert status == 400


def _saml_form(assertion: str) -> bytes:
    return urllib.parse.urlencode(
        {
            "Action": "AssumeRoleWithSAML",
            "Version": "2011-06-15",
            "RoleArn": "arn:aws:iam::123456789012:role/any",
            "PrincipalArn": "arn:aws:iam::123456789012:saml-provider/any",
            "SAMLAssertion": assertion,
        }
    ).encode()


@pytest.mark.parametrize(
    "assertion",
    [
        "not base64 at all!",
        base64.b64encode(b"<not-saml/>").decode(),
        base64.b64encode(b"\xff\xfe not xml").decode(),
    ],
    ids=["not-base64", "not-a-saml-response", "not-xml"],
)
def test_every_saml_refusal_over_http_is_an_aws_error(url: str, assertion: str) -> None:
    status, body = send(url + "/", "POST", _saml_form(assertion), {"Content-Type": FORM})
    assert "ServiceFailure" not in body
    assert 400 <= status < 500
    assert "<Code>" in body


def test_an_authenticated_callers_oversized_token_is_invalid_input(
    url: str, account_root: tuple[Client, BotocoreCredentials]
) -> None:
    _, credentials = account_root
    status, body = signed_post(
        url,
        credentials,
        "Action=ListUsers&Version=2010-05-08",
        {"x-iamstore-at-least": "origin:" + "9" * 5000},
    )
    assert status == 400
    assert "<Code>InvalidInput</Code>" in body
    assert "9" * 100 not in body  # the message does not echo the whole token
