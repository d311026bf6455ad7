"""SigV4 over HTTP: what the verifier accepts is exactly what botocore signs, and no more."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from iamstore.node.http.signature import read_signature, verify
from iamstore.wire.sigv4 import (
    SignatureError,
    authorization_header,
    canonical_request,
    compute_signature,
    credential_scope,
    format_amz_date,
    signing_key,
    string_to_sign,
)

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
KEY_ID = "AKIDEXAMPLE"
URL = "http://127.0.0.1:8080/"
BODY = b"Action=ListUsers&Version=2010-05-08"


def _headers(request: AWSRequest) -> dict[str, list[str]]:
    headers = {name.lower(): [value] for name, value in request.headers.items()}
    headers["host"] = ["127.0.0.1:8080"]
    return headers


def _verify(headers: dict[str, list[str]], body: bytes, *, now: datetime.datetime) -> None:
    signature = read_signature(headers, {})
    assert signature is not None
    verify(
        signature,
        secret_access_key=SECRET,
        method="POST",
        raw_path="/",
        raw_query="",
        headers=headers,
        body=body,
        region="us-east-1",
        service="iam",
        now=now,
        max_skew=datetime.timedelta(minutes=5),
    )


def _signed() -> tuple[dict[str, list[str]], datetime.datetime]:
    request = AWSRequest(
        method="POST",
        url=URL,
        data=BODY,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(Credentials(KEY_ID, SECRET), "iam", "us-east-1").add_auth(request)
    now = datetime.datetime.strptime(request.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ")
    return _headers(request), now.replace(tzinfo=datetime.UTC)


def test_what_botocore_signs_verifies() -> None:
    headers, now = _signed()
    _verify(headers, BODY, now=now)


@pytest.mark.parametrize(
    "change",
    [
        lambda h: h.update({"host": ["evil.example:8080"]}),
        lambda h: h.update({"content-type": ["text/plain"]}),
        lambda h: h.update({"x-amz-date": ["20200101T000000Z"]}),
    ],
)
def test_a_changed_signed_header_is_refused(change: Any) -> None:
    headers, now = _signed()
    change(headers)
    with pytest.raises(SignatureError):
        _verify(headers, BODY, now=now)


def test_a_changed_body_is_refused() -> None:
    headers, now = _signed()
    with pytest.raises(SignatureError) as info:
        _verify(headers, BODY + b"&UserName=x", now=now)
    assert info.value.code == "SignatureDoesNotMatch"


def test_an_unsigned_payload_cannot_stand_in_for_the_body() -> None:
    """S3 lets a signer skip the body (`UNSIGNED-PAYLOAD`); for the Query protocol the body
    *is* the operation, so a signature over that placeholder must not admit any body."""
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    amz_date = format_amz_date(now)
    headers = [("host", "127.0.0.1:8080"), ("x-amz-date", amz_date)]
    request = canonical_request("POST", "/", "", headers, "UNSIGNED-PAYLOAD")
    scope = credential_scope(amz_date[:8], "us-east-1", "iam")
    signature = compute_signature(
        signing_key(SECRET, amz_date[:8], "us-east-1", "iam"),
        string_to_sign(amz_date, scope, request.text),
    )
    sent = {
        "host": ["127.0.0.1:8080"],
        "x-amz-date": [amz_date],
        "x-amz-content-sha256": ["UNSIGNED-PAYLOAD"],
        "authorization": [authorization_header(KEY_ID, scope, request.signed_headers, signature)],
    }
    with pytest.raises(SignatureError) as info:
        _verify(sent, b"Action=DeleteUser&UserName=admin", now=now)
    assert info.value.code == "SignatureDoesNotMatch"


def test_a_signature_outside_the_clock_window_is_refused() -> None:
    headers, now = _signed()
    with pytest.raises(SignatureError) as info:
        _verify(headers, BODY, now=now + datetime.timedelta(minutes=6))
    assert "Signature expired" in info.value.message


def test_both_a_header_and_a_presigned_query_is_refused() -> None:
    headers, _ = _signed()
    with pytest.raises(SignatureError) as info:
        read_signature(headers, {"X-Amz-Algorithm": "AWS4-HMAC-SHA256"})
    assert info.value.code == "IncompleteSignature"


@pytest.mark.parametrize("expires", ["0", "604801", "-1", "1e3", "\u0661"])
def test_presigned_expiry_is_bounded(expires: str) -> None:
    query = {
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": f"{KEY_ID}/20260101/us-east-1/sts/aws4_request",
        "X-Amz-Date": "20260101T000000Z",
        "X-Amz-Expires": expires,
        "X-Amz-SignedHeaders": "host",
        "X-Amz-Signature": "0" * 64,
    }
    with pytest.raises(SignatureError) as info:
        read_signature({}, query)
    assert info.value.code == "IncompleteSignature"


@pytest.mark.parametrize(
    "amz_date",
    [
        "\u0662\u0660\u0662\u0666\u0661\u0662\u0660\u0667T010000Z",  # Arabic-Indic digits
        "\uff12\uff10\uff12\uff16\uff11\uff12\uff10\uff17T010000Z",  # fullwidth digits
        "20261207T0100001Z",
        "20261307T010000Z",
    ],
)
def test_a_presigned_date_must_be_ascii_basic_format(amz_date: str) -> None:
    # A query string is decoded as UTF-8, so a presigned X-Amz-Date can hold any digits;
    # AWS reads only `YYYYMMDDTHHMMSSZ` in ASCII.
    query = {
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": f"{KEY_ID}/20261207/us-east-1/sts/aws4_request",
        "X-Amz-Date": amz_date,
        "X-Amz-Expires": "60",
        "X-Amz-SignedHeaders": "host",
        "X-Amz-Signature": "0" * 64,
    }
    with pytest.raises(SignatureError) as info:
        read_signature({"host": ["127.0.0.1:8080"]}, query)
    assert info.value.code == "IncompleteSignature"
