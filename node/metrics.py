"""The node's Prometheus metrics: replication figures read at scrape time, and their endpoint.

Each node owns its own `CollectorRegistry`, so several nodes in one process (tests, the
in-memory cluster) never share or double-register metrics. Replication figures are not
copied on every event: a collector reads the Replicator's counters when Prometheus scrapes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector

from iamstore.node.replication.gossip import Replicator
from iamstore.node.replication.membership import PeerState
from iamstore.node.state import State
from iamstore.node.state.usage import UsageTracker

REQUEST_TIMEOUT_S = 5.0

# Authorization answers from an in-memory index: buckets from 50 µs to 100 ms.
AUTHORIZATION_BUCKETS = (
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
)  # fmt: skip


class ReplicationCollector(Collector):
    """Reads a Replicator's counters, lag and peer states each time the registry is scraped."""

    def __init__(self, replicator: Replicator, state: State, now_ms: Callable[[], int]) -> None:
        self._replicator = replicator
        self._state = state
        self._now_ms = now_ms

    def collect(self) -> Iterator[Metric]:
        stats = self._replicator.stats
        lag = GaugeMetricFamily(
            "iamstore_replication_lag_seconds",
            "Receive time minus commit time of the last commit applied from each origin.",
            labels=["origin"],
        )
        for origin, lag_ms in sorted(stats.lag_ms.items()):
            lag.add_metric([origin], lag_ms / 1000)
        yield lag
        counters = (
            ("iamstore_commits_received", "Commits received from peers.", stats.commits_received),
            (
                "iamstore_commits_applied_from_peers",
                "Peer commits applied here (the rest were duplicates or out of order).",
                stats.commits_applied_from_peers,
            ),
            ("iamstore_gossip_rounds", "Anti-entropy rounds started.", stats.rounds),
            (
                "iamstore_refused_messages",
                "Peer messages refused whole (malformed, or a clock far ahead).",
                stats.refused_messages,
            ),
            (
                "iamstore_digest_mismatches",
                "Digest comparisons that differed at equal version vectors (a bug if ever > 0).",
                stats.digest_mismatches,
            ),
        )
        for name, documentation, value in counters:
            yield CounterMetricFamily(name, documentation, value=value)
        gossip_bytes = CounterMetricFamily(
            "iamstore_gossip_bytes", "Commit bytes exchanged with peers.", labels=["direction"]
        )
        gossip_bytes.add_metric(["sent"], stats.bytes_sent)
        gossip_bytes.add_metric(["received"], stats.bytes_received)
        yield gossip_bytes
        peers = GaugeMetricFamily("iamstore_peers", "Known peers by state.", labels=["state"])
        membership = self._replicator.membership
        now = self._now_ms()
        counts = dict.fromkeys(PeerState, 0)
        for peer in membership.peers():
            counts[membership.state(peer, now)] += 1
        for state, count in counts.items():
            peers.add_metric([state.value], count)
        yield peers
        applied = GaugeMetricFamily(
            "iamstore_applied_sequence",
            "Highest contiguous commit sequence applied per origin (the version vector).",
            labels=["origin"],
        )
        for origin, seq in sorted(self._state.version_vector().items()):
            applied.add_metric([origin], seq)
        yield applied


class UsageCollector(Collector):
    """Reads the usage tracker's bounds each scrape: what its caps turned away, what it holds."""

    def __init__(self, usage: UsageTracker) -> None:
        self._usage = usage

    def collect(self) -> Iterator[Metric]:
        usage = self._usage
        yield CounterMetricFamily(
            "iamstore_usage_dropped",
            "Attempts not recorded for last-accessed data: the pending pairs were at their cap.",
            value=usage.dropped,
        )
        yield CounterMetricFamily(
            "iamstore_usage_refused",
            "New usage stamps not written: this node's own stamps were at their cap.",
            value=usage.refused,
        )
        yield GaugeMetricFamily(
            "iamstore_usage_pending",
            "Distinct uses recorded in memory and not yet written as stamps.",
            value=usage.pending,
        )


@dataclass(frozen=True, slots=True)
class NodeMetrics:
    """One node's registry and the metrics other parts of the node observe directly."""

    registry: CollectorRegistry
    authorization_seconds: Histogram
    authorization_decisions: Counter

    @classmethod
    def create(cls) -> NodeMetrics:
        """The registry and the metrics observed directly; the replication figures join it
        with `watch_replication` once the replicator exists."""
        registry = CollectorRegistry(auto_describe=True)
        return cls(
            registry=registry,
            authorization_seconds=Histogram(
                "iamstore_authorization_seconds",
                "Time to answer one authorization question, from request context to decision.",
                buckets=AUTHORIZATION_BUCKETS,
                registry=registry,
            ),
            authorization_decisions=Counter(
                "iamstore_authorization_decisions",
                "Authorization decisions by outcome (allow, explicit deny, implicit deny).",
                labelnames=["decision"],
                registry=registry,
            ),
        )

    def watch_replication(
        self, replicator: Replicator, state: State, now_ms: Callable[[], int]
    ) -> None:
        """Adds the replication figures, read from `replicator` and `state` at scrape time."""
        self.registry.register(ReplicationCollector(replicator, state, now_ms))

    def render(self) -> bytes:
        """The text exposition format, as a scrape would receive it."""
        return generate_latest(self.registry)


class MetricsServer:
    """A minimal HTTP/1.1 endpoint on the node's own event loop: GET /metrics, then close.

    Scrapes run on the loop, between the node's own steps, so the collector reads the
    Replicator's counters without racing it (no exporter thread).
    """

    def __init__(self, registry: CollectorRegistry) -> None:
        self._registry = registry
        self._server: asyncio.Server | None = None

    async def start(self, host: str, port: int) -> str:
        """Listens on `host:port` (0 picks a free port) and returns the actual address."""
        self._server = await asyncio.start_server(self._handle, host, port)
        bound = self._server.sockets[0].getsockname()
        return f"{host}:{bound[1]}"

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT_S):
                request = (await reader.readline()).decode("latin-1").split()
                while (await reader.readline()).strip():
                    pass  # headers: nothing in them changes the answer
            writer.write(self._respond(request))
            await writer.drain()
        except (TimeoutError, ConnectionError, UnicodeDecodeError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    def _respond(self, request: list[str]) -> bytes:
        if len(request) != 3 or request[0] not in ("GET", "HEAD"):
            return _response("405 Method Not Allowed", "text/plain", b"only GET is served\n")
        if request[1].split("?")[0] not in ("/", "/metrics"):
            return _response("404 Not Found", "text/plain", b"metrics are at /metrics\n")
        body = generate_latest(self._registry)
        return _response("200 OK", CONTENT_TYPE_LATEST, b"" if request[0] == "HEAD" else body)


def _response(status: str, content_type: str, body: bytes) -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode("latin-1") + body
