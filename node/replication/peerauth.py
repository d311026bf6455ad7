"""Peer authentication: an HMAC over each peer request made with the cluster key.

Only cluster members hold the key (a file beside each node's database, never replicated), so
a request from outside the cluster, or one altered in flight, is refused. The timestamp bounds
replay to a short window.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Sequence
from pathlib import Path

PEER_ID_KEY = "x-iamstore-peer"
PEER_TIME_KEY = "x-iamstore-peer-time"
PEER_MAC_KEY = "x-iamstore-peer-mac"
MAX_SKEW_MS = 60_000


class PeerAuthError(Exception):
    """A peer request without a valid cluster-key MAC."""


def load_cluster_key(path: Path) -> bytes:
    """Loads the cluster key, creating it (mode 0600) when the file does not exist yet."""
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(os.urandom(32))
            out.flush()
            os.fsync(out.fileno())
    return path.read_bytes()


def _mac(key: bytes, method: str, node_id: str, time_ms: str, body: bytes) -> str:
    message = b"\n".join(
        (method.encode(), node_id.encode(), time_ms.encode(), hashlib.sha256(body).digest())
    )
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def sign_peer(
    key: bytes, method: str, node_id: str, body: bytes, now_ms: int
) -> list[tuple[str, str]]:
    time_ms = str(now_ms)
    return [
        (PEER_ID_KEY, node_id),
        (PEER_TIME_KEY, time_ms),
        (PEER_MAC_KEY, _mac(key, method, node_id, time_ms, body)),
    ]


def verify_peer(
    key: bytes,
    method: str,
    body: bytes,
    metadata: Sequence[tuple[str, str | bytes]],
    now_ms: int,
) -> str:
    """Returns the calling member's node id, or raises PeerAuthError."""
    values = {k: v if isinstance(v, str) else v.decode("latin-1") for k, v in metadata}
    node_id, time_ms, mac = (values.get(k) for k in (PEER_ID_KEY, PEER_TIME_KEY, PEER_MAC_KEY))
    if node_id is None or time_ms is None or mac is None:
        raise PeerAuthError("peer request without cluster credentials")
    if not time_ms.isdigit() or abs(int(time_ms) - now_ms) > MAX_SKEW_MS:
        raise PeerAuthError(f"peer request from `{node_id}` outside the time window")
    if not hmac.compare_digest(mac, _mac(key, method, node_id, time_ms, body)):
        raise PeerAuthError(f"peer request from `{node_id}` with a bad cluster-key mac")
    return node_id
