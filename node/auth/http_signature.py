"""SigV4 on an HTTP request another service received: parse its claims, verify its signature.

A service that authenticates its own callers with AWS Signature Version 4 cannot check a
signature itself (it holds no one's secret); it passes the request to `Authorize` and the node
verifies it here, as AWS services have AWS verify theirs. The canonical request, scope and
signing key are the shared ones of iamstore.wire.sigv4; only reading an HTTP request's
headers is this module's. Pure: the clock is an argument.
"""

from __future__ import annotations

import datetime
import hmac
import re
from dataclasses import dataclass

from iamstore.wire.sigv4 import (
    ALGORITHM,
    TERMINATOR,
    SignatureError,
    canonical_request,
    compute_signature,
    credential_scope,
    format_amz_date,
    incomplete_signature,
    signature_mismatch,
    signing_key,
    string_to_sign,
)

AUTHORIZATION = "authorization"
AMZ_DATE = "x-amz-date"
SECURITY_TOKEN = "x-amz-security-token"
# Bounds on what one request may carry, far above any real request's.
MAX_HEADERS = 100
MAX_HEADER_CHARS = 16_384
_SHA256_HEX = re.compile(r"[0-9a-f]{64}\Z")
_AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True, slots=True)
class SignedHttpRequest:
    """An HTTP request as the calling service received it."""

    method: str
    path: str
    query: str
    headers: tuple[tuple[str, str], ...]
    payload_sha256: str


@dataclass(frozen=True, slots=True)
class HttpSignature:
    """What a request's Authorization header claims; verified by `verify`."""

    access_key_id: str
    date_stamp: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: str
    security_token: str | None


def _single(request: SignedHttpRequest, name: str) -> str | None:
    values = [value for key, value in request.headers if key.lower() == name]
    if len(values) > 1:
        raise incomplete_signature(f"header `{name}` must appear only once")
    return values[0] if values else None


def parse(request: SignedHttpRequest) -> HttpSignature:
    """The request's signature claims; SignatureError when they are absent or malformed."""
    if len(request.headers) > MAX_HEADERS:
        raise incomplete_signature(f"a signed request may carry at most {MAX_HEADERS} headers")
    if sum(len(k) + len(v) for k, v in request.headers) > MAX_HEADER_CHARS:
        raise incomplete_signature(
            f"a signed request's headers may hold {MAX_HEADER_CHARS} chars at most"
        )
    authorization = _single(request, AUTHORIZATION)
    if authorization is None:
        raise SignatureError(
            "MissingAuthenticationToken", "request is missing authentication token"
        )
    algorithm, _, rest = authorization.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise incomplete_signature(f"unsupported aws 'algorithm': `{algorithm}` (only {ALGORITHM})")
    parameters: dict[str, str] = {}
    for item in rest.replace(",", " ").split():
        name, sep, value = item.partition("=")
        if sep:
            parameters[name] = value
    if not all(parameters.get(n) for n in ("Credential", "SignedHeaders", "Signature")):
        raise incomplete_signature("authorization needs Credential, SignedHeaders and Signature")
    credential = parameters["Credential"].split("/")
    if len(credential) != 5 or not all(credential) or credential[4] != TERMINATOR:
        raise incomplete_signature(f"malformed credential scope `{parameters['Credential']}`")
    amz_date = _single(request, AMZ_DATE)
    if amz_date is None:
        raise incomplete_signature(f"authorization needs a `{AMZ_DATE}` header")
    if _SHA256_HEX.match(request.payload_sha256) is None:
        raise incomplete_signature("`PayloadSha256` must be a lowercase hex sha-256")
    key_id, date_stamp, region, service, _ = credential
    return HttpSignature(
        access_key_id=key_id,
        date_stamp=date_stamp,
        region=region,
        service=service,
        signed_headers=tuple(parameters["SignedHeaders"].split(";")),
        signature=parameters["Signature"],
        amz_date=amz_date,
        security_token=_single(request, SECURITY_TOKEN),
    )


def verify(
    request: SignedHttpRequest,
    signature: HttpSignature,
    *,
    secret_access_key: str,
    now: datetime.datetime,
    max_skew: datetime.timedelta,
) -> None:
    """Raises SignatureError unless `signature` is the key's over this request, made within
    `max_skew` of `now` (AWS's replay window for SigV4)."""
    try:
        signed_at = datetime.datetime.strptime(signature.amz_date, _AMZ_DATE_FORMAT).replace(
            tzinfo=datetime.UTC
        )
    except ValueError:
        raise incomplete_signature(
            f"date must be in iso-8601 'basic format', got `{signature.amz_date}`"
        ) from None
    if signature.date_stamp != signature.amz_date[:8]:
        raise signature_mismatch("date in credential scope does not match the date of `x-amz-date`")
    if abs(signed_at - now) > max_skew:
        raise signature_mismatch(
            f"Signature expired or not yet current: {signature.amz_date} is more than "
            f"{max_skew.total_seconds() / 60:g} min. from {format_amz_date(now)}"
        )
    signed = set(signature.signed_headers)
    if "host" not in signed or AMZ_DATE not in signed:
        raise signature_mismatch("'host' and 'x-amz-date' must be signed headers")
    if signature.security_token is not None and SECURITY_TOKEN not in signed:
        raise signature_mismatch(f"'{SECURITY_TOKEN}' must be a signed header when a token is sent")
    headers = [(k.lower(), v) for k, v in request.headers if k.lower() in signed]
    if {name for name, _ in headers} != signed:
        raise signature_mismatch("a signed header is not in the request")
    canonical = canonical_request(
        request.method, request.path, request.query, headers, request.payload_sha256
    )
    scope = credential_scope(signature.date_stamp, signature.region, signature.service)
    key = signing_key(secret_access_key, signature.date_stamp, signature.region, signature.service)
    expected = compute_signature(key, string_to_sign(signature.amz_date, scope, canonical.text))
    if not hmac.compare_digest(expected.encode("ascii"), signature.signature.encode("utf-8")):
        raise signature_mismatch(
            "the request signature does not match the signature computed for it"
        )
