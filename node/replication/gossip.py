"""The Replicator: eager push of new commits, push-pull anti-entropy, and digest checks.

Every local commit is pushed right away to up to `fanout` peers. Independently, every
`interval` one peer is picked for a push-pull exchange of version vectors: each side then
receives, in order and in batches, the commits it lacks, so a node back from a partition or a
restart streams its whole delta. When two version vectors are equal, the whole-state digests
are compared as a last safety net (a mismatch is logged and counted: it means a bug).

Removing a member is a write like any other (a `RemovedMember` row through `State.apply`),
so it is durable, reaches every node by the same gossip (a node that was down streams it with
its delta, a new one finds it in its snapshot) and survives restarts. Every node then leaves
the member out of gossip and purge votes, and refuses its calls with MemberRemovedError; a
removed node that hears that refusal logs it and stops gossiping.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncGenerator, Callable, Sequence
from dataclasses import dataclass, field

from iamstore.node.commits.clock import ClockSkewError, HybridClock
from iamstore.node.commits.codec import (
    CodecError,
    Commit,
    commit_position,
    decode_commit,
    encode_commit,
)
from iamstore.node.commits.snapshot import (
    CHUNK_BYTES,
    SnapshotDecoder,
    SnapshotEncoder,
    decode_stored_row,
    encode_snapshot,
)
from iamstore.node.domain.cluster import is_removed, remove_member
from iamstore.node.domain.entities import MemberKey, RemovedMember
from iamstore.node.replication.commitsig import CommitSignatureError, CommitVerifier
from iamstore.node.replication.membership import Membership, Peer, PeerState
from iamstore.node.replication.purge import (
    Promise,
    acknowledged,
    cutoff_hlc,
    merge_promises,
    stable_hlc,
)
from iamstore.node.replication.transport import (
    ExchangeMessage,
    ExchangeReply,
    Member,
    MemberRemovedError,
    PeerMessageError,
    PushMessage,
    PushReply,
    SnapshotMessage,
    SnapshotReply,
    Transport,
    TransportError,
)
from iamstore.node.state import State, Writer
from iamstore.node.storage.database import STAGING, Database, DuplicateRowError, LogPurgedError

log = logging.getLogger("iamstore.replication")


def _beyond(
    after: dict[str, int], applied: dict[str, int], commits: Sequence[Commit]
) -> dict[str, int]:
    """Where to continue a pull once `commits` are written: past them, and past everything
    already applied (commits skipped as duplicates are among those)."""
    beyond = dict(after)
    for origin, seq in applied.items():
        beyond[origin] = max(beyond.get(origin, 0), seq)
    for commit in commits:
        beyond[commit.origin] = max(beyond.get(commit.origin, 0), commit.seq)
    return beyond


# Commits checked on the event loop itself; a longer batch is checked in a worker thread.
VERIFY_ON_LOOP = 16


# Pushes are requests a peer's server receives: they stay well under the smallest limit a
# node's port takes (4 MiB on the client port, which peers share without --peer-listen), so
# at most PUSH_BATCH_BYTES of commits go in one (or a single larger commit alone). Exchange
# replies arrive on the asking peer's own channel, which takes larger messages.
PUSH_BATCH_BYTES = 2 << 20
REPLY_BATCH_BYTES = 16 << 20


def within_bytes(blobs: list[bytes], limit: int) -> tuple[list[bytes], bool]:
    """The longest prefix of `blobs` within `limit` bytes (at least one), and whether any
    were left out."""
    size = 0
    for count, blob in enumerate(blobs):
        size += len(blob)
        if size > limit and count:
            return blobs[:count], True
    return blobs, False


@dataclass(frozen=True, slots=True)
class GossipConfig:
    interval_s: float = 0.2
    # Peers each new commit is pushed to; clusters up to fanout + 1 nodes need no relay.
    fanout: int = 6
    batch: int = 1000
    digest_every: int = 25  # anti-entropy rounds between digest comparisons
    timeout_s: float = 5.0
    # Log entries and tombstones older than this, and acknowledged by every peer, are purged.
    purge_grace_ms: int = 3_600_000
    purge_every: int = 25  # anti-entropy rounds between purge attempts
    snapshot_chunk: int = CHUNK_BYTES  # bytes of rows per snapshot stream chunk


@dataclass
class GossipStats:
    """Counters for status and metrics."""

    commits_received: int = 0
    commits_applied_from_peers: int = 0
    rounds: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    refused_messages: int = 0
    digest_mismatches: int = 0
    snapshots_installed: int = 0
    snapshots_served: int = 0
    tombstones_purged: int = 0
    # Local receive time minus the commit's HLC wall time, per origin, last seen.
    lag_ms: dict[str, int] = field(default_factory=dict)


class Replicator:
    def __init__(
        self,
        *,
        state: State,
        db: Database,
        clock: HybridClock,
        transport: Transport,
        membership: Membership,
        now_ms: Callable[[], int],
        rng: random.Random,
        config: GossipConfig | None = None,
        seal: Callable[[Commit], Commit] | None = None,
        verifier: CommitVerifier | None = None,
    ) -> None:
        """`seal` signs this node's own commits; `verifier` checks every commit from a peer
        against its origin's key (node/replication/commitsig.py). The simulation's in-memory
        replicas run without both."""
        self._state = state
        self._verifier = verifier
        # Member keys introduced by commits checked but perhaps not applied yet (verified, and
        # at most one per origin).
        self._introduced: dict[str, MemberKey] = {}
        self._db = db
        self._clock = clock
        self._transport = transport
        self.membership = membership
        self._now_ms = now_ms
        self._rng = rng
        self.config = config or GossipConfig()
        self.stats = GossipStats()
        self._outbox: dict[str, asyncio.Queue[bytes]] = {}
        self._wake: dict[str, asyncio.Event] = {}
        # Each peer's last reported version vector, by node id: its acknowledgements.
        self.acks: dict[str, dict[str, int]] = {}
        # Every member's newest promise, own and relayed (node/replication/purge.py).
        self.promises: dict[str, Promise] = {}
        # Removals are this node's own writes, stamped by its clock like any other.
        self._writer = Writer(state, membership.own_id, clock, seal)
        # Why peers refuse this node, once one said it was removed (it then stops gossiping).
        self.removed_from_cluster = ""
        self._refused_removed: set[str] = set()  # removed node ids already logged as refused
        state.on_change(self._committed)
        state.on_change(self._removals_changed)
        self._sync_removed()

    @property
    def node_id(self) -> str:
        return self.membership.own_id

    # --- receiving -------------------------------------------------------------------------

    async def _decode(
        self, blobs: Sequence[bytes], after: dict[str, int] | None = None
    ) -> list[Commit]:
        """The commits this replica can apply next, decoded, checked against their origins'
        keys, and their clocks witnessed (`after`: a pulled batch's request vector, which
        counts batches still being written as applied).

        A commit whose (origin, seq) is already applied is skipped unread: during a catch-up
        the same range often arrives twice (pulled from one peer, pushed by another), and
        `State.apply` would drop it anyway. So is one beyond the next of its origin (an eager
        push that overtook the commits before it, which anti-entropy brings in order): it
        could not be applied, and its origin's key may be in those earlier commits (a new
        member's first commit introduces its key), so checking it would refuse a message
        only for arriving early.
        """
        # INVARIANT: next_seq[o] is the one seq of origin o this batch may still apply.
        next_seq = {o: seq + 1 for o, seq in self._state.applied.items()}
        for origin, seq in (after or {}).items():
            next_seq[origin] = max(next_seq.get(origin, 1), seq + 1)
        commits = []
        try:
            for blob in blobs:
                position = commit_position(blob)
                if position is not None and position[1] != next_seq.get(position[0], 1):
                    continue
                commit = decode_commit(blob)
                if commit.seq != next_seq.get(commit.origin, 1):
                    continue
                next_seq[commit.origin] = commit.seq + 1
                commits.append(commit)
            # INVARIANT: nothing from a peer is applied, nor its clock witnessed, before its
            # origin's signature checked out.
            await self._verify(commits)
            for commit in commits:
                self._clock.witness(commit.hlc)
        except (CodecError, ClockSkewError, CommitSignatureError) as err:
            self.stats.refused_messages += 1
            log.warning("refused a peer message: %s", err)
            raise PeerMessageError(str(err)) from None
        return commits

    async def _verify(self, commits: list[Commit]) -> None:
        verifier = self._verifier
        if verifier is None or not commits:
            return
        # Keys introduced by batches still being written count too (a pipelined pull decodes
        # the next batch before the last is applied); the replica's own record wins.
        known = {**self._introduced, **self._state.view.member_keys}
        if len(commits) <= VERIFY_ON_LOOP:
            introduced = verifier.check(commits, known)
        else:
            # Signature checks take a while (Ed25519 verification): a long batch is checked
            # in a worker thread, so the event loop keeps serving other callers meanwhile.
            introduced = await asyncio.to_thread(verifier.check, commits, known)
        self._introduced.update(introduced)

    async def _apply(self, blobs: Sequence[bytes]) -> list[Commit]:
        return await self._apply_decoded(await self._decode(blobs), blobs)

    async def _apply_decoded(self, commits: list[Commit], blobs: Sequence[bytes]) -> list[Commit]:
        self.stats.commits_received += len(blobs)
        self.stats.bytes_received += sum(map(len, blobs))
        # Shielded: a dropped peer connection must not interrupt a transaction.
        applied = await asyncio.shield(self._state.apply_batch(commits))
        now = self._now_ms()
        for commit in applied:
            self.stats.lag_ms[commit.origin] = max(0, now - (commit.hlc >> 16))
        self.stats.commits_applied_from_peers += len(applied)
        return applied

    async def handle_push(self, message: PushMessage) -> PushReply:
        self._refuse_if_removed(message.from_node, message.members)
        self.membership.learn(message.members, message.from_node)
        self._acknowledged(message.from_node, message.version_vector)
        applied = await self._apply(message.commits)
        # Epidemic relay, for clusters larger than the fanout (smaller ones get every push
        # straight from the origin): a commit pushed here for the first time goes on to
        # `fanout` more peers, so it reaches every node in about log(N) hops. Each node relays
        # a commit at most once, since it applies it only once.
        if len(self.membership.peers()) > self.config.fanout:
            self._push(applied, exclude={message.from_node, *(c.origin for c in applied)})
        return PushReply(self._state.version_vector(), len(applied))

    async def handle_exchange(self, message: ExchangeMessage) -> ExchangeReply:
        self._refuse_if_removed(message.from_node, message.members)
        self.membership.learn(message.members, message.from_node)
        self._acknowledged(message.from_node, message.version_vector)
        merge_promises(self.promises, message.promises)
        promises = await self._promises()
        mine = self._state.version_vector()
        # Where the caller continues from: its vector, or beyond a batch it is still writing.
        after = message.after or message.version_vector
        behind = [o for o, seq in mine.items() if seq > after.get(o, 0)]
        self._rng.shuffle(behind)  # no origin starves when the batch is full
        try:
            blobs = await self._db.commits_after(after, behind, message.max_commits + 1)
        except LogPurgedError:
            return ExchangeReply((), mine, self.membership.members(), purged=True,
                                 promises=promises)  # fmt: skip
        more = len(blobs) > message.max_commits
        blobs, cut = within_bytes(blobs[: message.max_commits], REPLY_BATCH_BYTES)
        more = more or cut
        self.stats.bytes_sent += sum(map(len, blobs))
        digest = ""
        if message.digest and mine == message.version_vector:
            digest = self._state.digest()
            self._check_digest(message.from_node, message.digest, digest)
        return ExchangeReply(tuple(blobs), mine, self.membership.members(), digest, more,
                             promises=promises)  # fmt: skip

    async def handle_stream_snapshot(self, message: SnapshotMessage) -> AsyncGenerator[bytes, None]:
        """This replica as snapshot stream chunks: every row and tombstone with its stamp, read
        a page at a time from a copy frozen at one version vector."""
        self._refuse_if_removed(message.from_node)
        self._acknowledged(message.from_node, message.version_vector)
        async with self._state.exported() as export:
            self.stats.snapshots_served += 1
            encoder = SnapshotEncoder(export.vector, export.floors, self.config.snapshot_chunk)
            yield encoder.header()
            async for page in export.pages():
                for chunk in encoder.rows(page):
                    self.stats.bytes_sent += len(chunk)
                    yield chunk
            for chunk in encoder.end():
                yield chunk

    async def handle_snapshot(self, message: SnapshotMessage) -> SnapshotReply:
        """This replica whole, in one message: for members of earlier versions only."""
        self._refuse_if_removed(message.from_node)
        self._acknowledged(message.from_node, message.version_vector)
        vector, rows, floors = await self._state.export()
        self.stats.snapshots_served += 1
        return SnapshotReply(encode_snapshot(vector, floors, rows))

    # --- membership ------------------------------------------------------------------------

    async def remove_member(self, address: str, node_id: str = "", actor: str = "") -> bool:
        """Records that the member at `address` (with `node_id`, when the caller knows it) left
        the cluster for good: a replicated write, so every node learns it. True when it is
        removed (now or before); False when this node knows no such member, or it is itself.
        """
        peer = self.membership.find(address)
        node_id = node_id or (peer.node_id if peer is not None else "")
        if address == self.membership.own_address or node_id == self.node_id:
            log.warning("refused to remove this node itself (%s): ask another member", address)
            return False
        if peer is None and not node_id:
            return False
        now = self._now_ms()
        await self._writer.write(
            actor or "operator",
            "RemoveMember",
            lambda view: (remove_member(view, node_id, address, now), None),
        )
        log.info("member %s (%s) is removed from the cluster", node_id or "?", address)
        return True

    def _removals_changed(self, commits: Sequence[Commit]) -> None:
        """State listener: applies newly replicated removals to the membership."""
        for commit in commits:
            if any(change.table == RemovedMember.TABLE for change in commit.changes):
                self._sync_removed()
                return

    def _sync_removed(self) -> None:
        removed = self._state.view.removed_members.values()
        self.membership.set_removed(Member(r.node_id, r.address) for r in removed)
        for record in removed:
            self.acks.pop(record.node_id, None)

    def refuse_if_removed(self, node_id: str) -> None:
        """Raises MemberRemovedError when `node_id` (an authenticated caller) was removed."""
        self._refuse_if_removed(node_id)

    def _refuse_if_removed(self, node_id: str, members: Sequence[Member] = ()) -> None:
        """Raises MemberRemovedError for a call from a removed node (`members`: what it says
        about itself and its peers, which includes its own address)."""
        address = next((m.address for m in members if m.node_id == node_id), "")
        if not is_removed(self._state.view, node_id, address):
            return
        if node_id not in self._refused_removed:
            self._refused_removed.add(node_id)
            log.warning("refused node %s: it was removed from the cluster", node_id)
        raise MemberRemovedError(f"node `{node_id}` was removed from the cluster")

    def _refused_as_removed(self, address: str, err: MemberRemovedError) -> None:
        if not self.removed_from_cluster:
            log.error(
                "peer %s refuses this node (%s): %s. It no longer replicates; to join again, "
                "start it with an empty data folder, as a new member",
                address,
                self.node_id,
                err,
            )
        self.removed_from_cluster = str(err)

    def _acknowledged(self, node_id: str, vector: dict[str, int]) -> None:
        if node_id and node_id != self.node_id:
            self.acks[node_id] = dict(vector)

    async def _promises(self) -> dict[str, Promise]:
        """Every promise known, this node's own renewed: what an exchange carries."""
        merge_promises(
            self.promises, {self.node_id: await self._state.promise(self.node_id, self._clock)}
        )
        return dict(self.promises)

    # --- purge and snapshots -----------------------------------------------------------------

    async def purge(self) -> int:
        """Purges what every known peer acknowledged past the grace period; returns the number
        of tombstones dropped (0 also when some peer's vector is still unknown)."""
        peers = self.membership.peers()
        vectors = [self.acks.get(p.node_id) if p.node_id else None for p in peers]
        common = acknowledged(self._state.version_vector(), vectors)
        if not common:
            return 0
        cutoff = cutoff_hlc(self._now_ms(), self.config.purge_grace_ms)
        await self._promises()
        members = [self.node_id, *(p.node_id for p in peers)]
        logged = await self._db.acknowledged_hlcs({m: common.get(m, 0) for m in members})
        stable = stable_hlc(members, common, logged, self.promises)
        dropped = await asyncio.shield(self._state.purge(common, cutoff, stable))
        self.stats.tombstones_purged += dropped
        return dropped

    async def bootstrap_from(self, address: str) -> bool:
        """Streams a snapshot from the peer at `address` into a staging table and installs it
        once it arrived whole and checked out; True when it changed this replica. A stream
        that breaks off, stalls, or fails a check changes nothing."""
        message = SnapshotMessage(self.node_id, self._state.version_vector())
        decoder = SnapshotDecoder()
        chunks = self._transport.stream_snapshot(address, message)
        await self._db.begin_staging()
        try:
            while True:
                # Bounded per chunk, not in all: a large replica may take a while to stream.
                async with asyncio.timeout(self.config.timeout_s):
                    chunk = await anext(chunks, None)
                if chunk is None:
                    break
                self.stats.bytes_received += len(chunk)
                rows = decoder.feed(chunk)
                if self._verifier is not None:
                    # Member keys vouch for commits to come: each one checked against the CA.
                    keys = (decode_stored_row(r) for r in rows if r.table == MemberKey.TABLE)
                    self._verifier.check_snapshot_keys(k for k in keys if isinstance(k, MemberKey))
                for row in rows:
                    self._clock.witness(row.hlc)
                if rows:
                    await self._db.stage(rows)
            snapshot = decoder.finish()
            installed = await asyncio.shield(self._state.install_staged(snapshot))
        except (CodecError, ClockSkewError, DuplicateRowError, CommitSignatureError) as err:
            self.stats.refused_messages += 1
            log.warning("refused a snapshot from %s: %s", address, err)
            raise PeerMessageError(str(err)) from None
        finally:
            await chunks.aclose()
            await asyncio.shield(self._db.drop_table(STAGING))
        if installed:
            self.stats.snapshots_installed += 1
            log.info("installed a snapshot from %s at %s", address, snapshot.vector)
        return installed

    # --- digests ---------------------------------------------------------------------------

    def _check_digest(self, peer: str, theirs: str, ours: str) -> None:
        if theirs and ours and theirs != ours:
            self.stats.digest_mismatches += 1
            log.error("state digest differs from %s at the same version vector", peer)

    # --- sending ---------------------------------------------------------------------------

    def _committed(self, commits: Sequence[Commit]) -> None:
        """Queues this node's own new commits for eager push (called after each apply)."""
        self._push([c for c in commits if c.origin == self.node_id], exclude=set())

    def _push(self, commits: Sequence[Commit], exclude: set[str]) -> None:
        """Queues `commits` for up to `fanout` live peers, none of whose node id is excluded."""
        if not commits or self.removed_from_cluster:
            return
        now = self._now_ms()
        peers = [
            p
            for p in self.membership.peers()
            if p.node_id not in exclude and self.membership.state(p, now) is not PeerState.DEAD
        ]
        targets = self._rng.sample(peers, min(self.config.fanout, len(peers)))
        blobs = [encode_commit(c) for c in commits]
        for peer in targets:
            queue = self._outbox.get(peer.address)
            if queue is None:
                continue  # its sender starts on the next anti-entropy round
            for blob in blobs:
                queue.put_nowait(blob)

    async def _sender(self, address: str, queue: asyncio.Queue[bytes]) -> None:
        """Drains one peer's outbox in batches; failures are dropped (anti-entropy retries)."""
        carry: bytes | None = None  # taken from the queue, but left for the next push
        while True:
            first = carry if carry is not None else await queue.get()
            batch, size, carry = [first], len(first), None
            while not queue.empty() and len(batch) < self.config.batch:
                blob = queue.get_nowait()
                if size + len(blob) > PUSH_BATCH_BYTES:
                    carry = blob
                    break
                batch.append(blob)
                size += len(blob)
            message = PushMessage(
                self.node_id, tuple(batch), self._state.version_vector(), self.membership.members()
            )
            try:
                async with asyncio.timeout(self.config.timeout_s):
                    reply = await self._transport.push(address, message)
            except MemberRemovedError as err:
                self._refused_as_removed(address, err)
                continue
            except (TransportError, TimeoutError) as err:
                self.membership.failed(address)
                log.debug("push to %s failed: %s", address, err)
                continue
            self.stats.bytes_sent += sum(map(len, batch))
            self._seen(address, reply.version_vector)

    def _seen(self, address: str, vector: dict[str, int]) -> None:
        peer = next((p for p in self.membership.peers() if p.address == address), None)
        self.membership.ok(address, peer.node_id if peer else "", self._now_ms())
        if peer is not None:
            self._acknowledged(peer.node_id, vector)

    async def _exchange_with(self, peer: Peer, with_digest: bool) -> None:
        """One push-pull round with `peer`, repeated at once while either side has more.

        A long delta is pulled as a pipeline: while one batch is being written (SQLite works
        in a thread of its own), the next is already asked for and decoded. Each request still
        reports this node's true version vector, its acknowledgement, and asks separately for
        the commits after the batch in flight.
        """
        writing: asyncio.Task[list[Commit]] | None = None
        # Renewed once a round: it waits for the apply lock, which a batch being written holds.
        promises = await self._promises()
        mine = self._state.version_vector()
        after = mine
        digest = self._state.digest() if with_digest else ""
        try:
            while True:
                reply = await self._ask(peer, mine, after, digest, promises)
                if reply.purged:
                    # Behind what the peer still logs (a new node joining after purges, or one
                    # away past the grace period): bootstrap from a snapshot, then go on.
                    await self._finish(writing)
                    writing = None
                    if not await self.bootstrap_from(peer.address):
                        return
                    mine = after = self._state.version_vector()
                    digest = ""
                    continue
                commits = await self._decode(reply.commits, after)
                if reply.digest:
                    # The peer digests its state at the vector we sent; ours may have moved on
                    # while the call was in flight, so compare with the digest we sent.
                    self._check_digest(peer.address, reply.digest, digest)
                digest = ""
                await self._finish(writing)  # batches are written in order
                after = _beyond(after, self._state.applied, commits)
                writing = asyncio.create_task(self._apply_decoded(commits, reply.commits))
                if reply.more:
                    mine = self._state.version_vector()
                    continue
                await self._finish(writing)
                writing = None
                if not await self._push_missing(peer.address, reply.version_vector):
                    return
                mine = after = self._state.version_vector()
        finally:
            if writing is not None:
                # Its transaction is shielded and finishes anyway; wait for it, so nothing
                # outlives the round, and leave its outcome to the next round.
                await asyncio.wait([writing])
                if not writing.cancelled():
                    writing.exception()

    async def _ask(
        self, peer: Peer, mine: dict[str, int], after: dict[str, int], digest: str,
        promises: dict[str, Promise],
    ) -> ExchangeReply:  # fmt: skip
        message = ExchangeMessage(
            self.node_id,
            mine,
            self.config.batch,
            self.membership.members(),
            digest,
            after={} if after == mine else after,
            promises=promises,
        )
        async with asyncio.timeout(self.config.timeout_s):
            reply = await self._transport.exchange(peer.address, message)
        sender = next((m.node_id for m in reply.members if m.address == peer.address), "")
        self.membership.learn(reply.members, sender)
        self.membership.ok(peer.address, sender, self._now_ms())
        self._acknowledged(sender, reply.version_vector)
        merge_promises(self.promises, reply.promises)
        return reply

    @staticmethod
    async def _finish(writing: asyncio.Task[list[Commit]] | None) -> None:
        if writing is not None:
            await writing

    async def _push_missing(self, address: str, theirs: dict[str, int]) -> bool:
        """Pushes one batch of what the peer lacks; True when there is more to send."""
        mine = self._state.version_vector()
        behind = [o for o, seq in mine.items() if seq > theirs.get(o, 0)]
        if not behind:
            return False
        try:
            blobs = await self._db.commits_after(theirs, behind, self.config.batch + 1)
        except LogPurgedError:
            return False  # the peer needs a snapshot: it asks for one on its own next round
        more = len(blobs) > self.config.batch
        blobs, cut = within_bytes(blobs[: self.config.batch], PUSH_BATCH_BYTES)
        more = more or cut
        async with asyncio.timeout(self.config.timeout_s):
            await self._transport.push(
                address, PushMessage(self.node_id, tuple(blobs), mine, self.membership.members())
            )
        self.stats.bytes_sent += sum(map(len, blobs))
        return more

    def _pick(self) -> Peer | None:
        peers = self.membership.peers()
        if not peers:
            return None
        now = self._now_ms()
        live = [p for p in peers if self.membership.state(p, now) is not PeerState.DEAD]
        # Mostly talk to live peers; now and then try a dead one to notice it came back.
        if live and (len(live) == len(peers) or self._rng.random() < 0.8):
            return self._rng.choice(live)
        return self._rng.choice(peers)

    async def run(self) -> None:
        """Runs until cancelled: per-peer senders and the anti-entropy loop."""
        async with asyncio.TaskGroup() as tasks:
            round_number = 0
            while True:
                for known in self.membership.peers():
                    if known.address not in self._outbox:
                        queue: asyncio.Queue[bytes] = asyncio.Queue()
                        self._outbox[known.address] = queue
                        tasks.create_task(self._sender(known.address, queue))
                peer = None if self.removed_from_cluster else self._pick()
                if peer is not None:
                    round_number += 1
                    self.stats.rounds += 1
                    try:
                        await self._exchange_with(
                            peer, round_number % self.config.digest_every == 0
                        )
                    except MemberRemovedError as err:
                        self._refused_as_removed(peer.address, err)
                    except (TransportError, TimeoutError, PeerMessageError) as err:
                        self.membership.failed(peer.address)
                        log.debug("anti-entropy with %s failed: %s", peer.address, err)
                    if round_number % self.config.purge_every == 0:
                        await self.purge()
                await asyncio.sleep(self.config.interval_s * (0.5 + self._rng.random()))
