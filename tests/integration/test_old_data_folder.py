"""A node started on a data folder whose rows a newer iamstore wrote refuses to start, saying
what to do, instead of serving a replica it cannot read."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from iamstore.cluster.process import NodeProcess
from iamstore.node.config import DATABASE_FILE
from iamstore.node.storage.row_format import ROW_FORMAT, ROW_FORMAT_KEY


@pytest.mark.slow
def test_a_node_on_a_newer_data_folder_exits_with_a_clear_message(tmp_path: Path) -> None:
    data = tmp_path / "data"
    node = NodeProcess(data)
    node.start()
    node.stop()
    newer = str(ROW_FORMAT + 1)
    with sqlite3.connect(data / DATABASE_FILE) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = ?", (newer, ROW_FORMAT_KEY))
    conn.close()
    refused = subprocess.run(
        [sys.executable, "-P", "-c", "from iamstore.client.cli import main; main()",
         "node", "run", "--data-dir", str(data), "--listen", "127.0.0.1:0"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert refused.returncode == 1
    assert f"format `{newer}`, written by a newer iamstore" in refused.stderr
    assert "fresh data folder" in refused.stderr
    assert "Traceback" not in refused.stderr
