"""The data folder on the host: one node at a time, and nothing in it readable by others."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from iamstore.client import Client
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.process import NodeProcess
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node import datadir
from iamstore.node.config import NodeConfig


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """The most permissive umask: whatever the node creates must still be private."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def _root_client(node: InProcessNode) -> Client:
    credentials = resolve_credentials(credentials_file=str(node.credentials_file))
    return Client(node.address, credentials=credentials)


def test_a_second_in_process_node_on_a_folder_in_use_is_refused(tmp_path: Path) -> None:
    config = NodeConfig(data_dir=tmp_path / "data", listen="127.0.0.1:0")
    with InProcessNode(config) as first:
        second = InProcessNode(config)
        with pytest.raises(datadir.DataDirInUse, match="is in use by another node"):
            second.start()
        # The refused node touched nothing: the first one still writes.
        with _root_client(first) as iam:
            iam.create_user(user_name="after-refusal")
            assert iam.get_user(user_name="after-refusal").user.user_name == "after-refusal"
    # Released on stop: the folder can be used again.
    with InProcessNode(config) as again, _root_client(again) as iam:
        assert iam.get_user(user_name="after-refusal").user.user_name == "after-refusal"


@pytest.mark.slow
def test_a_second_node_process_on_a_folder_in_use_exits_with_a_clear_message(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    first = NodeProcess(data)
    first.start()
    try:
        second = subprocess.run(
            [
                sys.executable,
                "-P",
                "-c",
                "from iamstore.client.cli import main; main()",
                "node",
                "run",
                "--data-dir",
                str(data),
                "--listen",
                "127.0.0.1:0",
            ],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert second.returncode == 1
        assert "is in use by another node" in second.stderr
        assert f"process {first.pid}" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        first.stop()


def test_claiming_twice_in_one_process_is_refused_and_released_on_release(tmp_path: Path) -> None:
    lock = datadir.claim(tmp_path)
    with pytest.raises(datadir.DataDirInUse):
        datadir.claim(tmp_path)
    lock.release()
    datadir.claim(tmp_path).release()


def test_every_file_the_node_writes_is_0600_in_a_0700_folder_whatever_the_umask(
    tmp_path: Path, loose_umask: None
) -> None:
    data = tmp_path / "data"
    config = NodeConfig(data_dir=data, listen="127.0.0.1:0")
    with InProcessNode(config) as node, _root_client(node) as iam:
        iam.create_user(user_name="audited")  # a change: an audit event for the file
        names = {p.name for p in data.iterdir()}
        # Checked while the node runs: the WAL and SHM files exist only then.
        expected = {
            "iamstore.db",
            "iamstore.db-wal",
            "iamstore.db-shm",
            "secrets.key",
            "cluster.key",
            "root-credentials",
            "endpoint",
            "lock",
        }
        assert expected <= names
        modes = {p.name: _mode(p) for p in data.iterdir()}
    assert (data / "audit.jsonl").exists()
    modes["audit.jsonl"] = _mode(data / "audit.jsonl")
    assert _mode(data) == 0o700
    assert {name: mode for name, mode in modes.items() if mode != 0o600} == {}


def test_an_existing_loose_folder_and_its_files_are_tightened_on_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "tls").mkdir(parents=True)
    data.chmod(0o755)
    (data / "tls").chmod(0o755)
    (data / "tls" / "node.pem").write_bytes(b"certificate")
    (data / "tls" / "node.pem").chmod(0o644)
    (data / "old-notes").write_bytes(b"left by an older version")
    (data / "old-notes").chmod(0o666)
    outside = tmp_path / "outside"
    outside.write_bytes(b"not the node's")
    outside.chmod(0o644)
    (data / "link").symlink_to(outside)
    with InProcessNode(NodeConfig(data_dir=data, listen="127.0.0.1:0")):
        assert _mode(data) == 0o700
        assert _mode(data / "tls") == 0o700
        assert _mode(data / "tls" / "node.pem") == 0o600
        assert _mode(data / "old-notes") == 0o600
        assert _mode(data / "iamstore.db") == 0o600
    # A link is not followed: the file it points to, outside the folder, is left alone.
    assert _mode(outside) == 0o644


def test_a_data_folder_given_as_a_symbolic_link_is_used_and_made_private(tmp_path: Path) -> None:
    real = tmp_path / "volume" / "iamstore"
    real.mkdir(parents=True)
    real.chmod(0o755)
    (tmp_path / "data").symlink_to(real)
    with InProcessNode(NodeConfig(data_dir=tmp_path / "data", listen="127.0.0.1:0")):
        assert _mode(real) == 0o700
        assert _mode(real / "iamstore.db") == 0o600


def test_a_data_folder_that_cannot_be_locked_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "lock").symlink_to(tmp_path / "elsewhere")  # never followed
    with pytest.raises(datadir.DataDirError, match="cannot use data folder"):
        datadir.claim(tmp_path)
    assert not (tmp_path / "elsewhere").exists()
