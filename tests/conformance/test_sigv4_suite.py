"""The official AWS Signature Version 4 test suite, run against iamstore.wire.sigv4's primitives.

AWS publishes the suite (raw `.req` requests with the expected canonical request `.creq`,
string to sign `.sts`, authorization `.authz` and signed request `.sreq`); a copy is kept
beside this file as test data (`aws4_testsuite/SOURCE` says which; refreshed by
`scripts/refresh-sigv4-vectors`), so the check needs no network.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from iamstore.wire.sigv4 import (
    authorization_header,
    canonical_request,
    compute_signature,
    credential_scope,
    signing_key,
    string_to_sign,
)

SUITE = Path(__file__).resolve().parent / "aws4_testsuite"

# The suite's fixed inputs (its documentation: the example credentials, region and service
# every case is signed with).
ACCESS_KEY_ID = "AKIDEXAMPLE"
SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
REGION = "us-east-1"
SERVICE = "service"

# Session-token cases whose .sreq carries an X-Amz-Security-Token that the .req lacks:
# - the signer is handed the token and signs it (the SigV4 rule iamstore follows: "add the
#   x-amz-security-token header ... include it in the canonical request");
TOKEN_ADDED_BY_SIGNER = frozenset({"get-vanilla-with-session-token"})
# - the token is appended after signing, unsigned, which some older services accept. Our
#   signer always signs a token (and the gRPC verifier demands it), so such a case is simply
#   signed from its .req without the token, which is exactly what its expected files say.
TOKEN_APPENDED_AFTER_SIGNING = frozenset({"post-sts-token/post-sts-header-after"})

MIN_EXPECTED_CASES = 30  # the 2015 suite has 34; fewer means discovery broke


def discover_cases(suite: Path) -> list[str]:
    """Case names (paths relative to the suite, `/`-separated) of folders `<name>/<name>.req`."""
    return sorted(
        req.parent.relative_to(suite).as_posix()
        for req in suite.rglob("*.req")
        if req.stem == req.parent.name
    )


CASES = discover_cases(SUITE)


@dataclass(frozen=True, slots=True)
class RawRequest:
    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]
    body: bytes


def parse_raw_request(raw: bytes) -> RawRequest:
    """Parses a suite .req file: HTTP/1.1 as written, except that the request target is not
    percent-encoded (it may hold spaces and UTF-8), and header lines may be folded."""
    text = raw.decode("utf-8").replace("\r\n", "\n")
    head, _, body = text.partition("\n\n")
    request_line, *header_lines = head.split("\n")
    method, _, rest = request_line.partition(" ")
    target, _, _version = rest.rpartition(" ")
    path, _, query = target.partition("?")
    headers: list[tuple[str, str]] = []
    for line in header_lines:
        if not line:  # a file may end its header block with a lone newline and no body
            continue
        if line[:1] in (" ", "\t") and headers:  # obs-fold: continues the previous value
            name, value = headers[-1]
            headers[-1] = (name, f"{value}\n{line}")
            continue
        name, _, value = line.partition(":")
        headers.append((name, value))
    return RawRequest(method, path, query, headers, body.encode("utf-8"))


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    return next((v.strip() for k, v in headers if k.lower() == name), None)


def _expected(case: str, suffix: str) -> str:
    folder = SUITE / case
    return (folder / f"{folder.name}{suffix}").read_text(encoding="utf-8").replace("\r", "")


def _signing_headers(case: str) -> list[tuple[str, str]]:
    folder = SUITE / case
    headers = parse_raw_request((folder / f"{folder.name}.req").read_bytes()).headers
    if case in TOKEN_ADDED_BY_SIGNER:
        signed = parse_raw_request((folder / f"{folder.name}.sreq").read_bytes()).headers
        token = _header(signed, "x-amz-security-token")
        assert token is not None, f"{case}.sreq has no x-amz-security-token"
        headers = [*headers, ("X-Amz-Security-Token", token)]
    return headers


@pytest.mark.parametrize("case", CASES)
def test_sigv4_suite_case(case: str) -> None:
    """Canonical request, string to sign and authorization each equal the suite's files."""
    folder = SUITE / case
    raw = parse_raw_request((folder / f"{folder.name}.req").read_bytes())
    headers = _signing_headers(case)
    amz_date = _header(headers, "x-amz-date")
    assert amz_date is not None, f"{case}.req has no x-amz-date"

    request = canonical_request(
        raw.method, raw.path, raw.query, headers, hashlib.sha256(raw.body).hexdigest()
    )
    scope = credential_scope(amz_date[:8], REGION, SERVICE)
    to_sign = string_to_sign(amz_date, scope, request.text)
    signature = compute_signature(
        signing_key(SECRET_ACCESS_KEY, amz_date[:8], REGION, SERVICE), to_sign
    )
    authorization = authorization_header(ACCESS_KEY_ID, scope, request.signed_headers, signature)

    assert request.text == _expected(case, ".creq")
    assert to_sign == _expected(case, ".sts")
    assert authorization == _expected(case, ".authz")


def test_sigv4_suite_is_complete() -> None:
    """Discovery found the whole suite, so a broken walk cannot pass by running nothing."""
    assert len(CASES) >= MIN_EXPECTED_CASES, CASES
    for case in TOKEN_ADDED_BY_SIGNER | TOKEN_APPENDED_AFTER_SIGNING:
        assert case in CASES


def test_every_unsigned_token_case_is_classified() -> None:
    """Each case whose .sreq adds a session token absent from its .req is one we explain."""
    suite = SUITE
    adds_token = set()
    for case in CASES:
        folder = suite / case
        req = parse_raw_request((folder / f"{folder.name}.req").read_bytes()).headers
        sreq = parse_raw_request((folder / f"{folder.name}.sreq").read_bytes()).headers
        if _header(sreq, "x-amz-security-token") and not _header(req, "x-amz-security-token"):
            adds_token.add(case)
    assert adds_token == TOKEN_ADDED_BY_SIGNER | TOKEN_APPENDED_AFTER_SIGNING
