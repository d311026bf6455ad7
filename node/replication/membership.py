"""Who is in the cluster and how each peer is doing: alive, suspect or dead (for status only).

Peers are keyed by address: seeds are known by address before their node id is. Peer states
never block writes; they only steer which peer anti-entropy talks to and what status shows.

Removed members come from the replica (`RemovedMember` rows, see node/domain/entities.py) and
are handed in with `set_removed`: a peer is left out of `peers()` (no gossip, no purge vote)
when its node id was removed, or when its id is still unknown and its address is a removed
member's (a seed list naming a removed node does not bring it back). A node with a fresh id
at such an address is a new member: once it introduces itself, it counts again. A removal
recorded without an id (the remover never heard from the node) leaves out any node at its
address.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from iamstore.node.replication.transport import Member


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
        self._removed_ids: frozenset[str] = frozenset()
        self._removed_addresses: frozenset[str] = frozenset()  # of every removed member
        self._removed_any_at: frozenset[str] = frozenset()  # of those removed without an id
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

    def find(self, address: str) -> Peer | None:
        """The peer at `address`, removed or not."""
        return self._peers.get(address)

    def set_removed(self, members: Iterable[Member]) -> None:
        """The removed members (node id, or "" when unknown, and address), replacing the last."""
        members = list(members)
        self._removed_ids = frozenset(m.node_id for m in members if m.node_id)
        self._removed_addresses = frozenset(m.address for m in members)
        self._removed_any_at = frozenset(m.address for m in members if not m.node_id)

    def is_removed(self, peer: Peer) -> bool:
        if peer.address in self._removed_any_at:
            return True
        if peer.node_id:
            return peer.node_id in self._removed_ids
        return peer.address in self._removed_addresses

    def learn(self, members: Iterable[Member], sender: str = "") -> None:
        """Adds the members a peer told us about. The entry of `sender` (the node id of the
        peer telling) is first-hand: it replaces an older id at that address, as a node whose
        data folder was wiped comes back under a new id."""
        for member in members:
            if member.node_id == self.own_id:
                continue
            peer = self.add(member.address, member.node_id)
            if peer is not None and sender and member.node_id == sender:
                peer.node_id = sender

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
        """Every peer that is not removed."""
        return [p for p in self._peers.values() if not self.is_removed(p)]

    def members(self) -> tuple[Member, ...]:
        """What we tell peers: ourselves and every peer whose node id we know."""
        known = [Member(p.node_id, p.address) for p in self.peers() if p.node_id]
        return (Member(self.own_id, self.own_address), *known)
