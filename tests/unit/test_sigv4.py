"""Unit tests for client.wire.sigv4: the gRPC SigV4 profile, its failure codes, and botocore."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotocoreCredentials
from hypothesis import given
from hypothesis import strategies as st

from iamstore.wire import sigv4
from iamstore.wire.sigv4 import (
    DEFAULT_HOST,
    DEFAULT_REGION,
    ParsedAuthorization,
    SignatureError,
    canonical_query_string,
    canonical_uri,
    parse_grpc_auth,
    service_for_method,
    sign_grpc,
    signing_key,
    verify_grpc,
)

NOW = datetime.datetime(2024, 5, 17, 12, 30, 0, tzinfo=datetime.UTC)
METHOD = "/iamstore.v1.Iam/CreateUser"
STS_METHOD = "/iamstore.v1.Sts/GetCallerIdentity"
BODY = b"\n\x05alice\x12\x01/"
ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "FwoGZXIvYXdzEXAMPLE+token/with=padding=="


def _sign(
    *,
    method_path: str = METHOD,
    body: bytes = BODY,
    secret: str = SECRET,
    token: str | None = None,
    region: str = DEFAULT_REGION,
    host: str = DEFAULT_HOST,
    now: datetime.datetime = NOW,
) -> list[tuple[str, str]]:
    return sign_grpc(
        method_path=method_path,
        body=body,
        access_key_id=ACCESS_KEY_ID,
        secret_access_key=secret,
        session_token=token,
        region=region,
        host=host,
        now=now,
    )


def _verify(
    metadata: list[tuple[str, str]],
    *,
    method_path: str = METHOD,
    body: bytes = BODY,
    secret: str = SECRET,
    region: str = DEFAULT_REGION,
    host: str = DEFAULT_HOST,
    now: datetime.datetime = NOW,
) -> ParsedAuthorization:
    parsed = parse_grpc_auth(metadata)
    verify_grpc(
        parsed,
        secret_access_key=secret,
        method_path=method_path,
        body=body,
        host=host,
        region=region,
        now=now,
    )
    return parsed


def _code(excinfo: pytest.ExceptionInfo[SignatureError]) -> str:
    return excinfo.value.code


def _replace(metadata: list[tuple[str, str]], key: str, value: str) -> list[tuple[str, str]]:
    return [(k, value if k == key else v) for k, v in metadata]


def _without(metadata: list[tuple[str, str]], key: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v in metadata if k != key]


def _authorization(metadata: list[tuple[str, str]]) -> str:
    return dict(metadata)["authorization"]


# ---------------------------------------------------------------- round trips


def test_round_trip_reports_what_was_signed() -> None:
    parsed = _verify(_sign())
    assert parsed.access_key_id == ACCESS_KEY_ID
    assert parsed.date_stamp == "20240517"
    assert parsed.amz_date == "20240517T123000Z"
    assert parsed.region == DEFAULT_REGION
    assert parsed.service == "iam"
    assert parsed.signed_headers == ("host", "x-amz-content-sha256", "x-amz-date")
    assert parsed.content_sha256 == hashlib.sha256(BODY).hexdigest()
    assert parsed.security_token is None


def test_metadata_keys_are_lowercase_and_token_free_without_a_session() -> None:
    keys = [key for key, _ in _sign()]
    assert keys == ["authorization", "x-amz-date", "x-amz-content-sha256"]


def test_sts_methods_sign_for_service_sts() -> None:
    parsed = _verify(_sign(method_path=STS_METHOD), method_path=STS_METHOD)
    assert parsed.service == "sts"
    assert service_for_method(STS_METHOD) == "sts"
    assert service_for_method(METHOD) == "iam"
    assert service_for_method("/iamstore.v1.StsLike/X") == "iam"


def test_session_token_is_sent_and_signed() -> None:
    metadata = _sign(token=TOKEN)
    assert ("x-amz-security-token", TOKEN) in metadata
    parsed = _verify(metadata)
    assert parsed.security_token == TOKEN
    assert "x-amz-security-token" in parsed.signed_headers


def test_empty_body_round_trips() -> None:
    _verify(_sign(body=b""), body=b"")


def test_bytes_metadata_values_are_accepted() -> None:
    metadata = [(k, v.encode("ascii")) for k, v in _sign()]
    parsed = parse_grpc_auth(metadata)
    assert parsed.access_key_id == ACCESS_KEY_ID


def test_unrelated_metadata_is_ignored() -> None:
    _verify([("user-agent", "grpc-python"), *_sign(), ("x-request-id", "1")])


@given(
    body=st.binary(max_size=512),
    service=st.sampled_from(["Iam", "Sts"]),
    rpc=st.from_regex(r"[A-Z][A-Za-z]{0,30}", fullmatch=True),
    token=st.none() | st.from_regex(r"[A-Za-z0-9+/=]{1,80}", fullmatch=True),
)
def test_any_call_round_trips(body: bytes, service: str, rpc: str, token: str | None) -> None:
    method_path = f"/iamstore.v1.{service}/{rpc}"
    metadata = _sign(method_path=method_path, body=body, token=token)
    _verify(metadata, method_path=method_path, body=body)


@given(body=st.binary(min_size=1, max_size=256), data=st.data())
def test_any_changed_body_byte_is_rejected(body: bytes, data: st.DataObject) -> None:
    # The payload hash covers the exact wire bytes: flipping any bit of any byte fails.
    metadata = _sign(body=body)
    index = data.draw(st.integers(0, len(body) - 1))
    bit = data.draw(st.integers(0, 7))
    tampered = body[:index] + bytes([body[index] ^ (1 << bit)]) + body[index + 1 :]
    with pytest.raises(SignatureError) as excinfo:
        _verify(metadata, body=tampered)
    assert _code(excinfo) == "SignatureDoesNotMatch"


# ---------------------------------------------------------------- botocore cross-check


@pytest.mark.parametrize("token", [None, TOKEN])
@pytest.mark.parametrize("method_path", [METHOD, STS_METHOD])
def test_botocore_signature_is_accepted_and_equal(
    monkeypatch: pytest.MonkeyPatch, method_path: str, token: str | None
) -> None:
    # botocore's SigV4Auth reads the clock through botocore.auth.get_current_datetime
    # (naive UTC); fix it to NOW so both signers sign the same instant.
    monkeypatch.setattr(
        "botocore.auth.get_current_datetime",
        lambda remove_tzinfo=True: NOW.replace(tzinfo=None),
    )
    request = AWSRequest(method="POST", url=f"https://{DEFAULT_HOST}{method_path}", data=BODY)
    request.headers["X-Amz-Content-SHA256"] = hashlib.sha256(BODY).hexdigest()
    credentials = BotocoreCredentials(ACCESS_KEY_ID, SECRET, token)
    SigV4Auth(credentials, service_for_method(method_path), DEFAULT_REGION).add_auth(request)

    metadata = [(name.lower(), str(value)) for name, value in request.headers.items()]
    _verify(metadata, method_path=method_path)
    ours = _sign(method_path=method_path, token=token)
    assert request.headers["Authorization"] == _authorization(ours)


# ---------------------------------------------------------------- verification failures


def test_tampered_body_is_signature_does_not_match() -> None:
    with pytest.raises(SignatureError) as excinfo:
        _verify(_sign(), body=BODY + b"\x00")
    assert _code(excinfo) == "SignatureDoesNotMatch"
    assert "x-amz-content-sha256" in excinfo.value.message


def test_body_and_claimed_hash_both_replaced_is_rejected() -> None:
    # An attacker who swaps the body and fixes up x-amz-content-sha256 still fails: the
    # signature covers the hash.
    other = b"\n\x03eve"
    metadata = _replace(_sign(), "x-amz-content-sha256", hashlib.sha256(other).hexdigest())
    with pytest.raises(SignatureError) as excinfo:
        _verify(metadata, body=other)
    assert _code(excinfo) == "SignatureDoesNotMatch"
    assert "signature we calculated" in excinfo.value.message


def test_other_method_path_is_rejected() -> None:
    with pytest.raises(SignatureError) as excinfo:
        _verify(_sign(), method_path="/iamstore.v1.Iam/DeleteUser")
    assert _code(excinfo) == "SignatureDoesNotMatch"


def test_method_of_the_other_service_is_rejected_by_scope() -> None:
    with pytest.raises(SignatureError) as excinfo:
        _verify(_sign(), method_path=STS_METHOD)
    assert _code(excinfo) == "SignatureDoesNotMatch"
    assert "service" in excinfo.value.message


def test_other_host_is_rejected() -> None:
    with pytest.raises(SignatureError) as excinfo:
        _verify(_sign(host="iamstore-staging"))
    assert _code(excinfo) == "SignatureDoesNotMatch"


def test_other_region_is_rejected_by_scope() -> None:
    with pytest.raises(SignatureError) as excinfo:
        _verify(_sign(region="eu-west-1"))
    assert _code(excinfo) == "SignatureDoesNotMatch"
    assert "`eu-west-1`" in excinfo.value.message


def test_wrong_secret_is_rejected() -> None:
    with pytest.raises(SignatureError) as excinfo:
        _verify(_sign(secret=SECRET + "x"))
    assert _code(excinfo) == "SignatureDoesNotMatch"


def test_altered_signature_is_rejected() -> None:
    metadata = _sign()
    auth = _authorization(metadata)
    flipped = auth[:-1] + ("0" if auth[-1] != "0" else "1")
    with pytest.raises(SignatureError) as excinfo:
        _verify(_replace(metadata, "authorization", flipped))
    assert _code(excinfo) == "SignatureDoesNotMatch"


def test_non_ascii_signature_is_rejected_not_crashing() -> None:
    metadata = _sign()
    auth = _authorization(metadata)
    with pytest.raises(SignatureError) as excinfo:
        _verify(_replace(metadata, "authorization", auth[:-1] + "é"))
    assert _code(excinfo) == "SignatureDoesNotMatch"


@pytest.mark.parametrize("skew", [datetime.timedelta(minutes=5), -datetime.timedelta(minutes=5)])
def test_clock_skew_of_exactly_five_minutes_is_accepted(skew: datetime.timedelta) -> None:
    _verify(_sign(now=NOW + skew))


def test_stale_date_is_signature_expired_as_aws_words_it() -> None:
    # AWS STS/IAM: SignatureDoesNotMatch "Signature expired: <date> is now earlier than
    # <now - window> (<now> - 15 min.)"; our window is 5 minutes.
    signed_at = NOW - datetime.timedelta(minutes=5, seconds=1)
    with pytest.raises(SignatureError) as excinfo:
        _verify(_sign(now=signed_at))
    assert _code(excinfo) == "SignatureDoesNotMatch"
    assert excinfo.value.message == (
        "Signature expired: 20240517T122459Z is now earlier than 20240517T122500Z "
        "(20240517T123000Z - 5 min.)"
    )


def test_future_date_is_signature_not_yet_current_as_aws_words_it() -> None:
    signed_at = NOW + datetime.timedelta(minutes=5, seconds=1)
    with pytest.raises(SignatureError) as excinfo:
        _verify(_sign(now=signed_at))
    assert _code(excinfo) == "SignatureDoesNotMatch"
    assert excinfo.value.message == (
        "Signature not yet current: 20240517T123501Z is still later than 20240517T123500Z "
        "(20240517T123000Z + 5 min.)"
    )


def test_custom_skew_window_is_honoured() -> None:
    metadata = _sign(now=NOW - datetime.timedelta(minutes=2))
    parsed = parse_grpc_auth(metadata)
    with pytest.raises(SignatureError) as excinfo:
        verify_grpc(
            parsed,
            secret_access_key=SECRET,
            method_path=METHOD,
            body=BODY,
            host=DEFAULT_HOST,
            region=DEFAULT_REGION,
            now=NOW,
            max_skew=datetime.timedelta(minutes=1),
        )
    assert excinfo.value.message.endswith("(20240517T123000Z - 1 min.)")


def test_changed_date_header_is_rejected() -> None:
    metadata = _replace(_sign(), "x-amz-date", "20240517T123001Z")
    with pytest.raises(SignatureError) as excinfo:
        _verify(metadata)
    assert _code(excinfo) == "SignatureDoesNotMatch"


def test_scope_date_must_match_x_amz_date() -> None:
    metadata = _replace(_sign(), "x-amz-date", "20240518T000100Z")
    with pytest.raises(SignatureError) as excinfo:
        _verify(metadata, now=datetime.datetime(2024, 5, 18, 0, 1, tzinfo=datetime.UTC))
    assert _code(excinfo) == "SignatureDoesNotMatch"
    assert "credential scope" in excinfo.value.message


def test_session_token_must_be_signed_when_sent() -> None:
    # The token is appended after signing (the legacy "unsigned token" form): refused.
    metadata = [*_sign(), ("x-amz-security-token", TOKEN)]
    with pytest.raises(SignatureError) as excinfo:
        _verify(metadata)
    assert _code(excinfo) == "SignatureDoesNotMatch"
    assert "x-amz-security-token" in excinfo.value.message


def test_swapped_session_token_is_rejected() -> None:
    metadata = _replace(_sign(token=TOKEN), "x-amz-security-token", TOKEN + "x")
    with pytest.raises(SignatureError) as excinfo:
        _verify(metadata)
    assert _code(excinfo) == "SignatureDoesNotMatch"


def test_signed_token_that_is_not_sent_is_rejected() -> None:
    metadata = _without(_sign(token=TOKEN), "x-amz-security-token")
    with pytest.raises(SignatureError) as excinfo:
        _verify(metadata)
    assert _code(excinfo) == "SignatureDoesNotMatch"


@pytest.mark.parametrize(
    ("signed_headers", "missing"),
    [("x-amz-content-sha256;x-amz-date", "host"), ("host;x-amz-content-sha256", "x-amz-date")],
)
def test_host_and_date_must_be_signed(signed_headers: str, missing: str) -> None:
    # AWS: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
    metadata = _sign()
    auth = _authorization(metadata).replace(
        "SignedHeaders=host;x-amz-content-sha256;x-amz-date", f"SignedHeaders={signed_headers}"
    )
    with pytest.raises(SignatureError) as excinfo:
        _verify(_replace(metadata, "authorization", auth))
    assert _code(excinfo) == "SignatureDoesNotMatch"
    assert f"'{missing}' must be a 'SignedHeader'" in excinfo.value.message


def test_signed_header_not_available_over_grpc_is_rejected() -> None:
    metadata = _sign()
    auth = _authorization(metadata).replace("SignedHeaders=", "SignedHeaders=content-type;")
    with pytest.raises(SignatureError) as excinfo:
        _verify(_replace(metadata, "authorization", auth))
    assert _code(excinfo) == "SignatureDoesNotMatch"
    assert "`content-type`" in excinfo.value.message


# ---------------------------------------------------------------- malformed metadata


def test_no_authorization_is_missing_authentication_token() -> None:
    with pytest.raises(SignatureError) as excinfo:
        parse_grpc_auth(_without(_sign(), "authorization"))
    assert _code(excinfo) == "MissingAuthenticationToken"


@pytest.mark.parametrize(
    ("authorization", "fragment"),
    [
        ("Bearer abc", "unsupported aws 'algorithm'"),
        ("AWS4-HMAC-SHA1 Credential=a/b/c/d/aws4_request", "unsupported aws 'algorithm'"),
        ("AWS4-HMAC-SHA256", "'Credential' parameter"),
        ("AWS4-HMAC-SHA256 Credential=AKID/20240517/us-east-1/iam/aws4_request", "'Signature'"),
        (
            "AWS4-HMAC-SHA256 Credential=AKID/20240517/iam/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=00",
            "exactly 5 slash-delimited elements",
        ),
        (
            "AWS4-HMAC-SHA256 Credential=AKID/20240517/us-east-1/iam/aws5_request, "
            "SignedHeaders=host;x-amz-date, Signature=00",
            "valid terminator",
        ),
    ],
)
def test_garbled_authorization_is_incomplete_signature(authorization: str, fragment: str) -> None:
    with pytest.raises(SignatureError) as excinfo:
        parse_grpc_auth(_replace(_sign(), "authorization", authorization))
    assert _code(excinfo) == "IncompleteSignature"
    assert fragment in excinfo.value.message


def test_authorization_parameters_may_be_separated_by_commas_only() -> None:
    metadata = _sign()
    compact = _authorization(metadata).replace(", ", ",")
    _verify(_replace(metadata, "authorization", compact))


@pytest.mark.parametrize("key", ["x-amz-date", "x-amz-content-sha256"])
def test_missing_required_header_is_incomplete_signature(key: str) -> None:
    with pytest.raises(SignatureError) as excinfo:
        parse_grpc_auth(_without(_sign(), key))
    assert _code(excinfo) == "IncompleteSignature"
    assert key in excinfo.value.message


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("x-amz-date", "2024-05-17T12:30:00Z"),
        ("x-amz-date", "20241317T123000Z"),
        ("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
        ("x-amz-content-sha256", "AB" * 32),
    ],
)
def test_garbled_header_is_incomplete_signature(key: str, value: str) -> None:
    with pytest.raises(SignatureError) as excinfo:
        parse_grpc_auth(_replace(_sign(), key, value))
    assert _code(excinfo) == "IncompleteSignature"
    assert f"`{value}`" in excinfo.value.message


def test_repeated_authorization_is_incomplete_signature() -> None:
    metadata = _sign()
    with pytest.raises(SignatureError) as excinfo:
        parse_grpc_auth([*metadata, ("authorization", _authorization(metadata))])
    assert _code(excinfo) == "IncompleteSignature"


def test_non_ascii_bytes_metadata_is_incomplete_signature() -> None:
    metadata: list[tuple[str, str | bytes]] = [*_without(_sign(), "x-amz-date")]
    metadata.append(("x-amz-date", b"\xff\xfe"))
    with pytest.raises(SignatureError) as excinfo:
        parse_grpc_auth(metadata)
    assert _code(excinfo) == "IncompleteSignature"


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        _sign(now=NOW.replace(tzinfo=None))


def test_signature_error_carries_code_and_message() -> None:
    error = SignatureError("SignatureDoesNotMatch", "bad")
    assert (error.code, error.message, str(error)) == (
        "SignatureDoesNotMatch",
        "bad",
        "SignatureDoesNotMatch: bad",
    )


# ---------------------------------------------------------------- primitives


def test_signing_key_matches_the_aws_documentation_example() -> None:
    # "Examples of how to derive a signing key for Signature Version 4" (AWS General Reference).
    key = signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam")
    assert key.hex() == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"


def test_signing_key_is_cached_and_bounded() -> None:
    signing_key.cache_clear()
    for _ in range(3):
        signing_key(SECRET, "20240517", "us-east-1", "iam")
    info = signing_key.cache_info()
    assert (info.hits, info.misses) == (2, 1)
    assert info.maxsize is not None


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/iamstore.v1.Iam/CreateUser", "/iamstore.v1.Iam/CreateUser"),
        ("", "/"),
        ("/a/b/../c/./d", "/a/c/d"),
        ("/a/b/..", "/a/"),
        ("/a%20b", "/a%2520b"),  # already encoded on the wire: encoded once more (non-S3 rule)
        ("/~user/é", "/~user/%C3%A9"),
    ],
)
def test_canonical_uri(path: str, expected: str) -> None:
    assert canonical_uri(path) == expected


def test_canonical_uri_without_normalization_keeps_segments() -> None:
    assert canonical_uri("//a/./b", normalize=False) == "//a/./b"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ""),
        ("b=2&a=1", "a=1&b=2"),
        ("flag&a=1", "a=1&flag="),
        ("a=x y&a=%41", "a=A&a=x%20y"),
        ("k=a+b", "k=a%2Bb"),
    ],
)
def test_canonical_query_string(query: str, expected: str) -> None:
    assert canonical_query_string(query) == expected


def test_module_exports_the_defaults() -> None:
    assert (sigv4.DEFAULT_HOST, sigv4.DEFAULT_REGION) == ("iamstore", "us-east-1")
