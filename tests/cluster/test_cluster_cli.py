"""`iamstore cluster`, run as a user would: each command its own process, the nodes left
running in the background between them."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from iamstore.cluster.local import LocalCluster
from iamstore.cluster.process import NodeProcess

pytestmark = pytest.mark.slow


def iamstore(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-P", "-c", "from iamstore.client.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=check,
    )


def status(root: Path, *extra: str) -> dict[str, object]:
    done = iamstore("cluster", "status", "--dir", str(root), "--json", *extra, check=False)
    described: dict[str, object] = json.loads(done.stdout)
    return described


def states(described: dict[str, object]) -> dict[str, str]:
    nodes = described["nodes"]
    assert isinstance(nodes, list)
    return {node["name"]: node["state"] for node in nodes}


def alive_from_proc(pid: int) -> bool:
    """Independent of the code under test: a live, non-zombie process has /proc/PID/stat."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def test_up_status_kill_start_down(tmp_path: Path) -> None:
    root = tmp_path / "cluster"
    pids: list[int] = []
    own_children: list[NodeProcess] = []
    try:
        up = json.loads(
            iamstore(
                "cluster", "up", "--nodes", "3", "--dir", str(root), "--base-port", "0", "--json"
            ).stdout
        )
        assert up["converged"] is True
        pids = [node["pid"] for node in up["nodes"]]
        assert len(pids) == 3
        # The nodes outlived the `up` process.
        assert all(alive_from_proc(pid) for pid in pids)
        assert Path(up["root_credentials"]).is_file()

        first = status(root)
        assert first["converged"] is True
        assert states(first) == {"node1": "up", "node2": "up", "node3": "up"}
        nodes = first["nodes"]
        assert isinstance(nodes, list)
        assert len({node["digest"] for node in nodes}) == 1
        assert all(node["lag_commits"] == 0 for node in nodes)

        killed = iamstore("cluster", "kill", "node2", "--dir", str(root))
        assert "node2 killed" in killed.stdout
        assert not alive_from_proc(pids[1])
        down = status(root)
        assert down["converged"] is False
        assert states(down) == {"node1": "up", "node2": "down", "node3": "up"}

        started = iamstore("cluster", "start", "2", "--dir", str(root))
        assert "node2 started" in started.stdout
        again = status(root, "--wait", "30")
        assert again["converged"] is True
        assert states(again) == {"node1": "up", "node2": "up", "node3": "up"}
        restarted = json.loads((root / "cluster.json").read_text())["nodes"][1]["pid"]
        assert restarted != pids[1]
        pids.append(restarted)

        table = iamstore("cluster", "status", "--dir", str(root)).stdout
        assert "converged: yes" in table

        removed = iamstore("cluster", "remove", "node3", "--dir", str(root)).stdout
        assert "node1: removed node3" in removed
        assert "node2: removed node3" in removed
        # A removed node counts neither for convergence nor for lag.
        after = status(root, "--wait", "30")
        assert states(after) == {"node1": "up", "node2": "up", "node3": "removed"}
        assert after["converged"] is True
        assert after["removed"] == ["node3"]
        assert "removed: node3" in iamstore("cluster", "status", "--dir", str(root)).stdout
        refused = iamstore("cluster", "start", "node3", "--dir", str(root), check=False)
        assert refused.returncode == 1
        assert "was removed from the cluster" in refused.stderr

        # Started again by hand on its old data: its peers refuse it, and its log says so.
        cluster = LocalCluster.load(root)
        stray = cluster.node("node3")
        own_children.append(stray)
        stray.start()
        cluster.save()
        assert stray.pid is not None
        pids.append(stray.pid)
        said = "removed from the cluster"
        for _ in range(600):
            if said in stray.log_file.read_text():
                break
            time.sleep(0.05)
        assert said in stray.log_file.read_text()
        still = status(root, "--wait", "30")
        assert still["converged"] is True
        assert states(still)["node3"] == "removed"
        nodes = still["nodes"]
        assert isinstance(nodes, list)
        assert nodes[2]["pid"] == stray.pid
        assert nodes[2]["refused_as_removed"] is True
        assert "lag_commits" not in nodes[2]
        cluster.stop_node("node3")  # our own child: stopped and reaped here
        cluster.save()

        iamstore("cluster", "down", "--dir", str(root))
        assert not any(alive_from_proc(pid) for pid in pids)
    finally:
        for child in own_children:
            child.kill()
        if root.exists():  # whatever the outcome, no node outlives the test
            LocalCluster.load(root).kill()


def test_unknown_node_and_missing_cluster_are_clear_errors(tmp_path: Path) -> None:
    missing = iamstore("cluster", "status", "--dir", str(tmp_path / "nothing"), check=False)
    assert missing.returncode == 1
    assert "no cluster in" in missing.stderr
    LocalCluster(tmp_path / "c", nodes=2, base_port=0).save()
    unknown = iamstore("cluster", "kill", "node7", "--dir", str(tmp_path / "c"), check=False)
    assert unknown.returncode == 1
    assert "no node `node7`" in unknown.stderr


def test_local_key_sets_reach_every_node_and_outlive_a_restart(tmp_path: Path) -> None:
    jwks = tmp_path / "keys.json"
    jwks.write_text('{"keys": []}')
    cluster = LocalCluster(tmp_path / "c", nodes=2, base_port=0)
    cluster.use_oidc_jwks([("https://issuer.example", jwks)])
    cluster.save()
    loaded = LocalCluster.load(tmp_path / "c")
    want = ("--oidc-jwks", f"https://issuer.example={jwks.resolve()}")
    for node in (*cluster.nodes, *loaded.nodes):
        assert node.extra_args[-2:] == want
    assert loaded.oidc_jwks == {"https://issuer.example": jwks.resolve()}


def test_a_key_set_that_is_not_one_is_refused_before_anything_starts(tmp_path: Path) -> None:
    bad = tmp_path / "keys.json"
    bad.write_text("[]")
    refused = iamstore("cluster", "up", "--dir", str(tmp_path / "c"), "--base-port", "0",
                       "--oidc-jwks", f"https://issuer.example={bad}", check=False)  # fmt: skip
    assert refused.returncode == 2
    assert "--oidc-jwks" in refused.stderr
    assert not (tmp_path / "c").exists()
