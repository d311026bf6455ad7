"""Who is in the cluster and how each peer is doing: alive, suspect or dead (for status only).

Peers are keyed by address: seeds are known by address before their node id is. Peer states
never block writes; they only steer which peer anti-entropy talks to and what status shows.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from node.replication.transport import Member


class PeerState(enum.Enum):
    ALIVE = "alive"
    SUSPECT = "suspect"
    DEAD = "dead"


@dataclass(slots=True)
class Peer:
    address: str
    node_id: str = ""
    last_ok_ms: int = 0
    failures: int = 0
    removed: bool = False


class Membership:
    def __init__(
        self,
        own_id: str,
        own_address: str,
        seeds: Iterable[str],
        *,
        suspect_after_ms: int = 2_000,
        dead_after_ms: int = 10_000,
    ) -> None:
        self.own_id = own_id
        self.own_address = own_address
        self._suspect_after_ms = suspect_after_ms
        self._dead_after_ms = dead_after_ms
        self._peers: dict[str, Peer] = {}
        for address in seeds:
            self.add(address)

    def add(self, address: str, node_id: str = "") -> Peer | None:
        if address == self.own_address or not address:
            return None
        peer = self._peers.get(address)
        if peer is None:
            peer = self._peers[address] = Peer(address, node_id)
        elif node_id and not peer.node_id:
            peer.node_id = node_id
        return peer

    def remove(self, address: str) -> bool:
        """Stops gossiping to `address` and counting it for purges; False if it is unknown."""
        peer = self._peers.get(address)
        if peer is not None:
            peer.removed = True
        return peer is not None

    def learn(self, members: Iterable[Member]) -> None:
        """Adds the members a peer told us about (never re-adds a removed one)."""
        for member in members:
            if member.node_id == self.own_id:
                continue
            self.add(member.address, member.node_id)

    def ok(self, address: str, node_id: str, now_ms: int) -> None:
        peer = self.add(address, node_id)
        if peer is not None:
            if node_id:
                # Heard from the node itself: a wiped node keeps its address, not its id.
                peer.node_id = node_id
            peer.last_ok_ms = now_ms
            peer.failures = 0

    def failed(self, address: str) -> None:
        peer = self._peers.get(address)
        if peer is not None:
            peer.failures += 1

    def state(self, peer: Peer, now_ms: int) -> PeerState:
        if peer.last_ok_ms and now_ms - peer.last_ok_ms <= self._suspect_after_ms:
            return PeerState.ALIVE
        if peer.last_ok_ms and now_ms - peer.last_ok_ms <= self._dead_after_ms:
            return PeerState.SUSPECT
        return PeerState.SUSPECT if peer.failures < 3 and not peer.last_ok_ms else PeerState.DEAD

    def peers(self) -> list[Peer]:
        return [p for p in self._peers.values() if not p.removed]

    def members(self) -> tuple[Member, ...]:
        """What we tell peers: ourselves and every peer whose node id we know."""
        known = [Member(p.node_id, p.address) for p in self.peers() if p.node_id]
        return (Member(self.own_id, self.own_address), *known)
