"""AWS Signature Version 4: the generic primitives and their use to sign and verify gRPC calls.

The primitives follow the SigV4 specification ("Create a canonical request", "Create a string
to sign", "Calculate the signature") and are checked against the official AWS SigV4 test suite.
The gRPC profile built on them signs `POST <method path>` with a logical host, the SHA-256 of
the exact serialized request bytes and the request date, carried in gRPC metadata.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote, unquote

DEFAULT_HOST = "iamstore"
DEFAULT_REGION = "us-east-1"

ALGORITHM = "AWS4-HMAC-SHA256"
TERMINATOR = "aws4_request"
EMPTY_PAYLOAD_SHA256 = hashlib.sha256(b"").hexdigest()

# gRPC metadata keys (gRPC requires lowercase keys).
AUTHORIZATION_KEY = "authorization"
DATE_KEY = "x-amz-date"
CONTENT_SHA256_KEY = "x-amz-content-sha256"
SECURITY_TOKEN_KEY = "x-amz-security-token"
HOST_HEADER = "host"

_STS_PREFIX = "/iamstore.v1.Sts/"
_AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
_AMZ_DATE_RE = re.compile(r"[0-9]{8}T[0-9]{6}Z")
_SHA256_HEX_RE = re.compile(r"[0-9a-f]{64}")


class SignatureError(Exception):
    """A request whose signature is missing, malformed or wrong, with its AWS error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


# --------------------------------------------------------------------------------------------
# Generic SigV4 primitives
# --------------------------------------------------------------------------------------------


def uri_encode(value: str, *, keep_slash: bool = False) -> str:
    """Percent-encodes every byte of the UTF-8 form except the unreserved `A-Za-z0-9-_.~`.

    The spec asks for uppercase hex digits and `%20` for a space, which is what `quote` does.
    """
    return quote(value, safe="/~" if keep_slash else "~")


def _normalize_path(path: str) -> str:
    # RFC 3986 section 5.2.4 dot-segment removal, plus collapsing empty segments ("//"),
    # which the SigV4 suite's normalize-path cases require for every service except S3.
    segments: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if segments:
                segments.pop()
            continue
        segments.append(segment)
    if not segments:
        return "/"
    last = path.rsplit("/", 1)[-1]
    trailing = "/" if path.endswith("/") or last in (".", "..") else ""
    return "/" + "/".join(segments) + trailing


@functools.lru_cache(maxsize=256)
def canonical_uri(path: str, *, normalize: bool = True) -> str:
    """The canonical URI of `path` as it appears in the request line.

    The path is normalized (unless `normalize` is false, as for S3) and every byte is encoded
    once more, so a path already percent-encoded on the wire ends up encoded twice, as the spec
    requires for services other than S3. Cached: gRPC method paths repeat on every call.
    """
    if not path:
        return "/"
    return uri_encode(_normalize_path(path) if normalize else path, keep_slash=True)


def canonical_query_string(query: str) -> str:
    """The canonical query string of a raw query (the part after `?`, without `#fragment`).

    Each name and value is decoded and then encoded per the spec (so `%41` and `A` sign alike,
    and `+` stays a literal plus); a parameter without `=` gets an empty value; parameters are
    sorted by encoded name, then by encoded value, keeping duplicates.
    """
    if not query:
        return ""
    pairs: list[tuple[str, str]] = []
    for item in query.split("&"):
        if not item:
            continue
        name, _, value = item.partition("=")
        pairs.append((uri_encode(unquote(name)), uri_encode(unquote(value))))
    pairs.sort()
    return "&".join(f"{name}={value}" for name, value in pairs)


def _trim_header_value(value: str) -> str:
    # "Trimall": strip, and turn each run of whitespace (a folded line included) into one space.
    return " ".join(value.split())


@dataclass(frozen=True, slots=True)
class CanonicalRequest:
    """A canonical request's text and its `SignedHeaders` list (`;`-joined, sorted)."""

    text: str
    signed_headers: str


def canonical_request(
    method: str,
    path: str,
    query: str,
    headers: Iterable[tuple[str, str]],
    payload_hash: str,
    *,
    normalize_path: bool = True,
) -> CanonicalRequest:
    """Builds the canonical request; every header given is signed.

    Header names are lowercased and sorted; values are trimmed; repeated headers are joined
    with `,` in the order they were given.
    """
    merged: dict[str, list[str]] = {}
    for name, value in headers:
        merged.setdefault(name.lower(), []).append(_trim_header_value(value))
    names = sorted(merged)
    canonical_headers = "".join(f"{name}:{','.join(merged[name])}\n" for name in names)
    signed_headers = ";".join(names)
    text = "\n".join(
        (
            method.upper(),
            canonical_uri(path, normalize=normalize_path),
            canonical_query_string(query),
            canonical_headers,
            signed_headers,
            payload_hash,
        )
    )
    return CanonicalRequest(text=text, signed_headers=signed_headers)


def credential_scope(date_stamp: str, region: str, service: str) -> str:
    return f"{date_stamp}/{region}/{service}/{TERMINATOR}"


def string_to_sign(amz_date: str, scope: str, canonical_request_text: str) -> str:
    digest = hashlib.sha256(canonical_request_text.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{amz_date}\n{scope}\n{digest}"


@functools.lru_cache(maxsize=64)
def signing_key(secret_access_key: str, date_stamp: str, region: str, service: str) -> bytes:
    """kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), terminator).

    Cached per (secret, date, region, service): four HMACs saved on every call after the first
    of the day; the bound keeps the cache small whatever the number of callers.
    """
    key = ("AWS4" + secret_access_key).encode("utf-8")
    for part in (date_stamp, region, service, TERMINATOR):
        key = hmac.digest(key, part.encode("utf-8"), "sha256")
    return key


def compute_signature(key: bytes, string_to_sign_text: str) -> str:
    # Not hmac.digest: with OpenSSL 3 its one-shot form looks the digest up on every call
    # and measured slower than an HMAC object here.
    return hmac.new(key, string_to_sign_text.encode("utf-8"), "sha256").hexdigest()


def authorization_header(
    access_key_id: str, scope: str, signed_headers: str, signature: str
) -> str:
    return (
        f"{ALGORITHM} Credential={access_key_id}/{scope}, "
        f"SignedHeaders={signed_headers}, Signature={signature}"
    )


def format_amz_date(moment: datetime.datetime) -> str:
    """ISO 8601 basic format in UTC (`20150830T123600Z`); `moment` must be timezone-aware."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"`{moment!r}` is not timezone-aware")
    return moment.astimezone(datetime.UTC).strftime(_AMZ_DATE_FORMAT)


def parse_amz_date(value: str) -> datetime.datetime | None:
    """An `X-Amz-Date` value (ISO 8601 basic format, UTC) as a datetime; None when malformed."""
    # INVARIANT: the pattern admits exactly 8 digits, `T`, 6 digits, `Z` (ASCII digits only:
    # `\d` would also take other scripts' digits, which int() reads), so the slices below are
    # the fields.
    if _AMZ_DATE_RE.fullmatch(value) is None:
        return None
    try:
        return datetime.datetime(
            int(value[0:4]),
            int(value[4:6]),
            int(value[6:8]),
            int(value[9:11]),
            int(value[11:13]),
            int(value[13:15]),
            tzinfo=datetime.UTC,
        )
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------
# The gRPC profile
# --------------------------------------------------------------------------------------------


def service_for_method(method_path: str) -> str:
    """The signing service of a gRPC method: `sts` for the Sts service, else `iam`."""
    return "sts" if method_path.startswith(_STS_PREFIX) else "iam"


def _grpc_headers(
    host: str, content_sha256: str, amz_date: str, session_token: str | None
) -> list[tuple[str, str]]:
    headers = [
        (HOST_HEADER, host),
        (CONTENT_SHA256_KEY, content_sha256),
        (DATE_KEY, amz_date),
    ]
    if session_token is not None:
        headers.append((SECURITY_TOKEN_KEY, session_token))
    return headers


def _grpc_signature(
    *,
    secret_access_key: str,
    method_path: str,
    headers: list[tuple[str, str]],
    payload_hash: str,
    amz_date: str,
    region: str,
    service: str,
) -> tuple[str, str]:
    """(signed headers, signature) of a gRPC call: `POST <method path>`, empty query."""
    request = canonical_request("POST", method_path, "", headers, payload_hash)
    scope = credential_scope(amz_date[:8], region, service)
    key = signing_key(secret_access_key, amz_date[:8], region, service)
    return request.signed_headers, compute_signature(
        key, string_to_sign(amz_date, scope, request.text)
    )


def sign_grpc(
    *,
    method_path: str,
    body: bytes,
    access_key_id: str,
    secret_access_key: str,
    session_token: str | None,
    region: str,
    host: str,
    now: datetime.datetime,
) -> list[tuple[str, str]]:
    """The metadata pairs that sign one gRPC call whose serialized request is `body`."""
    amz_date = format_amz_date(now)
    payload_hash = hashlib.sha256(body).hexdigest()
    token = session_token or None
    service = service_for_method(method_path)
    signed_headers, signature = _grpc_signature(
        secret_access_key=secret_access_key,
        method_path=method_path,
        headers=_grpc_headers(host, payload_hash, amz_date, token),
        payload_hash=payload_hash,
        amz_date=amz_date,
        region=region,
        service=service,
    )
    scope = credential_scope(amz_date[:8], region, service)
    metadata = [
        (AUTHORIZATION_KEY, authorization_header(access_key_id, scope, signed_headers, signature)),
        (DATE_KEY, amz_date),
        (CONTENT_SHA256_KEY, payload_hash),
    ]
    if token is not None:
        metadata.append((SECURITY_TOKEN_KEY, token))
    return metadata


@dataclass(frozen=True, slots=True)
class ParsedAuthorization:
    """What a signed gRPC call claims, read from its metadata; not yet verified."""

    access_key_id: str
    date_stamp: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: str
    content_sha256: str
    security_token: str | None


def incomplete_signature(message: str) -> SignatureError:
    """AWS's IncompleteSignature: a signature that lacks a part it needs."""
    return SignatureError("IncompleteSignature", message)


def signature_mismatch(message: str) -> SignatureError:
    """AWS's SignatureDoesNotMatch: a signature that does not check out."""
    return SignatureError("SignatureDoesNotMatch", message)


def _read_auth_metadata(metadata: Sequence[tuple[str, str | bytes]]) -> dict[str, str]:
    wanted = (AUTHORIZATION_KEY, DATE_KEY, CONTENT_SHA256_KEY, SECURITY_TOKEN_KEY)
    found: dict[str, str] = {}
    for key, value in metadata:
        name = key.lower()
        if name not in wanted:
            continue
        if name in found:
            raise incomplete_signature(f"metadata `{name}` must appear only once")
        if isinstance(value, bytes):
            try:
                value = value.decode("ascii")
            except UnicodeDecodeError:
                raise incomplete_signature(f"metadata `{name}` is not ascii") from None
        found[name] = value
    return found


def _authorization_parameters(value: str) -> dict[str, str]:
    # "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..."; AWS accepts the
    # parameters separated by commas, spaces or both.
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise incomplete_signature(f"unsupported aws 'algorithm': `{algorithm}` (only {ALGORITHM})")
    parameters: dict[str, str] = {}
    for item in rest.replace(",", " ").split():
        name, sep, item_value = item.partition("=")
        if sep:
            parameters[name] = item_value
    missing = [
        f"authorization header requires '{name}' parameter."
        for name in ("Credential", "SignedHeaders", "Signature")
        if not parameters.get(name)
    ]
    if missing:
        raise incomplete_signature(" ".join(missing))
    return parameters


@dataclass(frozen=True, slots=True)
class SignatureClaim:
    """What a SigV4 `Credential`, `SignedHeaders` and `Signature` claim; not yet verified."""

    access_key_id: str
    date_stamp: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str


def parse_signature_claim(credential: str, signed_headers: str, signature: str) -> SignatureClaim:
    """Checks the form of a credential scope (`keyid/date/region/service/aws4_request`).

    Shared by the gRPC profile, the HTTP Authorization header and presigned query strings.
    """
    parts = credential.split("/")
    if len(parts) != 5 or not all(parts):
        raise incomplete_signature(
            "credential must have exactly 5 slash-delimited elements, "
            f"e.g. keyid/date/region/service/term, got `{credential}`"
        )
    access_key_id, date_stamp, region, service, terminator = parts
    if terminator != TERMINATOR:
        raise incomplete_signature(
            f"credential should be scoped with a valid terminator: '{TERMINATOR}', "
            f"not `{terminator}`"
        )
    return SignatureClaim(
        access_key_id=access_key_id,
        date_stamp=date_stamp,
        region=region,
        service=service,
        signed_headers=tuple(signed_headers.split(";")),
        signature=signature,
    )


def parse_authorization_value(value: str) -> SignatureClaim:
    """The claim of an `Authorization: AWS4-HMAC-SHA256 Credential=..., ...` value."""
    parameters = _authorization_parameters(value)
    return parse_signature_claim(
        parameters["Credential"], parameters["SignedHeaders"], parameters["Signature"]
    )


def parse_grpc_auth(metadata: Sequence[tuple[str, str | bytes]]) -> ParsedAuthorization:
    """Reads and checks the form of a call's signature metadata; verifies nothing yet.

    Raises SignatureError: MissingAuthenticationToken when there is no `authorization`,
    IncompleteSignature when it or the headers it needs are malformed or absent.
    """
    found = _read_auth_metadata(metadata)
    authorization = found.get(AUTHORIZATION_KEY)
    if authorization is None:
        raise SignatureError(
            "MissingAuthenticationToken", "request is missing authentication token"
        )
    claim = parse_authorization_value(authorization)
    amz_date = found.get(DATE_KEY)
    if amz_date is None:
        raise incomplete_signature(
            "authorization header requires existence of a 'x-amz-date' header"
        )
    if parse_amz_date(amz_date) is None:
        raise incomplete_signature(f"date must be in iso-8601 'basic format', got `{amz_date}`")
    content_sha256 = found.get(CONTENT_SHA256_KEY)
    if content_sha256 is None:
        raise incomplete_signature(f"missing required header `{CONTENT_SHA256_KEY}`")
    if _SHA256_HEX_RE.fullmatch(content_sha256) is None:
        raise incomplete_signature(
            f"`{CONTENT_SHA256_KEY}` must be a lowercase hex sha-256, got `{content_sha256}`"
        )
    return ParsedAuthorization(
        access_key_id=claim.access_key_id,
        date_stamp=claim.date_stamp,
        region=claim.region,
        service=claim.service,
        signed_headers=claim.signed_headers,
        signature=claim.signature,
        amz_date=amz_date,
        content_sha256=content_sha256,
        security_token=found.get(SECURITY_TOKEN_KEY),
    )


def check_clock_skew(amz_date: str, now: datetime.datetime, max_skew: datetime.timedelta) -> None:
    """Raises SignatureDoesNotMatch, in AWS's words, when `amz_date` is outside the window."""
    # AWS IAM and STS answer SignatureDoesNotMatch with these exact sentences (their window is
    # 15 minutes, ours is `max_skew`); clients recognise them to correct their clock, so they
    # keep AWS's wording and capitals.
    signed_at = parse_amz_date(amz_date)
    if signed_at is None:  # parse_grpc_auth already rejects this; a hand-built value may not
        raise incomplete_signature(f"date must be in iso-8601 'basic format', got `{amz_date}`")
    check_signed_at(signed_at, amz_date, now, max_skew)


def check_signed_at(
    signed_at: datetime.datetime,
    amz_date: str,
    now: datetime.datetime,
    max_skew: datetime.timedelta,
) -> None:
    """`check_clock_skew` for a date already parsed (`signed_at` is `amz_date`'s value)."""
    if now - max_skew <= signed_at <= now + max_skew:
        return
    minutes = f"{max_skew.total_seconds() / 60:g} min."
    if signed_at < now - max_skew:
        raise signature_mismatch(
            f"Signature expired: {amz_date} is now earlier than "
            f"{format_amz_date(now - max_skew)} ({format_amz_date(now)} - {minutes})"
        )
    if signed_at > now + max_skew:
        raise signature_mismatch(
            f"Signature not yet current: {amz_date} is still later than "
            f"{format_amz_date(now + max_skew)} ({format_amz_date(now)} + {minutes})"
        )


def _signed_header_values(
    parsed: ParsedAuthorization, host: str, payload_hash: str
) -> list[tuple[str, str]]:
    signed = set(parsed.signed_headers)
    for required in (HOST_HEADER, DATE_KEY):
        if required not in signed:
            raise signature_mismatch(
                f"'{required}' must be a 'SignedHeader' in the aws authorization"
            )
    if parsed.security_token is not None and SECURITY_TOKEN_KEY not in signed:
        raise signature_mismatch(
            f"'{SECURITY_TOKEN_KEY}' must be a 'SignedHeader' when a session token is sent"
        )
    available = {
        HOST_HEADER: host,
        DATE_KEY: parsed.amz_date,
        CONTENT_SHA256_KEY: payload_hash,
    }
    if parsed.security_token is not None:
        available[SECURITY_TOKEN_KEY] = parsed.security_token
    headers: list[tuple[str, str]] = []
    for name in parsed.signed_headers:
        value = available.get(name)
        if value is None:
            raise signature_mismatch(f"signed header `{name}` is not sent with the request")
        headers.append((name, value))
    return headers


def verify_grpc(
    parsed: ParsedAuthorization,
    *,
    secret_access_key: str,
    method_path: str,
    body: bytes,
    host: str,
    region: str,
    now: datetime.datetime,
    max_skew: datetime.timedelta = datetime.timedelta(minutes=5),
) -> None:
    """Checks a parsed signature against the call's own method path, wire bytes and clock.

    Raises SignatureError (SignatureDoesNotMatch, or IncompleteSignature for a hand-built
    ParsedAuthorization whose date is malformed); returns None when the signature is good.
    """
    amz_date_stamp = parsed.amz_date[:8]
    if parsed.date_stamp != amz_date_stamp:
        raise signature_mismatch(
            "date in credential scope does not match yyyymmdd from iso-8601 version of date "
            f"from http: `{parsed.date_stamp}` != `{amz_date_stamp}`, from 'x-amz-date'"
        )
    check_clock_skew(parsed.amz_date, now, max_skew)
    if parsed.region != region:
        raise signature_mismatch(
            f"credential should be scoped to a valid region, not `{parsed.region}`"
        )
    service = service_for_method(method_path)
    if parsed.service != service:
        raise signature_mismatch(f"credential should be scoped to correct service: '{service}'")
    payload_hash = hashlib.sha256(body).hexdigest()
    # The payload hash is no secret: a plain comparison leaks nothing.
    if payload_hash != parsed.content_sha256:
        raise signature_mismatch(
            f"the provided '{CONTENT_SHA256_KEY}' header does not match what was computed"
        )
    _, expected = _grpc_signature(
        secret_access_key=secret_access_key,
        method_path=method_path,
        headers=_signed_header_values(parsed, host, payload_hash),
        payload_hash=payload_hash,
        amz_date=parsed.amz_date,
        region=region,
        service=service,
    )
    if not hmac.compare_digest(expected.encode("ascii"), parsed.signature.encode("utf-8")):
        raise signature_mismatch(
            "the request signature we calculated does not match the signature you provided; "
            "check your secret access key and signing method"
        )
