"""An acknowledged write survives `kill -9` of its node (a real node process)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from iamstore.client import Client, IamError
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.process import NodeProcess


@pytest.mark.slow
def test_acknowledged_writes_survive_kill_9(tmp_path: Path) -> None:
    node = NodeProcess(tmp_path / "node")
    acknowledged: list[str] = []
    try:
        address = node.start()
        credentials = resolve_credentials(credentials_file=str(node.credentials_file))
        stop = threading.Event()

        def write_until_killed() -> None:
            with Client(address, credentials=credentials, timeout=5) as client:
                for i in range(10_000):
                    if stop.is_set():
                        return
                    name = f"u{i}"
                    try:
                        client.create_user(user_name=name)
                    except IamError:
                        return  # the node died under us: this write was never acknowledged
                    acknowledged.append(name)

        writer = threading.Thread(target=write_until_killed)
        writer.start()
        while len(acknowledged) < 50 and writer.is_alive():
            threading.Event().wait(0.01)
        node.kill()  # SIGKILL while writes are in flight
        stop.set()
        writer.join(30)
        assert len(acknowledged) >= 50

        address = node.start()
        with Client(address, credentials=credentials) as client:
            stored = {
                user.user_name
                for page in client.get_paginator("list_users").paginate()
                for user in page.users
            }
        missing = [name for name in acknowledged if name not in stored]
        assert missing == []
    finally:
        node.kill()


@pytest.mark.slow
def test_restart_keeps_account_and_credentials(tmp_path: Path) -> None:
    """A second start does not bootstrap again: same account, same root key."""
    node = NodeProcess(tmp_path / "node")
    try:
        node.start()
        first = node.credentials_file.read_text()
        credentials = resolve_credentials(credentials_file=str(node.credentials_file))
        with Client(node.address or "", credentials=credentials) as client:
            account_arn = client.get_user().user.arn
        assert node.stop() == 0
        address = node.start()
        assert node.credentials_file.read_text() == first
        with Client(address, credentials=credentials) as client:
            assert client.get_user().user.arn == account_arn
    finally:
        node.kill()
