"""A health checker that asks a node again and again while something else runs, and keeps the
longest wait for an answer: how long the node's event loop left its callers waiting."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from types import TracebackType

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

# Pause between two checks: often enough to see any stall of more than a few milliseconds.
INTERVAL_S = 0.005


@dataclass(frozen=True, slots=True)
class ProbeResult:
    answered: int  # checks answered while the probe ran
    longest_s: float  # the longest a check waited for its answer


class HealthProbe:
    """`with HealthProbe(address) as probe: ...` then `probe.result()`.

    The checks run on a thread of their own and a channel of their own; a check still waiting
    when the block ends counts with the time it had waited by then.
    """

    def __init__(self, address: str) -> None:
        self._address = address
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="health-probe", daemon=True)
        self._answered = 0
        self._longest_s = 0.0
        self._waiting_since: float | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> HealthProbe:
        self._channel = grpc.insecure_channel(self._address)
        stub = health_pb2_grpc.HealthStub(self._channel)
        stub.Check(health_pb2.HealthCheckRequest(), timeout=30)  # connected before timing
        self._stub = stub
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        with self._lock:
            if self._waiting_since is not None:
                waited = time.perf_counter() - self._waiting_since
                self._longest_s = max(self._longest_s, waited)
        self._thread.join(120)
        self._channel.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.perf_counter()
            with self._lock:
                self._waiting_since = started
            self._stub.Check(health_pb2.HealthCheckRequest(), timeout=120)
            waited = time.perf_counter() - started
            with self._lock:
                self._waiting_since = None
                if not self._stop.is_set():
                    self._answered += 1
                    self._longest_s = max(self._longest_s, waited)
            self._stop.wait(INTERVAL_S)

    def result(self) -> ProbeResult:
        with self._lock:
            return ProbeResult(self._answered, self._longest_s)
