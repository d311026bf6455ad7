"""A local cluster's HTTP ports: given ones are kept (and saved), else free ones are picked."""

from __future__ import annotations

from pathlib import Path

from iamstore.cluster.local import LocalCluster


def test_given_http_ports_reach_the_nodes_and_the_state_file(tmp_path: Path) -> None:
    cluster = LocalCluster.on_ports(tmp_path / "c", [17001, 17002], http_ports=[18001, 18002])
    assert cluster.http_url("node2") == "http://127.0.0.1:18002"
    args = cluster.node("node1").extra_args
    assert args[args.index("--http-listen") + 1] == "127.0.0.1:18001"
    cluster.save()
    loaded = LocalCluster.load(tmp_path / "c")
    assert [loaded.http_url(n) for n in loaded.names] == [
        "http://127.0.0.1:18001",
        "http://127.0.0.1:18002",
    ]


def test_without_ports_each_node_gets_a_distinct_free_one(tmp_path: Path) -> None:
    cluster = LocalCluster(tmp_path / "c", nodes=3, base_port=0, tls=True)
    urls = [cluster.http_url(name) for name in cluster.names]
    assert len(set(urls)) == 3
    assert all(url.startswith("https://127.0.0.1:") for url in urls)
