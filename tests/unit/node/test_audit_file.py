"""The audit stream's file: what is recorded before a stop is on disk when the writer ends."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path

import pytest

from iamstore.node.audit import AuditDecision, AuditEvent, AuditLog


def _record(log: AuditLog, name: str) -> None:
    log.record(
        account_id="123456789012",
        principal="arn:aws:iam::123456789012:root",
        action="iam:CreateUser",
        resource=f"arn:aws:iam::123456789012:user/{name}",
        decision=AuditDecision.ALLOW,
    )


async def test_a_batch_being_written_when_the_writer_is_cancelled_is_on_disk_when_it_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The node stops its writer by cancelling it. A batch the writer thread had in hand then
    # went on being written after the stop returned (and was lost if the process exited).
    path = tmp_path / "audit.jsonl"
    log = AuditLog("n1", lambda: 0, path=path)
    in_thread, let_go = threading.Event(), threading.Event()
    append = log._append

    def slow_append(events: list[AuditEvent]) -> None:
        if any(event.resource.endswith("/first") for event in events):
            in_thread.set()
            let_go.wait(30)  # a bound for the test itself, not a timing assertion
        append(events)

    monkeypatch.setattr(log, "_append", slow_append)
    writer = asyncio.create_task(log.run())
    _record(log, "first")
    await asyncio.to_thread(in_thread.wait, 30)
    _record(log, "second")  # recorded while the first is being written
    writer.cancel()
    # The first batch is let go only once the cancelled writer has had its turn to end.
    asyncio.get_running_loop().call_soon(let_go.set)
    with pytest.raises(asyncio.CancelledError):
        await writer
    written = [json.loads(line)["resource"] for line in path.read_text().splitlines()]
    assert [r.rsplit("/", 1)[1] for r in written] == ["first", "second"]
