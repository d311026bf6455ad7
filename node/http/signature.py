"""SigV4 over HTTP as AWS checks it: the Authorization header, or a presigned query string.

Both sign the request as it arrived: method, raw path, canonical query, the headers the
signer listed (Host included) and the SHA-256 of the body actually received, so a relayed
request (Vault's AWS auth method, aws-iam-authenticator's presigned GetCallerIdentity) verifies
at the node exactly as AWS verifies it. The primitives are iamstore.wire.sigv4's; this module
only reads where an HTTP request carries each part.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote_plus

from iamstore.wire.sigv4 import (
    ALGORITHM,
    SignatureClaim,
    SignatureError,
    canonical_request,
    check_signed_at,
    compute_signature,
    credential_scope,
    format_amz_date,
    parse_amz_date,
    parse_authorization_value,
    parse_signature_claim,
    signing_key,
    string_to_sign,
)

SIGNATURE_PARAMETER = "X-Amz-Signature"
# The presigned query string's own parameters (AWS "Authenticating Requests: Using Query
# Parameters"): never operation parameters.
PRESIGN_PARAMETERS = frozenset(
    {
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Date",
        "X-Amz-Expires",
        "X-Amz-SignedHeaders",
        SIGNATURE_PARAMETER,
        "X-Amz-Security-Token",
    }
)
# SigV4 presigned URLs live at most seven days.
MAX_EXPIRES_S = 604_800


@dataclass(frozen=True, slots=True)
class HttpSignature:
    """What a request's signature claims; verified only by `verify`."""

    claim: SignatureClaim
    amz_date: str
    signed_at: datetime.datetime  # `amz_date`'s value, read once
    security_token: str | None
    expires_s: int | None  # presigned requests only


def _incomplete(message: str) -> SignatureError:
    return SignatureError("IncompleteSignature", message)


def _mismatch(message: str) -> SignatureError:
    return SignatureError("SignatureDoesNotMatch", message)


def _single(headers: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = headers.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise _incomplete(f"header `{name}` must appear only once")
    return values[0]


def read_signature(
    headers: Mapping[str, Sequence[str]], query: Mapping[str, str]
) -> HttpSignature | None:
    """The request's signature (header or presigned), None when it carries neither.

    `headers` is keyed by lowercase name; `query` holds the decoded query parameters.
    """
    authorization = _single(headers, "authorization")
    presigned = any(name in query for name in PRESIGN_PARAMETERS if name != "X-Amz-Security-Token")
    if authorization is not None and presigned:
        raise _incomplete(
            "found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' "
            "as http header"
        )
    if authorization is not None:
        claim = parse_authorization_value(authorization)
        amz_date = _single(headers, "x-amz-date")
        if amz_date is None:
            raise _incomplete("authorization header requires existence of a 'x-amz-date' header")
        token = _single(headers, "x-amz-security-token")
        expires: int | None = None
    elif presigned:
        missing = [
            name
            for name in sorted(PRESIGN_PARAMETERS - {"X-Amz-Security-Token"})
            if not query.get(name)
        ]
        if missing:
            raise _incomplete(f"presigned request lacks {', '.join(missing)}")
        if query["X-Amz-Algorithm"] != ALGORITHM:
            raise _incomplete(f"unsupported 'X-Amz-Algorithm' (only {ALGORITHM})")
        claim = parse_signature_claim(
            query["X-Amz-Credential"], query["X-Amz-SignedHeaders"], query[SIGNATURE_PARAMETER]
        )
        amz_date = query["X-Amz-Date"]
        token = query.get("X-Amz-Security-Token")
        text = query["X-Amz-Expires"]
        if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_EXPIRES_S:
            raise _incomplete(f"'X-Amz-Expires' must be 1 to {MAX_EXPIRES_S} seconds")
        expires = int(text)
    else:
        return None
    signed_at = parse_amz_date(amz_date)
    if signed_at is None:
        raise _incomplete(f"date must be in iso-8601 'basic format', got `{amz_date}`")
    return HttpSignature(claim, amz_date, signed_at, token, expires)


def _check_time(
    signature: HttpSignature, now: datetime.datetime, max_skew: datetime.timedelta
) -> None:
    signed_at = signature.signed_at
    if signature.expires_s is None:
        check_signed_at(signed_at, signature.amz_date, now, max_skew)
        return
    if signed_at > now + max_skew:
        raise _mismatch(
            f"Signature not yet current: {signature.amz_date} is still later than "
            f"{format_amz_date(now + max_skew)}"
        )
    if now > signed_at + datetime.timedelta(seconds=signature.expires_s):
        # AWS's common error for a presigned URL used after its expiry.
        raise SignatureError("RequestExpired", "Request has expired")


def _signed_headers(
    signature: HttpSignature, headers: Mapping[str, Sequence[str]]
) -> list[tuple[str, str]]:
    names = signature.claim.signed_headers
    required = ("host",) if signature.expires_s is not None else ("host", "x-amz-date")
    for name in required:
        if name not in names:
            raise _mismatch(f"'{name}' must be a 'SignedHeader' in the aws authorization")
    if (
        signature.expires_s is None
        and signature.security_token is not None
        and "x-amz-security-token" not in names
    ):
        raise _mismatch("'x-amz-security-token' must be a 'SignedHeader' when a token is sent")
    pairs: list[tuple[str, str]] = []
    for name in names:
        values = headers.get(name)
        if not values:
            raise _mismatch(f"signed header `{name}` is not sent with the request")
        pairs.extend((name, value) for value in values)
    return pairs


def _query_without_signature(raw_query: str) -> str:
    return "&".join(
        item
        for item in raw_query.split("&")
        if unquote_plus(item.partition("=")[0]) != SIGNATURE_PARAMETER
    )


def verify(
    signature: HttpSignature,
    *,
    secret_access_key: str,
    method: str,
    raw_path: str,
    raw_query: str,
    headers: Mapping[str, Sequence[str]],
    body: bytes,
    region: str,
    service: str,
    now: datetime.datetime,
    max_skew: datetime.timedelta,
) -> None:
    """Raises SignatureError unless `signature` signs this request with this secret."""
    claim = signature.claim
    if claim.date_stamp != signature.amz_date[:8]:
        raise _mismatch(
            "date in credential scope does not match yyyymmdd from iso-8601 version of date "
            f"from http: `{claim.date_stamp}` != `{signature.amz_date[:8]}`"
        )
    _check_time(signature, now, max_skew)
    if claim.region != region:
        raise _mismatch(f"credential should be scoped to a valid region, not `{claim.region}`")
    if claim.service != service:
        raise _mismatch(f"credential should be scoped to correct service: '{service}'")
    # INVARIANT: the payload hash is always computed from the bytes received, never taken
    # from the request: an unsigned (`UNSIGNED-PAYLOAD`) body would let anyone rewrite the
    # operation's parameters under a valid signature.
    payload_hash = hashlib.sha256(body).hexdigest()
    claimed_hash = _single(headers, "x-amz-content-sha256")
    if claimed_hash is not None and claimed_hash != payload_hash:
        raise _mismatch("the provided 'x-amz-content-sha256' header does not match the body")
    query = raw_query if signature.expires_s is None else _query_without_signature(raw_query)
    request = canonical_request(
        method, raw_path, query, _signed_headers(signature, headers), payload_hash
    )
    scope = credential_scope(claim.date_stamp, region, service)
    key = signing_key(secret_access_key, claim.date_stamp, region, service)
    expected = compute_signature(key, string_to_sign(signature.amz_date, scope, request.text))
    if not hmac.compare_digest(expected.encode("ascii"), claim.signature.encode("utf-8")):
        raise _mismatch(
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. "
            "Consult the service documentation for details."
        )
