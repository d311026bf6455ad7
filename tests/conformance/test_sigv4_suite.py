"""The official AWS Signature Version 4 test suite, run against client.wire.sigv4's primitives.

AWS publishes the suite (raw `.req` requests with the expected canonical request `.creq`,
string to sign `.sts`, authorization `.authz` and signed request `.sreq`); botocore ships a
copy in its source distribution. This module downloads that sdist for the installed botocore
version from PyPI once, keeps the suite under `.cache/` and checks every case.

Without network access to PyPI the tests FAIL (they do not skip): a conformance check that
silently stops running is worse than none.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import shutil
import subprocess
import sys
import tarfile
import tempfile
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

REPO_ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = REPO_ROOT / ".cache" / "sigv4-suite"
SUITE_FOLDER = "aws4_testsuite"
COMPLETE_MARKER = ".complete"
DOWNLOAD_TIMEOUT_SECONDS = 600

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


class SuiteUnavailableError(Exception):
    """The test suite could not be downloaded or found in the botocore sdist."""


def _download_sdist(version: str, into: Path) -> Path:
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--disable-pip-version-check",
        "--no-binary",
        ":all:",
        "--no-deps",
        f"botocore=={version}",
        "-d",
        str(into),
    ]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=DOWNLOAD_TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        raise SuiteUnavailableError(
            f"`pip download botocore=={version}` timed out after {DOWNLOAD_TIMEOUT_SECONDS}s; "
            "this test needs network access to pypi"
        ) from None
    archives = sorted(into.glob("botocore-*.tar.gz"))
    if result.returncode != 0 or not archives:
        tail = " | ".join((result.stderr or result.stdout).strip().splitlines()[-3:])
        raise SuiteUnavailableError(
            f"could not download the botocore=={version} source distribution from pypi, which "
            f"holds the aws sigv4 test suite; this test needs network access to pypi ({tail})"
        )
    return archives[0]


def _extract_suite(archive: Path, into: Path) -> Path:
    """Extracts only the suite's folder; returns it."""
    with tarfile.open(archive, "r:gz") as tar:
        members = [m for m in tar.getmembers() if SUITE_FOLDER in Path(m.name).parts]
        if not any(m.name.endswith(".req") for m in members):
            raise SuiteUnavailableError(
                f"`{archive.name}` has no `{SUITE_FOLDER}` folder with .req files"
            )
        tar.extractall(into, members=members, filter="data")
    first = Path(members[0].name).parts
    return into.joinpath(*first[: first.index(SUITE_FOLDER) + 1])


def fetch_suite() -> Path:
    """The suite folder, downloaded and extracted on first use (atomically, then cached)."""
    version = importlib.metadata.version("botocore")
    target = CACHE_DIR / f"botocore-{version}"
    if (target / COMPLETE_MARKER).exists():
        return target / SUITE_FOLDER
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE_DIR) as scratch:
        scratch_path = Path(scratch)
        archive = _download_sdist(version, scratch_path / "download")
        suite = _extract_suite(archive, scratch_path / "extract")
        staged = scratch_path / "staged"
        staged.mkdir()
        shutil.move(suite, staged / SUITE_FOLDER)
        (staged / COMPLETE_MARKER).write_text(f"botocore {version}\n")
        shutil.rmtree(target, ignore_errors=True)
        staged.rename(target)
    return target / SUITE_FOLDER


def discover_cases(suite: Path) -> list[str]:
    """Case names (paths relative to the suite, `/`-separated) of folders `<name>/<name>.req`."""
    return sorted(
        req.parent.relative_to(suite).as_posix()
        for req in suite.rglob("*.req")
        if req.stem == req.parent.name
    )


# Fetched at collection, because the cases parametrize the test. A failure becomes one case
# that fails with the reason, so the rest of the test run still goes ahead.
SUITE: Path | None = None
UNAVAILABLE: str | None = None
try:
    SUITE = fetch_suite()
    CASES = discover_cases(SUITE)
except SuiteUnavailableError as error:
    CASES, UNAVAILABLE = ["suite-unavailable"], str(error)


def _suite() -> Path:
    if SUITE is None:
        pytest.fail(f"aws sigv4 test suite unavailable: {UNAVAILABLE}", pytrace=False)
    return SUITE


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
    folder = _suite() / case
    return (folder / f"{folder.name}{suffix}").read_text(encoding="utf-8").replace("\r", "")


def _signing_headers(case: str) -> list[tuple[str, str]]:
    folder = _suite() / case
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
    folder = _suite() / case
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
    _suite()
    assert len(CASES) >= MIN_EXPECTED_CASES, CASES
    for case in TOKEN_ADDED_BY_SIGNER | TOKEN_APPENDED_AFTER_SIGNING:
        assert case in CASES


def test_every_unsigned_token_case_is_classified() -> None:
    """Each case whose .sreq adds a session token absent from its .req is one we explain."""
    suite = _suite()
    adds_token = set()
    for case in CASES:
        folder = suite / case
        req = parse_raw_request((folder / f"{folder.name}.req").read_bytes()).headers
        sreq = parse_raw_request((folder / f"{folder.name}.sreq").read_bytes()).headers
        if _header(sreq, "x-amz-security-token") and not _header(req, "x-amz-security-token"):
            adds_token.add(case)
    assert adds_token == TOKEN_ADDED_BY_SIGNER | TOKEN_APPENDED_AFTER_SIGNING
