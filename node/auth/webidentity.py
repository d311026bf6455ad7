"""Web identity tokens (OIDC JWTs): the issuer's signing keys, fetched and cached, and checks.

Keys come from the issuer's discovery document (`<issuer>/.well-known/openid-configuration`,
then its `jwks_uri`), fetched in a worker thread under node.auth.outbound's rules (public
addresses only, bounded time and size) and cached per issuer. Whatever goes wrong while
fetching, the caller gets one generic IDPCommunicationError (the detail goes to the node's
log), so the answer cannot be used to probe what listens at an address. A token
signed with a key id the cache does not hold triggers one refetch (the provider rotated its
keys), rate-limited per issuer (see REFETCH_BURST); a second miss refuses the token. Only
RS256 and ES256 are accepted: the algorithm is pinned before any key is used, so `alg: none`
and HMAC-with-the-public-key tokens never verify.

An issuer may instead have its key set configured as a local JWKS file (air-gapped clusters,
tests): its keys are read from that file, checked at start-up, re-read once for an unknown key
id (the file was rotated), and never fetched.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import jwt

from iamstore.node.auth.outbound import Fetcher, OutboundError, OutboundPolicy, parse_networks

log = logging.getLogger(__name__)
ALGORITHMS = ("RS256", "ES256")
# Loads of an issuer's keys are asked for by tokens not yet verified (an unknown `kid`), so
# they are rate-limited per issuer: a bucket of REFETCH_BURST loads that refills one every
# REFETCH_INTERVAL_S, and one load at a time; a caller that finds none left, or a load under
# way, is answered at once (nothing is held for an unauthenticated caller).
REFETCH_BURST = 3
REFETCH_INTERVAL_S = 10.0
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


class WebIdentityError(Exception):
    """A refused web identity token; `code` is AWS STS's error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _invalid(message: str) -> WebIdentityError:
    return WebIdentityError("InvalidIdentityToken", message)


# AWS STS's answer when it cannot get the provider's keys (AssumeRoleWithWebIdentity, "Errors":
# IDPCommunicationError), the same whatever the reason.
IDP_UNREACHABLE = (
    "couldn't retrieve verification key from your identity provider, please reference "
    "AssumeRoleWithWebIdentity documentation for requirements"
)


def _unreachable(issuer: str, detail: str) -> WebIdentityError:
    """The one generic error for a failed fetch; `detail` is logged, never answered."""
    log.warning("fetching the keys of oidc issuer `%s` failed: %s", issuer, detail)
    return WebIdentityError("IDPCommunicationError", IDP_UNREACHABLE)


def _issuer_key(issuer: str) -> str:
    """Issuers name the same provider with or without a trailing slash."""
    return issuer.rstrip("/")


def _key_set(data: object) -> dict[str, jwt.PyJWK]:
    """The keys with a key id of a JWKS document; PyJWTError or ValueError when unusable."""
    if not isinstance(data, dict):
        raise ValueError("a jwks is a json object with `keys`")
    key_set = jwt.PyJWKSet.from_dict(data)
    return {key.key_id: key for key in key_set.keys if key.key_id is not None}


def read_jwks_file(path: Path) -> dict[str, jwt.PyJWK]:
    """The keys of a local JWKS file; ValueError naming the file when it is unusable."""
    try:
        return _key_set(json.loads(path.read_bytes()))
    except OSError as exc:
        raise ValueError(f"cannot read the jwks file `{path}`: {exc.strerror}") from None
    except (ValueError, RecursionError, jwt.PyJWTError) as exc:
        raise ValueError(f"the jwks file `{path}` is not a usable key set: {exc}") from None


@dataclass(frozen=True, slots=True)
class Claims:
    """The verified claims AWS exposes to trust policies and in the response."""

    issuer: str
    subject: str
    audience: str
    amr: tuple[str, ...]
    raw: Mapping[str, object]


@dataclass(slots=True)
class _Loads:
    """An issuer's refetch bucket: loads left, and when it was last refilled."""

    left: float
    refilled: float


class JwksCache:
    """Signing keys per issuer; `fetch(url, timeout)` is injectable for tests (by default a
    node.auth.outbound Fetcher; a fetch failure is an OSError, ValueError or OutboundError),
    and so is `now()` (seconds, monotonic), the clock of the refetch buckets.

    `local_jwks` maps issuer URLs to JWKS files: those issuers' keys come from the files,
    read here (a missing or unusable file raises ValueError at start-up, not on a token).
    `allowed_networks` (CIDRs) may be fetched from even when private: air-gapped issuers.
    """

    def __init__(
        self,
        *,
        allow_insecure_loopback: bool = False,
        timeout_s: float = 5.0,
        fetch: Callable[[str, float], bytes] | None = None,
        local_jwks: Mapping[str, Path] | None = None,
        allowed_networks: Sequence[str] = (),
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._now = now
        self._loads: dict[str, _Loads] = {}
        self._loading: set[str] = set()
        self._allow_insecure_loopback = allow_insecure_loopback
        self._timeout_s = timeout_s
        if fetch is None:
            policy = OutboundPolicy(
                allowed_networks=parse_networks(allowed_networks),
                allow_insecure_loopback=allow_insecure_loopback,
                connect_timeout_s=timeout_s,
                read_timeout_s=timeout_s,
            )
            fetcher = Fetcher(policy)
            self._fetch: Callable[[str, float], bytes] = lambda url, _timeout: fetcher.get(url)
        else:
            self._fetch = fetch
        self._local = {_issuer_key(url): path for url, path in (local_jwks or {}).items()}
        self._keys: dict[str, dict[str, jwt.PyJWK]] = {
            issuer: read_jwks_file(path) for issuer, path in self._local.items()
        }

    def issuer_location(self, issuer: str) -> str:
        """The provider URL of an issuer (`https://` removed), or InvalidIdentityToken.

        Production issuers are https; a loopback http issuer is accepted only when the node
        was configured to allow it (tests serve their keys on 127.0.0.1).
        """
        parts = urlsplit(issuer)
        if parts.scheme == "https" and parts.hostname:
            return issuer[len("https://") :]
        if parts.scheme == "http" and self._allow_insecure_loopback and parts.hostname in _LOOPBACK:
            return issuer[len("http://") :]
        raise _invalid(f"the issuer `{issuer}` is not an https url")

    def _get_json(self, issuer: str, url: str) -> dict[str, object]:
        try:
            self.issuer_location(url)  # the same scheme rule for every url fetched
            data = json.loads(self._fetch(url, self._timeout_s))
        # RecursionError: an issuer's document nested deeper than the decoder recurses.
        except (OSError, ValueError, RecursionError, OutboundError, WebIdentityError) as exc:
            raise _unreachable(issuer, f"{url}: {exc}") from None
        if not isinstance(data, dict):
            raise _unreachable(issuer, f"`{url}` did not return a json object")
        return data

    def _load(self, issuer: str) -> dict[str, jwt.PyJWK]:
        local = self._local.get(_issuer_key(issuer))
        if local is not None:
            try:
                return read_jwks_file(local)
            except ValueError as exc:
                raise WebIdentityError(
                    "IDPCommunicationError",
                    f"couldn't read the verification keys configured for your identity "
                    f"provider ({exc})",
                ) from None
        discovery = self._get_json(issuer, issuer.rstrip("/") + "/.well-known/openid-configuration")
        jwks_uri = discovery.get("jwks_uri")
        if not isinstance(jwks_uri, str):
            raise _unreachable(issuer, "the discovery document has no jwks_uri")
        try:
            return _key_set(self._get_json(issuer, jwks_uri))
        except (ValueError, jwt.PyJWTError) as exc:
            raise _unreachable(issuer, f"unusable jwks: {exc}") from None

    def _may_load(self, name: str) -> bool:
        """Takes one load from the issuer's bucket; False when it is empty."""
        now = self._now()
        loads = self._loads.get(name)
        if loads is None:
            loads = self._loads[name] = _Loads(REFETCH_BURST, now)
        loads.left = min(REFETCH_BURST, loads.left + (now - loads.refilled) / REFETCH_INTERVAL_S)
        loads.refilled = now
        if loads.left < 1 or name in self._loading:
            return False
        loads.left -= 1
        return True

    async def key(self, issuer: str, key_id: str) -> jwt.PyJWK:
        """The issuer's key `key_id`, reloading the key set when it is unknown, at most as
        often as the issuer's refetch bucket allows."""
        name = _issuer_key(issuer)
        keys = self._keys.get(name)
        if keys is None or key_id not in keys:
            if not self._may_load(name):
                if keys is None:  # the one generic answer; not logged: callers choose how often
                    raise WebIdentityError("IDPCommunicationError", IDP_UNREACHABLE)
                raise _invalid(f"no key `{key_id}` in the identity provider's key set")
            self._loading.add(name)
            try:
                keys = await asyncio.to_thread(self._load, issuer)
            finally:
                self._loading.discard(name)
            self._keys[name] = keys
        found = keys.get(key_id)
        if found is None:
            raise _invalid(f"no key `{key_id}` in the identity provider's key set")
        return found


def unverified_issuer(token: str) -> tuple[str, str, str]:
    """(issuer, key id, algorithm) read before verification, with the algorithm pinned."""
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise _invalid("the web identity token is not a valid jwt") from None
    algorithm = header.get("alg")
    if algorithm not in ALGORITHMS:
        raise _invalid(f"the token's algorithm `{algorithm}` is not allowed")
    key_id = header.get("kid")
    issuer = claims.get("iss")
    if not isinstance(key_id, str) or not isinstance(issuer, str):
        raise _invalid("the web identity token needs `kid` and `iss`")
    return issuer, key_id, str(algorithm)


def verify(
    token: str, key: jwt.PyJWK, algorithm: str, issuer: str, audiences: tuple[str, ...]
) -> Claims:
    """The claims of a token whose signature, issuer, audience, exp and nbf all check."""
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[algorithm],
            audience=list(audiences),
            issuer=issuer,
            options={"require": ["exp", "iss", "sub", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise WebIdentityError("ExpiredTokenException", "Token expired") from None
    except jwt.InvalidAudienceError:
        raise _invalid("Incorrect token audience") from None
    except jwt.ImmatureSignatureError:
        raise _invalid("the token is not valid yet (nbf)") from None
    except jwt.PyJWTError as exc:
        raise _invalid(f"the web identity token does not verify: {exc}") from None
    audience = claims["aud"]
    if isinstance(audience, list):  # the matching audience is the one AWS reports
        audience = next(a for a in audience if a in audiences)
    amr = claims.get("amr", ())
    return Claims(
        issuer=issuer,
        subject=str(claims["sub"]),
        audience=str(audience),
        amr=tuple(str(a) for a in amr) if isinstance(amr, list) else (str(amr),) if amr else (),
        raw=claims,
    )
