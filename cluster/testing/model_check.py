"""Deterministic replication model checker: five replicas, seeded faults and writes, history checks.

Every replica is a real `State` + `Replicator` + `Writer` over its own in-memory SQLite
database. All of them run in one event loop whose clock is virtual (it jumps to the next timer
when nothing is ready) and whose database calls run inline instead of on threads, so a seed
fixes the whole run: the faults (partitions, heals, message loss, duplicated and delayed
messages, node restarts), the writes, and every interleaving. A failing seed is printed and
replays with `python -m iamstore.cluster.testing.model_check --seed S`.

The writes are every IAM write operation (model_check_workload.py) over a few shared names,
so many nodes write each record at once. Checked: the invariants of node/domain/invariants.py
after every apply on every replica; that a replica covering a write's consistency token holds
what the write depended on; once the faults stop, every replica reaches the same version
vector and digest within a bound; every acknowledged commit is on every replica and every row
equals the newest write to it; every replica meets the
sequential specification of the acknowledged policy, tag and sign-in duration writes and of
service-linked roles (model_check_spec.py); each replica
holds a gap-free prefix of each origin's log; version vectors never go backwards (restarts
included); and no digest mismatch is ever reported. Purging runs with a
two-second grace, so logs lose acknowledged prefixes and tombstones disappear mid-run; the
checks accept a purged tombstone as equal to the newest write being a delete.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from iamstore.cluster.testing import model_check_spec, model_check_workload
from iamstore.cluster.testing.inline_sqlite import open_memory_database
from iamstore.cluster.testing.virtual_replica import ReplicaFaults, VirtualReplica
from iamstore.cluster.testing.virtual_time import ModelCheckFailure, VirtualTimeLoop
from iamstore.node.commits.codec import Commit, encode_row
from iamstore.node.domain import invariants
from iamstore.node.domain.entities import Change, ManagedPolicy, PolicyVersion
from iamstore.node.domain.errors import IamError
from iamstore.node.domain.rules import Quotas
from iamstore.node.domain.tagging import Taggable
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext
from iamstore.node.ids import IdSource
from iamstore.node.replication.gossip import GossipConfig
from iamstore.node.replication.transport import MemoryNetwork
from iamstore.node.state import ConsistencyToken, State
from iamstore.node.storage.database import Database
from iamstore.wire.consistency import parse_token

ACCOUNT = model_check_workload.ACCOUNT
EPOCH_MS = 1_700_000_000_000  # virtual time starts here, so HLCs look like real ones
# Every write operation (model_check_workload.py), creates and policy-version operations
# weighted up so that many writers on many nodes keep hitting the same live records (the rest
# are often refused by AWS's preconditions, e.g. deleting a user still in a group).
_POLICY_OPERATIONS = (
    "CreatePolicy",
    "CreatePolicyVersion",
    "SetDefaultPolicyVersion",
    "DeletePolicyVersion",
    "TagPolicy",
)
WRITE_MIX = (
    tuple(model_check_workload.WRITE_OPERATIONS)
    + tuple(op for op in model_check_workload.WRITE_OPERATIONS if op.startswith("Create")) * 2
    + _POLICY_OPERATIONS * 8
)


# --- history and checks -----------------------------------------------------------------------

Key = tuple[str, str]  # (table, key)
Stamp = tuple[int, str]  # (hlc, origin)


@dataclass(frozen=True, slots=True)
class ReplicaSnapshot:
    """What a replica holds, read through its public surface once it has settled."""

    name: str
    vector: dict[str, int]
    stored: dict[Key, tuple[Stamp, bytes | None]]  # SQLite's rows
    view: dict[Key, bytes]  # the in-memory view's live rows, encoded
    seqs: dict[str, list[int]]  # the commit log's sequence numbers per origin, in order
    digest: str


def newest_writes(history: Sequence[Commit]) -> dict[Key, tuple[Stamp, bytes | None]]:
    """The model: each row is the image written by the commit with the largest (hlc, origin)."""
    newest: dict[Key, tuple[Stamp, bytes | None]] = {}
    for commit in history:
        stamp = (commit.hlc, commit.origin)
        for change in commit.changes:
            key = (change.table, change.key)
            if key not in newest or stamp > newest[key][0]:
                newest[key] = (stamp, None if change.row is None else encode_row(change.row))
    return newest


def check_replica(history: Sequence[Commit], snapshot: ReplicaSnapshot) -> list[str]:
    """Every way `snapshot` differs from the model of the acknowledged `history`."""
    name, problems = snapshot.name, []
    expected_vector: dict[str, int] = {}
    for commit in history:
        expected_vector[commit.origin] = max(expected_vector.get(commit.origin, 0), commit.seq)
    for origin, seq in sorted(expected_vector.items()):
        if snapshot.vector.get(origin, 0) < seq:
            first_lost = snapshot.vector.get(origin, 0) + 1
            problems.append(f"{name} lost acknowledged {origin}:{first_lost}")
    for origin, seqs in sorted(snapshot.seqs.items()):
        # Purging drops a prefix of each origin's log: what is left must be gap-free.
        if seqs != list(range(seqs[0], seqs[0] + len(seqs))):
            problems.append(f"{name} holds a gapped log of {origin}: {seqs[:10]}")
        if seqs[-1] != snapshot.vector.get(origin, 0):
            problems.append(f"{name}'s vector disagrees with its log for {origin}")
    model = newest_writes(history)
    for key in sorted(model.keys() | snapshot.stored.keys()):
        purged = model[key][1] is None and key not in snapshot.stored if key in model else False
        if model.get(key) != snapshot.stored.get(key) and not purged:
            problems.append(f"{name} stores {key} as {snapshot.stored.get(key)}, not the newest")
        live = model.get(key, ((0, ""), None))[1]
        if snapshot.view.get(key) != live:
            problems.append(f"{name}'s view differs from the newest write at {key}")
    for key in sorted(snapshot.view.keys() - model.keys()):
        problems.append(f"{name}'s view holds {key} that no write made")
    return problems


async def snapshot_of(name: str, state: State, db: Database) -> ReplicaSnapshot:
    stored = {
        (table, key): ((hlc, origin), body)
        for table, key, hlc, origin, body in await db.load_rows()
    }
    view = {(row.TABLE, row.key): encode_row(row) for row in state.view.rows()}
    seqs: dict[str, list[int]] = {}
    for origin, seq, *_ in sorted(await db.commits(), key=lambda c: (c[0], c[1])):
        seqs.setdefault(origin, []).append(seq)
    return ReplicaSnapshot(name, state.version_vector(), stored, view, seqs, state.digest())


# --- the run ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModelCheckConfig:
    nodes: int = 5
    fault_s: float = 20.0  # virtual seconds of writes under faults
    converge_within_s: float = 30.0  # virtual seconds allowed to converge once faults stop
    step_s: float = 0.02  # mean virtual time between two actions
    # A new, empty node joins this far into the faulty phase (None: none joins). Logs have
    # been purged by then, so it must bootstrap from a snapshot while faults go on.
    join_at: float | None = 0.5
    gossip: GossipConfig = field(
        default_factory=lambda: GossipConfig(
            interval_s=0.1,
            fanout=2,
            batch=40,
            digest_every=3,
            timeout_s=0.5,
            # A short grace, so purges (and the snapshots they force) happen during the run.
            purge_grace_ms=2_000,
            purge_every=4,
        )
    )


@dataclass(frozen=True, slots=True)
class ModelCheckReport:
    seed: int
    commits: int
    rejected_writes: int
    restarts: int
    partitions: int
    converged_after_s: float
    purged_commits: int  # log entries purged, summed over replicas
    snapshots_installed: int  # summed over replicas
    tombstones_purged: int  # summed over replicas
    fingerprint: str  # equal for two runs of one seed: the run is deterministic

    def summary(self) -> str:
        return (
            f"seed {self.seed}: {self.commits} commits ({self.rejected_writes} writes refused), "
            f"{self.partitions} partitions, {self.restarts} restarts, converged "
            f"{self.converged_after_s:.2f} s (virtual) after faults stopped, "
            f"{self.purged_commits} log entries and {self.tombstones_purged} tombstones purged, "
            f"{self.snapshots_installed} snapshots installed [{self.fingerprint}]"
        )


class ModelCheck:
    def __init__(self, seed: int, config: ModelCheckConfig | None = None) -> None:
        self.seed = seed
        self.config = config or ModelCheckConfig()
        self.rng = random.Random(seed)
        self.faults = ReplicaFaults(random.Random(self.rng.random()))
        self.network = MemoryNetwork(before_delivery=self.faults.before_delivery)
        self.ids = IdSource(random.Random(self.rng.random()))
        self.names = [f"sim-{i}" for i in range(self.config.nodes)]
        self.replicas: list[VirtualReplica] = []
        self.history: list[Commit] = []
        self.tokens: list[tuple[str, int]] = []
        self.acked: list[model_check_spec.Acked] = []
        self.rejected = 0
        self.partitions = 0
        self.down_until: dict[str, float] = {}
        self.highest: dict[str, dict[str, int]] = {name: {} for name in self.names}
        self.problems: list[str] = []

    def fail(self, message: str) -> ModelCheckFailure:
        return ModelCheckFailure(
            f"seed {self.seed}: {message}\n"
            f"replay: python -m iamstore.cluster.testing.model_check --seed {self.seed}"
        )

    async def run(self) -> ModelCheckReport:
        loop = asyncio.get_running_loop()
        try:
            for name in self.names:
                await self._add_replica(name, tuple(n for n in self.names if n != name))
        except BaseException:
            await self._shut_down()
            raise
        monitor = asyncio.create_task(self._monitor())
        try:
            fault_end = loop.time() + self.config.fault_s
            if self.config.join_at is not None:
                await self._faulty_phase(loop.time() + self.config.join_at * self.config.fault_s)
                joiner = f"sim-{len(self.names)}"
                # It knows every member; they learn of it from its first gossip.
                await self._add_replica(joiner, tuple(self.names))
                self.names.append(joiner)
                self.highest[joiner] = {}
            await self._faulty_phase(fault_end)
            calm_at = loop.time()
            await self._calm()
            converged_at = await self._converge(calm_at + self.config.converge_within_s)
            if self.problems:
                raise self.fail(self.problems[0])
            return await self._final_checks(converged_at - calm_at)
        finally:
            monitor.cancel()
            await self._shut_down()

    async def _shut_down(self) -> None:
        # INVARIANT: every replica's database closes, however the run ends, a stop included.
        try:
            for replica in self.replicas:
                await replica.stop()
        finally:
            for replica in self.replicas:
                await asyncio.shield(replica.db.close())

    async def _add_replica(self, name: str, peers: tuple[str, ...]) -> None:
        loop = asyncio.get_running_loop()
        skew = self.rng.randint(-50, 50)  # clocks disagree a little, as real ones do
        replica = VirtualReplica(
            name=name,
            peers=peers,
            db=await open_memory_database(),
            wall_ms=_wall_clock(loop, skew),
            rng=random.Random(self.rng.random()),
            gossip=self.config.gossip,
            network=self.network,
            faults=self.faults,
            on_commit=self.history.append,
            on_apply=self._check_invariants,
        )
        self.replicas.append(replica)
        await replica.start()

    async def _faulty_phase(self, until: float) -> None:
        loop = asyncio.get_running_loop()
        while loop.time() < until:
            for replica in self.replicas:
                if not replica.up and loop.time() >= self.down_until[replica.name]:
                    await replica.start()
            roll = self.rng.random()
            if roll < 0.03:
                self._partition()
            elif roll < 0.06:
                self.network.blocked.clear()
            elif roll < 0.075:
                await self._crash(loop.time())
            elif roll < 0.09:
                self._change_fault_rates()
            else:
                await self._write()
            await asyncio.sleep(self.rng.expovariate(1 / self.config.step_s))

    def _partition(self) -> None:
        self.partitions += 1
        names = list(self.names)
        self.rng.shuffle(names)
        cut = self.rng.randint(1, len(names) - 1)
        side = set(names[:cut])
        self.network.blocked.clear()
        for a in self.names:
            for b in self.names:
                if (a in side) != (b in side):
                    self.network.blocked.add((a, b))

    async def _crash(self, now: float) -> None:
        up = [r for r in self.replicas if r.up]
        if len(up) <= 2:
            return
        victim = self.rng.choice(up)
        self.down_until[victim.name] = now + self.rng.uniform(0.1, 3.0)
        await victim.stop()

    def _change_fault_rates(self) -> None:
        self.faults.loss = self.rng.choice((0.0, 0.05, 0.2, 0.5))
        self.faults.reply_loss = self.rng.choice((0.0, 0.05, 0.2))
        self.faults.duplicate = self.rng.choice((0.0, 0.1, 0.3))
        self.faults.delay = self.rng.choice((0.0, 0.2, 0.6))

    async def _write(self) -> None:
        replica = self.rng.choice([r for r in self.replicas if r.up])
        assert replica.writer is not None
        assert replica.state is not None
        state = replica.state
        ctx = WriteContext(
            ACCOUNT, replica.wall_ms(), Quotas(), self.ids.unique_id, origin=replica.name
        )
        operation = self.rng.choice(WRITE_MIX)
        plan, intent = model_check_workload.plan_for(operation, self.rng, state.view)
        planned: dict[str, object] = {}

        def run(view: View) -> tuple[list[Change], object]:
            # Runs under the apply lock: the vector now is exactly what the write depends on.
            planned["vector"] = state.version_vector()
            named = view.policies.named(ACCOUNT, intent.policy or "")
            planned["policy_id"] = None if named is None else named.policy_id
            return plan(view, ctx)

        try:
            result, token = await replica.writer.write("simulation", operation, run)
        except IamError:
            self.rejected += 1
            return
        if token is None:
            return
        self.tokens.append((token.origin, token.seq))
        self._acknowledged(operation, intent, planned, result, token, state)

    def _acknowledged(
        self,
        operation: str,
        intent: model_check_workload.Intent,
        planned: dict[str, object],
        result: object,
        token: ConsistencyToken,
        state: State,
    ) -> None:
        policy_id = planned["policy_id"]
        version_id, document = intent.version_id, None
        if isinstance(result, PolicyVersion):  # CreatePolicyVersion
            policy_id, version_id, document = result.policy_id, result.version_id, result.document
        elif isinstance(result, ManagedPolicy):  # CreatePolicy
            policy_id, version_id, document = result.policy_id, "v1", intent.document
        commit = next(
            c for c in reversed(self.history) if (c.origin, c.seq) == (token.origin, token.seq)
        )
        vector = planned["vector"]
        assert isinstance(vector, dict)
        tagged = None
        if intent.tags and isinstance(result, Taggable):  # TagX/UntagX: the entity tagged
            tagged = (result.TABLE, result.key, result.created_ms)
        signin_duration = None
        if isinstance(result, model_check_workload.SigninDurationWrite):
            entity = result.entity
            signin_duration = ((entity.TABLE, entity.key, entity.created_ms), result.seconds)
        write = model_check_spec.Acked(
            operation=operation,
            stamp=(commit.hlc, commit.origin),
            policy_name=intent.policy,
            policy_id=policy_id if isinstance(policy_id, str) else None,
            version_id=version_id,
            document=document,
            sets_default=intent.sets_default,
            token=parse_token(token.encode()),
            depends_on=vector,
            tagged=tagged,
            tags=intent.tags,
            signin_duration=signin_duration,
        )
        problem = model_check_spec.reused_version_id(self.acked, write)
        if problem is not None:
            self.problems.append(problem)
        self.acked.append(write)

    def _check_invariants(self, replica: VirtualReplica) -> None:
        """After every apply on every replica: the invariants no merge may break."""
        assert replica.state is not None
        for problem in invariants.violations(replica.state.view)[:1]:
            self.problems.append(f"{replica.name}: {problem}")

    async def _calm(self) -> None:
        self.faults.calm()
        self.network.blocked.clear()
        for replica in self.replicas:
            if not replica.up:
                await replica.start()

    async def _converge(self, deadline: float) -> float:
        loop = asyncio.get_running_loop()
        while loop.time() < deadline:
            states = [r.state for r in self.replicas if r.state is not None]
            vectors = [s.version_vector() for s in states]
            if all(v == vectors[0] for v in vectors) and len({s.digest() for s in states}) == 1:
                return loop.time()
            await asyncio.sleep(0.05)
        raise self.fail(
            f"replicas did not converge within {self.config.converge_within_s} s: "
            + "; ".join(f"{r.name} {r.state.version_vector()}" for r in self.replicas if r.state)
        )

    async def _monitor(self) -> None:
        """Samples every replica: version vectors never shrink, logs never have gaps."""
        while True:
            await asyncio.sleep(0.25)
            for replica in self.replicas:
                if replica.state is None:
                    continue
                covered = replica.state.version_vector()
                for write in self.acked[-50:]:
                    problem = model_check_spec.token_problem(write, covered, replica.name)
                    if problem is not None:
                        self.problems.append(problem)
                highest = self.highest[replica.name]
                for origin, seq in replica.state.version_vector().items():
                    if seq < highest.get(origin, 0):
                        self.problems.append(
                            f"{replica.name}'s vector went back for {origin}: "
                            f"{highest[origin]} -> {seq}"
                        )
                    highest[origin] = max(seq, highest.get(origin, 0))
                by_origin: dict[str, list[int]] = {}
                for origin, seq, *_ in await replica.db.commits():
                    by_origin.setdefault(origin, []).append(seq)
                for origin, seqs in by_origin.items():
                    seqs.sort()
                    if seqs != list(range(seqs[0], seqs[0] + len(seqs))):
                        self.problems.append(f"{replica.name} stored a gap in {origin}'s log")

    async def _final_checks(self, converged_after_s: float) -> ModelCheckReport:
        acknowledged = {(c.origin, c.seq) for c in self.history}
        missing = [t for t in self.tokens if t not in acknowledged]
        if missing:
            raise self.fail(f"acknowledged writes missing from the history: {missing[:5]}")
        problems: list[str] = []
        digests: set[str] = set()
        purged = snapshots = tombstones = 0
        for replica in self.replicas:
            purged += sum(seq for seq, _ in (await replica.db.log_floors()).values())
            assert replica.state is not None
            assert replica.replicator is not None
            snapshot = await snapshot_of(replica.name, replica.state, replica.db)
            problems += check_replica(self.history, snapshot)
            problems += model_check_spec.final_problems(
                self.acked, replica.state.view, replica.name
            )
            digests.add(snapshot.digest)
            stats = replica.replicator.stats
            snapshots += replica.snapshots_installed + stats.snapshots_installed
            tombstones += replica.tombstones_purged + stats.tombstones_purged
            mismatches = replica.digest_mismatches + replica.replicator.stats.digest_mismatches
            if mismatches:
                problems.append(f"{replica.name} reported {mismatches} digest mismatches")
        if problems:
            raise self.fail("; ".join(problems[:5]))
        fingerprint = hashlib.sha256(
            f"{sorted(digests)}|{len(self.history)}|{converged_after_s:.6f}".encode()
        ).hexdigest()[:16]
        return ModelCheckReport(
            seed=self.seed,
            commits=len(self.history),
            rejected_writes=self.rejected,
            restarts=sum(r.restarts for r in self.replicas),
            partitions=self.partitions,
            converged_after_s=converged_after_s,
            purged_commits=purged,
            snapshots_installed=snapshots,
            tombstones_purged=tombstones,
            fingerprint=fingerprint,
        )


def _wall_clock(loop: asyncio.AbstractEventLoop, skew_ms: int) -> Callable[[], int]:
    return lambda: EPOCH_MS + int(loop.time() * 1000) + skew_ms


def run_model_check(seed: int, config: ModelCheckConfig | None = None) -> ModelCheckReport:
    """Runs one seeded model check on its own virtual-time loop; raises ModelCheckFailure."""
    with asyncio.Runner(loop_factory=VirtualTimeLoop) as runner:
        return runner.run(ModelCheck(seed, config).run())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m iamstore.cluster.testing.model_check", description=__doc__
    )
    parser.add_argument("--seed", type=int, default=None, help="replay this one seed")
    parser.add_argument("--seeds", type=int, default=10, help="how many seeds to run from --first")
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--fault-seconds", type=float, default=20.0)
    args = parser.parse_args(argv)
    seeds = [args.seed] if args.seed is not None else range(args.first, args.first + args.seeds)
    config = ModelCheckConfig(fault_s=args.fault_seconds)
    failed = 0
    for seed in seeds:
        started = time.perf_counter()
        try:
            report = run_model_check(seed, config)
        except ModelCheckFailure as failure:
            failed += 1
            print(f"FAILED {failure}", flush=True)
            continue
        print(f"{report.summary()} in {time.perf_counter() - started:.1f} s", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
