"""The peer transport contract, and the in-memory transport the simulation uses.

Messages are plain values; commits inside them are opaque bytes in the commit codec. Every
call may fail with TransportError (peer down, partitioned, timed out): callers treat each
call as best effort and rely on anti-entropy to retry.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol


class TransportError(Exception):
    """The peer could not be reached or refused the call."""


class PeerMessageError(Exception):
    """Raised by the receiving side (a Handler) for a message it refuses whole (a malformed
    commit, a clock far ahead, a commit its origin did not sign); the sender sees it as a
    TransportError, as it would over gRPC."""


class MemberRemovedError(TransportError):
    """The peer refused the call because the calling node was removed from the cluster.

    Raised by the receiving side (a Handler) and carried across every transport as is, so the
    removed node learns why it is refused and stops gossiping.
    """


@dataclass(frozen=True, slots=True)
class Member:
    node_id: str
    address: str


@dataclass(frozen=True, slots=True)
class PushMessage:
    from_node: str
    commits: tuple[bytes, ...]
    version_vector: dict[str, int]
    members: tuple[Member, ...] = ()


@dataclass(frozen=True, slots=True)
class PushReply:
    version_vector: dict[str, int]
    applied: int


@dataclass(frozen=True, slots=True)
class ExchangeMessage:
    from_node: str
    version_vector: dict[str, int]
    max_commits: int
    members: tuple[Member, ...] = ()
    digest: str = ""
    # Send the commits after this vector rather than after `version_vector` (empty: after
    # `version_vector`): the caller is still writing a batch it pulled. `version_vector`
    # stays what it has applied, its acknowledgement.
    after: dict[str, int] = field(default_factory=dict)
    # Every member's newest (seq, hlc) promise the caller knows (node/replication/purge.py).
    promises: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ExchangeReply:
    commits: tuple[bytes, ...]
    version_vector: dict[str, int]
    members: tuple[Member, ...] = ()
    digest: str = ""
    more: bool = False
    # True when the callee purged commits the caller's vector still needs: take a snapshot.
    purged: bool = False
    promises: dict[str, tuple[int, int]] = field(default_factory=dict)  # as in the message


@dataclass(frozen=True, slots=True)
class SnapshotMessage:
    from_node: str
    version_vector: dict[str, int]  # the caller's, so the callee learns its acknowledgements


@dataclass(frozen=True, slots=True)
class SnapshotReply:
    """The whole-form snapshot, as members of earlier versions ask for it (gRPC only)."""

    snapshot: bytes  # node/commits/snapshot.py whole form, checked whole by the receiver


class Transport(Protocol):
    """Sends peer messages. May block for up to the transport's timeout; never retries."""

    async def push(self, address: str, message: PushMessage) -> PushReply: ...

    async def exchange(self, address: str, message: ExchangeMessage) -> ExchangeReply: ...

    def stream_snapshot(
        self, address: str, message: SnapshotMessage
    ) -> AsyncGenerator[bytes, None]:
        """The peer's replica as snapshot stream chunks (node/commits/snapshot.py), one
        at a time as they arrive; the receiver bounds the wait for each."""
        ...

    async def close(self) -> None: ...


class Handler(Protocol):
    """The receiving side of a node (its Replicator)."""

    async def handle_push(self, message: PushMessage) -> PushReply: ...

    async def handle_exchange(self, message: ExchangeMessage) -> ExchangeReply: ...

    def handle_stream_snapshot(self, message: SnapshotMessage) -> AsyncGenerator[bytes, None]:
        """This replica as snapshot stream chunks; may raise MemberRemovedError."""
        ...


@dataclass
class MemoryNetwork:
    """Nodes by address, with faults the simulation sets: blocked links and a delivery hook."""

    handlers: dict[str, Handler] = field(default_factory=dict)
    blocked: set[tuple[str, str]] = field(default_factory=set)  # (from, to) pairs cut
    down: set[str] = field(default_factory=set)
    # Called before each delivery; may sleep (delay) or raise TransportError (loss).
    before_delivery: Callable[[str, str], Awaitable[None]] | None = None

    def transport(self, own_address: str) -> MemoryTransport:
        return MemoryTransport(self, own_address)


class MemoryTransport:
    def __init__(self, network: MemoryNetwork, own_address: str) -> None:
        self._network = network
        self._own = own_address

    async def _target(self, address: str) -> Handler:
        network = self._network
        if (
            address in network.down
            or self._own in network.down
            or (self._own, address) in network.blocked
        ):
            raise TransportError(f"{address} unreachable from {self._own}")
        if network.before_delivery is not None:
            await network.before_delivery(self._own, address)
        handler = network.handlers.get(address)
        if handler is None:
            raise TransportError(f"no node at {address}")
        return handler

    # A refusal or a failure on the receiving node (one stopping, its database closed) reaches
    # the sender as the gRPC transport delivers it (an INVALID_ARGUMENT or INTERNAL status
    # there): a TransportError, which every caller treats as a failed call. Raised as is, it
    # would escape the sender's loop and stop the sending node too.
    async def push(self, address: str, message: PushMessage) -> PushReply:
        handler = await self._target(address)
        try:
            return await handler.handle_push(message)
        except PeerMessageError as err:
            raise TransportError(f"push to {address} refused: {err}") from None
        except TransportError:
            raise  # MemberRemovedError: the gRPC transport rebuilds it from its status
        except Exception as err:  # the gRPC transport gets these as an INTERNAL status
            raise TransportError(f"push to {address} failed there: {err!r}") from None

    async def exchange(self, address: str, message: ExchangeMessage) -> ExchangeReply:
        handler = await self._target(address)
        try:
            return await handler.handle_exchange(message)
        except PeerMessageError as err:
            raise TransportError(f"exchange with {address} refused: {err}") from None
        except TransportError:
            raise  # MemberRemovedError: the gRPC transport rebuilds it from its status
        except Exception as err:  # the gRPC transport gets these as an INTERNAL status
            raise TransportError(f"exchange with {address} failed there: {err!r}") from None

    async def stream_snapshot(
        self, address: str, message: SnapshotMessage
    ) -> AsyncGenerator[bytes, None]:
        handler = await self._target(address)
        try:
            async for chunk in handler.handle_stream_snapshot(message):
                yield chunk
        except PeerMessageError as err:
            raise TransportError(f"snapshot from {address} refused: {err}") from None

    async def close(self) -> None:
        return None
