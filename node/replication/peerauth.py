"""Peer authentication: cluster-key MACs over every peer request, and over every answer.

Only cluster members hold the key (a file beside each node's database, never replicated).

- A request carries the caller's node id, its time, a fresh random nonce and an HMAC over
  all of them and the SHA-256 of its bytes. The callee refuses it outside a time window and
  refuses a nonce it already saw in that window (`ReplayGuard`), so a captured request cannot
  be sent again.
- Its answer is bound to it: a unary reply carries (in trailing metadata) an HMAC over the
  request's MAC and the reply's bytes; each streamed snapshot chunk carries an HMAC over the
  request's MAC, the chunk's position and its bytes. An on-path attacker without the key can
  neither alter an answer, nor append to it, nor splice in an answer to another request, nor
  reorder, drop or repeat chunks (the snapshot codec requires its trailer, itself a MAC'd
  chunk, last).
- A refusal is bound the same way (an HMAC over the request's MAC, the status code and its
  details), so a forged "you were removed" cannot make a member stop replicating.

Labels keep the four kinds of MAC apart: none can be passed off as another.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PEER_ID_KEY = "x-iamstore-peer"
PEER_TIME_KEY = "x-iamstore-peer-time"
PEER_NONCE_KEY = "x-iamstore-peer-nonce"
PEER_MAC_KEY = "x-iamstore-peer-mac"
REPLY_MAC_KEY = "x-iamstore-peer-reply-mac"
MAX_SKEW_MS = 60_000
NONCE_BYTES = 16
# Nonces remembered at once: members send a few calls a second each, so this is far above
# what a healthy cluster needs in a window; past it, requests are refused (fail closed).
MAX_REMEMBERED_NONCES = 200_000

_REQUEST = b"iamstore peer request v2\n"
_REPLY = b"iamstore peer reply v2\n"
_CHUNK = b"iamstore peer chunk v2\n"
_REFUSAL = b"iamstore peer refusal v2\n"


class PeerAuthError(Exception):
    """A peer message without a valid cluster-key MAC, replayed, or out of its time window."""


def load_cluster_key(path: Path) -> bytes:
    """Loads the cluster key, creating it (mode 0600) when the file does not exist yet."""
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(os.urandom(32))
            out.flush()
            os.fsync(out.fileno())
    return path.read_bytes()


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """What to send with a request, and what its answer must be bound to."""

    metadata: tuple[tuple[str, str], ...]
    binding: bytes  # the request's MAC


@dataclass(frozen=True, slots=True)
class VerifiedRequest:
    node_id: str  # as the caller states it (the peer service checks it against its certificate)
    binding: bytes


def _request_mac(
    key: bytes, method: str, node_id: str, time_ms: str, nonce: str, body: bytes
) -> bytes:
    message = b"\n".join(
        (
            _REQUEST,
            method.encode(),
            node_id.encode(),
            time_ms.encode(),
            nonce.encode(),
            hashlib.sha256(body).digest(),
        )
    )
    return hmac.new(key, message, hashlib.sha256).digest()


def sign_request(
    key: bytes, method: str, node_id: str, body: bytes, now_ms: int, nonce: bytes
) -> SignedRequest:
    time_ms, nonce_hex = str(now_ms), nonce.hex()
    mac = _request_mac(key, method, node_id, time_ms, nonce_hex, body)
    metadata = (
        (PEER_ID_KEY, node_id),
        (PEER_TIME_KEY, time_ms),
        (PEER_NONCE_KEY, nonce_hex),
        (PEER_MAC_KEY, mac.hex()),
    )
    return SignedRequest(metadata, mac)


class ReplayGuard:
    """The nonces of requests accepted within the time window; refuses one seen again.

    INVARIANT: a nonce is remembered until its request's time is outside the window, so any
    request the window admits is admitted once. Bounded: past `capacity` nonces still in the
    window, requests are refused rather than remembered (members only: the MAC is checked
    before a nonce is remembered).
    """

    def __init__(self, capacity: int = MAX_REMEMBERED_NONCES) -> None:
        self._capacity = capacity
        self._expiries: list[tuple[int, str]] = []  # heap of (forget after ms, nonce)
        self._seen: set[str] = set()

    def admit(self, nonce: str, time_ms: int, now_ms: int) -> None:
        while self._expiries and self._expiries[0][0] < now_ms:
            _, old = heapq.heappop(self._expiries)
            self._seen.discard(old)
        if nonce in self._seen:
            raise PeerAuthError("peer request replayed (its nonce was already used)")
        if len(self._seen) >= self._capacity:
            raise PeerAuthError("too many peer requests in the replay window")
        self._seen.add(nonce)
        heapq.heappush(self._expiries, (time_ms + MAX_SKEW_MS, nonce))


def _metadata_values(metadata: Sequence[tuple[str, str | bytes]]) -> dict[str, str]:
    return {k: v if isinstance(v, str) else v.decode("latin-1") for k, v in metadata}


def verify_request(
    key: bytes,
    method: str,
    body: bytes,
    metadata: Sequence[tuple[str, str | bytes]],
    now_ms: int,
    replays: ReplayGuard,
) -> VerifiedRequest:
    """The caller's stated node id and the request's binding, or raises PeerAuthError."""
    values = _metadata_values(metadata)
    node_id, time_ms, nonce, mac = (
        values.get(k) for k in (PEER_ID_KEY, PEER_TIME_KEY, PEER_NONCE_KEY, PEER_MAC_KEY)
    )
    if node_id is None or time_ms is None or nonce is None or mac is None:
        raise PeerAuthError("peer request without cluster credentials")
    if not time_ms.isdigit() or abs(int(time_ms) - now_ms) > MAX_SKEW_MS:
        raise PeerAuthError(f"peer request from `{node_id}` outside the time window")
    if len(nonce) != 2 * NONCE_BYTES:
        raise PeerAuthError(f"peer request from `{node_id}` without a proper nonce")
    expected = _request_mac(key, method, node_id, time_ms, nonce, body)
    if not hmac.compare_digest(mac, expected.hex()):
        raise PeerAuthError(f"peer request from `{node_id}` with a bad cluster-key mac")
    replays.admit(nonce, int(time_ms), now_ms)
    return VerifiedRequest(node_id, expected)


def reply_mac(key: bytes, binding: bytes, body: bytes) -> str:
    message = _REPLY + binding + hashlib.sha256(body).digest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def verify_reply(
    key: bytes, binding: bytes, body: bytes, metadata: Sequence[tuple[str, str | bytes]]
) -> None:
    """Raises PeerAuthError unless the reply carries the MAC bound to its request."""
    mac = _metadata_values(metadata).get(REPLY_MAC_KEY)
    if mac is None or not hmac.compare_digest(mac, reply_mac(key, binding, body)):
        raise PeerAuthError("peer reply without a valid cluster-key mac for its request")


def chunk_mac(key: bytes, binding: bytes, index: int, data: bytes) -> bytes:
    message = _CHUNK + binding + index.to_bytes(8, "big") + hashlib.sha256(data).digest()
    return hmac.new(key, message, hashlib.sha256).digest()


def verify_chunk(key: bytes, binding: bytes, index: int, data: bytes, mac: bytes) -> None:
    if not hmac.compare_digest(mac, chunk_mac(key, binding, index, data)):
        raise PeerAuthError(f"snapshot chunk {index} without a valid mac for its request")


def refusal_mac(key: bytes, binding: bytes, code: str, details: str) -> str:
    message = b"\n".join((_REFUSAL, binding, code.encode(), details.encode()))
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def is_authentic_refusal(
    key: bytes,
    binding: bytes,
    code: str,
    details: str,
    metadata: Sequence[tuple[str, str | bytes]],
) -> bool:
    mac = _metadata_values(metadata).get(REPLY_MAC_KEY)
    return mac is not None and hmac.compare_digest(mac, refusal_mac(key, binding, code, details))
