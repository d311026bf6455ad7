"""`scripts/bench policy`: decision cost of the policy engine and index, and Authorize over gRPC.

Scenarios (each against the naive reference evaluator measured in the same run), each
cycling through questions with every outcome:
(a) one principal with 10 attached policies of 10 statements, with conditions and variables,
    scanned as one PolicyGroup as the node does (and, for comparison, policy by policy);
(b) the same policies over 10,000 principals, through the authorization index;
(c) one principal with 1,000 statements;
(d) a store of 100,000 users with two policies each and 10,000 managed policies, built with
    the real `State.apply_batch`, then loaded in a fresh process: resident memory, start-up
    (`State.load` + index warm) and decision cost;
then `Authorize` and `AuthorizeBatch` over gRPC against a signed no-op Ping: the node in its
own process, the client library in this one (so they share no interpreter lock), decisions
counted at the client, and the CPU each process spent per decision.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from iamstore.client import AsyncClient
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.bench.rpc import _measure
from iamstore.cluster.bench.stats import Result, table
from iamstore.cluster.process import NodeProcess
from iamstore.node.auth.index import PolicyIndex
from iamstore.node.commits.codec import Commit
from iamstore.node.domain import versions
from iamstore.node.domain.entities import (
    Account,
    Attachment,
    Change,
    ManagedPolicy,
    User,
)
from iamstore.node.domain.view import View
from iamstore.node.policy import (
    CompiledPolicy,
    PolicyGroup,
    PolicyKind,
    PolicySet,
    Request,
    compile_policy,
    evaluate,
    make_request,
    parse_policy,
)
from iamstore.node.state import State
from iamstore.node.storage.database import Database

ACCOUNT = "111122223333"
SERVICES = ("s3", "ec2", "dynamodb", "sqs", "sns", "lambda", "kms", "logs", "iam", "sts")
GiB = 1024**3
BATCH = 100  # questions per AuthorizeBatch call
ROUNDS = 3  # interleaved rounds of the gRPC benchmarks


def _reference() -> ModuleType:
    """The naive evaluator of the property tests, loaded by path (it lives with the tests)."""
    path = Path(__file__).resolve().parents[2] / "tests/property/policy/reference.py"
    spec = importlib.util.spec_from_file_location("iamstore_reference_evaluator", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def statement(i: int, service: str) -> dict[str, object]:
    """An Allow with a variable in its resource and three conditions; every fourth a Deny."""
    return {
        "Sid": f"S{i}",
        "Effect": "Deny" if i % 4 == 3 else "Allow",
        "Action": [f"{service}:Get*", f"{service}:List*", f"{service}:Describe{i}"],
        "Resource": f"arn:aws:{service}:::bucket-{i}/home/${{aws:username}}/*",
        "Condition": {
            "StringEquals": {"aws:PrincipalTag/team": ["blue", "green"]},
            "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]},
            "DateLessThan": {"aws:CurrentTime": "2100-01-01T00:00:00Z"},
        },
    }


def document(statements: list[dict[str, object]]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def ten_by_ten() -> list[str]:
    return [
        document([statement(p * 10 + s, SERVICES[(p + s) % len(SERVICES)]) for s in range(10)])
        for p in range(10)
    ]


def thousand() -> list[str]:
    return [document([statement(i, SERVICES[i % len(SERVICES)]) for i in range(1000)])]


CONTEXT = {
    "aws:username": "alice",
    "aws:principaltag/team": "blue",
    "aws:sourceip": "10.1.2.3",
    "aws:currenttime": "2024-01-01T00:00:00Z",
}
# Each scenario cycles through questions with every outcome, so the figures include
# statements that match (resource variables resolved, conditions tested), not only questions
# a prefilter turns away. (a), (b), (d): statements 0 and 28 are s3 Allows, 19 an s3 Deny, and
# no s3 statement names bucket-5. (c): statements 0 and 990 are s3 Allows, statement 3 an
# sqs Deny, and no s3 statement names bucket-5.
QUESTIONS_A = (
    ("s3:GetObject", "arn:aws:s3:::bucket-0/home/alice/file"),
    ("s3:GetObject", "arn:aws:s3:::bucket-19/home/alice/file"),
    ("s3:ListBucket", "arn:aws:s3:::bucket-28/home/alice/file"),
    ("s3:GetObject", "arn:aws:s3:::bucket-5/home/alice/file"),
)
QUESTIONS_C = (
    ("s3:GetObject", "arn:aws:s3:::bucket-0/home/alice/file"),
    ("s3:GetObject", "arn:aws:s3:::bucket-990/home/alice/file"),
    ("sqs:GetQueueAttributes", "arn:aws:sqs:::bucket-3/home/alice/file"),
    ("s3:GetObject", "arn:aws:s3:::bucket-5/home/alice/file"),
)
OUTCOMES = ("Allow", "ExplicitDeny", "Allow", "ImplicitDeny")  # of QUESTIONS_A; see the tests


def measure(name: str, decide: Callable[[int], object], count: int) -> Result:
    """`count` decisions, each timed; the result is in calls (decisions) per second."""
    for i in range(min(count, 2000)):  # warm-up: memo tables, caches, CPU clock
        decide(i)
    latencies: list[float] = []
    clock = time.perf_counter
    started = clock()
    for i in range(count):
        start = clock()
        decide(i)
        latencies.append(clock() - start)
    return Result(name, count, clock() - started, tuple(latencies))


def us(result: Result) -> float:
    return statistics.median(result.latencies_s) * 1e6


def compiled(docs: list[str]) -> tuple[CompiledPolicy, ...]:
    return tuple(
        compile_policy(parse_policy(d, PolicyKind.IDENTITY), f"p{i}") for i, d in enumerate(docs)
    )


def engine_pair(
    name: str, docs: list[str], questions: tuple[tuple[str, str], ...], count: int, ref: ModuleType
) -> tuple[Result, Result, Result]:
    """(fast engine as the node runs it, fast engine policy by policy, reference) on one
    principal. The node scans a principal's identity policies as one PolicyGroup."""
    arn = f"arn:aws:iam::{ACCOUNT}:user/alice"
    requests = [make_request(arn, a, r, context=CONTEXT) for a, r in questions]
    policies = compiled(docs)
    grouped = PolicySet(identity=(PolicyGroup(policies),))
    one_by_one = PolicySet(identity=policies)
    n = len(requests)
    fast = measure(name, lambda i: evaluate(requests[i % n], grouped), count)
    plain = measure(
        f"{name[:3]} policy by policy", lambda i: evaluate(requests[i % n], one_by_one), count
    )
    ref_requests = [ref.RefRequest(arn, a, r, None, dict(CONTEXT)) for a, r in questions]
    ref_policies = ref.RefPolicies(identity=[parse_policy(d, PolicyKind.IDENTITY) for d in docs])
    slow = measure(
        f"{name} (reference)",
        lambda i: ref.reference_decide(ref_requests[i % n], ref_policies),
        max(50, count // 200),
    )
    for request, ref_request in zip(requests, ref_requests, strict=True):
        expected = ref.reference_decide(ref_request, ref_policies)
        assert evaluate(request, grouped).outcome.value == expected
        assert evaluate(request, one_by_one).outcome.value == expected
    return fast, plain, slow


# --- stores ---------------------------------------------------------------------------


def store_changes(users: int, policies: int, docs: list[str]) -> list[list[Change]]:
    """Rows of one account: `policies` managed policies, `users` users with two each."""
    account = [Change.put(Account(ACCOUNT, "bench", 0, False))]
    managed: list[Change] = []
    for p in range(policies):
        policy_id = f"ANPA{p:017d}"
        record = ManagedPolicy(policy_id, ACCOUNT, f"policy-{p}", "/", 0)
        managed.append(Change.put(record))
        managed += versions.initial(record, docs[p % len(docs)], 0)[0]
    people: list[Change] = []
    for u in range(users):
        user_id = f"AIDA{u:017d}"
        people.append(Change.put(User(user_id, ACCOUNT, f"user-{u}", "/", 0, (("team", "blue"),))))
        for k in (u % policies, (u * 7 + 1) % policies):
            people.append(Change.put(Attachment(user_id, f"ANPA{k:017d}")))
    rows = account + managed + people
    return [rows[i : i + 20_000] for i in range(0, len(rows), 20_000)]


def view_with(users: int, policies: int, docs: list[str]) -> View:
    view = View()
    for batch in store_changes(users, policies, docs):
        for change in batch:
            view.apply(change)
    return view


def index_scenario(name: str, users: int, docs: list[str], count: int) -> Result:
    """Decisions cycling over `users` principals through the index (10 shared policies each)."""
    view = View()
    view.apply(Change.put(Account(ACCOUNT, "bench", 0, False)))
    for p, text in enumerate(docs):
        record = ManagedPolicy(f"ANPA{p:017d}", ACCOUNT, f"p{p}", "/", 0)
        for change in [Change.put(record), *versions.initial(record, text, 0)[0]]:
            view.apply(change)
    for u in range(users):
        view.apply(Change.put(User(f"AIDA{u:017d}", ACCOUNT, f"user-{u}", "/", 0)))
        for p in range(len(docs)):
            view.apply(Change.put(Attachment(f"AIDA{u:017d}", f"ANPA{p:017d}")))
    index = PolicyIndex(view)
    requests = _user_requests(min(users, 1000))
    ids = _user_ids(users)  # made beforehand: formatting an id is not part of a decision
    for user_id in ids:
        index.for_user(user_id)

    def decide(i: int) -> object:
        own = index.for_user(ids[i % users])
        return evaluate(requests[i % len(requests)], PolicySet(own.scanned, None, own.boundary))

    return measure(name, decide, count)


def _user_ids(users: int) -> list[str]:
    return [f"AIDA{u:017d}" for u in range(users)]


def _user_requests(users: int) -> list[Request]:
    """QUESTIONS_A asked by each of `users` users, interleaved (user-0's first, user-1's...)."""
    return [
        make_request(f"arn:aws:iam::{ACCOUNT}:user/user-{u}", action, resource, context=CONTEXT)
        for action, resource in QUESTIONS_A
        for u in range(users)
    ]


async def build_database(path: Path, users: int, policies: int) -> float:
    db = await Database.open(path, "OFF")
    state = await State.load(db)
    started = time.perf_counter()
    for seq, changes in enumerate(store_changes(users, policies, ten_by_ten()), 1):
        await state.apply_batch([Commit("bench", seq, seq, "bench", "Load", tuple(changes))])
    await db.close()
    return time.perf_counter() - started


async def load_and_decide(path: Path, users: int, count: int) -> dict[str, float]:
    """Run in a fresh process: start-up as a node does it, then RSS and decision cost."""
    started = time.perf_counter()
    db = await Database.open(path, "OFF")
    state = await State.load(db)
    loaded = time.perf_counter() - started
    index = PolicyIndex(state.view)
    requests = _user_requests(1000)
    # A node serves once State.load returns and compiles a principal's policies on its first
    # question: time that first question, then warm every principal as (b) and (d) expect.
    cold_started = time.perf_counter()
    cold = index.for_user(f"AIDA{users - 1:017d}")
    evaluate(requests[0], PolicySet(cold.scanned, None, cold.boundary))
    cold_s = time.perf_counter() - cold_started
    warm_started = time.perf_counter()
    ids = _user_ids(users)
    for user_id in ids:
        index.for_user(user_id)
    warm_s = time.perf_counter() - warm_started
    startup = time.perf_counter() - started

    def decide(i: int) -> object:
        own = index.for_user(ids[(i * 7919) % users])
        return evaluate(requests[i % len(requests)], PolicySet(own.scanned, None, own.boundary))

    result = measure("d", decide, count)
    await db.close()
    rss = _rss_bytes()
    return {
        "startup_s": startup,
        "load_s": loaded,
        "warm_s": warm_s,
        "cold_ms": cold_s * 1e3,
        "rss": rss,
        "us": us(result),
        "per_s": result.per_second,
    }


def _rss_bytes() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return float(line.split()[1]) * 1024
    return 0.0


# --- gRPC -----------------------------------------------------------------------------


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds a process has used (Linux /proc)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True, slots=True)
class RpcFigures:
    """One gRPC benchmark: calls timed at the client, and CPU each process spent on them."""

    result: Result
    decisions_per_call: int
    node_cpu_s: float
    client_cpu_s: float

    @property
    def decisions(self) -> int:
        return self.result.calls * self.decisions_per_call


async def _grpc(
    address: str, credentials_file: Path, node_pid: int, duration_s: float
) -> list[RpcFigures]:
    credentials = resolve_credentials(credentials_file=str(credentials_file))
    async with AsyncClient(address, credentials=credentials) as client:
        arn = (
            await client.create_user(user_name="alice", tags=[{"Key": "team", "Value": "blue"}])
        ).user.arn
        for i, text in enumerate(ten_by_ten()):
            made = await client.create_policy(policy_name=f"p{i}", policy_document=text)
            assert made.policy.arn is not None
            await client.attach_user_policy(user_name="alice", policy_arn=made.policy.arn)
        questions: list[dict[str, Any]] = [
            {"principal_arn": arn, "action": a, "resource_arn": r, "source_ip": "10.1.2.3"}
            for a, r in QUESTIONS_A
        ]
        batch = questions * (BATCH // len(questions))
        answers = await client.authorize_batch(requests=questions)
        assert tuple(r.decision for r in answers.results) == OUTCOMES
        await _measure("warm-up", lambda i: client.ping(), 1.0, 16)

        async def ping(i: int) -> object:
            return await client.ping()

        async def authorize(i: int) -> object:
            return await client.authorize(**questions[i % len(questions)])

        async def authorize_batch(i: int) -> object:
            return await client.authorize_batch(requests=batch)

        benchmarks = (
            ("Ping (signed no-op)", ping, 16, 1),
            ("Authorize", authorize, 16, 1),
            (f"AuthorizeBatch ({BATCH} each)", authorize_batch, 4, BATCH),
        )
        # Interleaved rounds, so that a burst of load from elsewhere on the machine falls on
        # every benchmark alike rather than on whichever ran at the time.
        runs: dict[str, list[tuple[Result, float, float]]] = {b[0]: [] for b in benchmarks}
        for _ in range(ROUNDS):
            for name, call, concurrency, _per_call in benchmarks:
                node_before, client_before = _cpu_s(node_pid), time.process_time()
                result = await _measure(name, call, duration_s / ROUNDS, concurrency)
                runs[name].append(
                    (
                        result,
                        _cpu_s(node_pid) - node_before,
                        time.process_time() - client_before,
                    )
                )
        figures: list[RpcFigures] = []
        for name, _call, _concurrency, per_call in benchmarks:
            parts = runs[name]
            result = Result(
                name,
                sum(r.calls for r, _, _ in parts),
                sum(r.seconds for r, _, _ in parts),
                tuple(latency for r, _, _ in parts for latency in r.latencies_s),
            )
            figures.append(
                RpcFigures(
                    result, per_call, sum(n for _, n, _ in parts), sum(c for _, _, c in parts)
                )
            )
        return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="scripts/bench policy", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a smaller store (d), shorter runs")
    parser.add_argument("--duration", type=float, default=None, help="seconds per gRPC benchmark")
    parser.add_argument("--load-only", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--users", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    count = 20_000 if args.quick else 100_000
    if args.load_only is not None:  # the fresh process of scenario (d)
        print(json.dumps(asyncio.run(load_and_decide(args.load_only, args.users, count))))
        return
    users, policies = (10_000, 1_000) if args.quick else (100_000, 10_000)
    duration = args.duration or (2.0 if args.quick else 5.0)
    ref = _reference()

    a, a_plain, a_ref = engine_pair(
        "(a) 10 policies x 10 stmts", ten_by_ten(), QUESTIONS_A, count, ref
    )
    b = index_scenario("(b) 10,000 principals", 10_000, ten_by_ten(), count)
    c, c_plain, c_ref = engine_pair(
        "(c) 1,000 statements", thousand(), QUESTIONS_C, count // 4, ref
    )
    with tempfile.TemporaryDirectory(prefix="iamstore-bench-") as tmp:
        path = Path(tmp) / "store.sqlite3"
        build_s = asyncio.run(build_database(path, users, policies))
        child = subprocess.run(
            [
                sys.executable,
                "-m",
                "iamstore.cluster.bench",
                "policy",
                "--load-only",
                str(path),
                "--users",
                str(users),
            ]
            + (["--quick"] if args.quick else []),
            capture_output=True,
            text=True,
            check=True,
        )
        d = json.loads(child.stdout.strip().splitlines()[-1])
        node = NodeProcess(Path(tmp) / "node")
        with node:
            assert node.address is not None
            assert node.pid is not None
            rpc = asyncio.run(_grpc(node.address, node.credentials_file, node.pid, duration))

    print(f"policy benchmark{' (quick)' if args.quick else ''}: one core, figures per decision\n")
    header = f"{'scenario':<40}{'decisions/s':>13}{'median us':>11}{'vs reference':>14}  goal"
    print(header)
    print("-" * (len(header) + 30))
    rows = [
        (a, a_ref, "median <= 10 us"),
        (a_plain, a_ref, ""),
        (b, a_ref, f"within 1.5x of (a): {us(b) / us(a):.2f}x"),
        (c, c_ref, "median <= 50 us"),
        (c_plain, c_ref, ""),
    ]
    for fast, slow, goal in rows:
        ratio = fast.per_second / slow.per_second if slow.per_second else 0.0
        print(f"{fast.name:<40}{fast.per_second:>13,.0f}{us(fast):>11.2f}{ratio:>13,.0f}x  {goal}")
    for slow in (a_ref, c_ref):
        print(f"{slow.name:<40}{slow.per_second:>13,.0f}{us(slow):>11.2f}{'1x':>14}")
    label = f"(d) {users:,} users, {policies:,} policies"
    print(
        f"{label:<40}{d['per_s']:>13,.0f}{d['us']:>11.2f}{'':>14}  "
        f"within 1.5x of (a): {d['us'] / us(a):.2f}x"
    )
    print(
        f"\n(d) store built with State.apply_batch in {build_s:.1f} s; fresh process: "
        f"start-up (State.load + index warm) {d['startup_s']:.2f} s (goal < 10 s), "
        f"resident {d['rss'] / 2**20:,.0f} MiB (goal < 1 GiB)\n"
        f"    State.load {d['load_s']:.2f} s (the node serves from here); warming every "
        f"principal {d['warm_s']:.2f} s; a principal not yet warmed compiles on demand: "
        f"its first decision took {d['cold_ms']:.2f} ms\n"
    )
    results = [f.result for f in rpc]
    print(
        "gRPC: the node in its own process, the client in this one; every call signed and "
        "verified; decisions counted at the client\n"
    )
    print(table(results, results[0]))
    print(f"\n{'CPU per decision':<28}{'node us':>12}{'client us':>11}")
    for f in rpc:
        print(
            f"{f.result.name:<28}{f.node_cpu_s / f.decisions * 1e6:>12.1f}"
            f"{f.client_cpu_s / f.decisions * 1e6:>11.1f}"
        )
    ping, one, many = rpc
    print(
        f"\nAuthorize throughput is {one.result.per_second / ping.result.per_second:.0%} of the "
        f"no-op's (goal: at least 80%); AuthorizeBatch decides "
        f"{many.result.per_second * many.decisions_per_call:,.0f} decisions/s end to end "
        f"(goal: at least 30,000), {many.decisions / many.node_cpu_s:,.0f} per second of node CPU"
    )
