"""Network-namespace faults, without root: the rules a fault table asks for, the commands that
build and remove a run's namespaces, and which leftovers count as stale."""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence

import click
import pytest

from iamstore.cluster.chaos import netns
from iamstore.cluster.chaos.netns import NetnsError, NetnsLab, NetnsUnavailable, Topology
from iamstore.cluster.chaos.netrules import (
    Action,
    Backend,
    Rule,
    UnsupportedFault,
    iptables_script,
    nft_script,
    rules_for,
)
from iamstore.cluster.chaos.proxy import CLIENT, FaultTable, LinkFault, LinkMode
from iamstore.cluster.chaos.run import ChaosConfig, run_chaos

ADDRESSES = {"node1": "10.77.0.1", "node2": "10.77.0.2", "node3": "10.77.0.3"}
CUT = LinkFault(LinkMode.BLACKHOLE)
EVERY_ACTION = (
    Rule("10.77.0.1", Action.DROP, 7100),
    Rule("10.77.0.2", Action.RESET, 7100),
    Rule("10.77.0.3", Action.LOSS, percent=10),
)


def _table(links: dict[tuple[str, str], LinkFault]) -> FaultTable:
    table = FaultTable()
    for (source, target), fault in links.items():
        table.set(source, target, fault)
    return table


def test_a_partition_drops_each_sides_connections_at_the_other_side() -> None:
    table = _table({("node3", "node1"): CUT, ("node3", "node2"): CUT,
                    ("node1", "node3"): CUT, ("node2", "node3"): CUT})  # fmt: skip
    assert rules_for("node1", table, ADDRESSES, 7100) == (Rule("10.77.0.3", Action.DROP, 7100),)
    assert rules_for("node2", table, ADDRESSES, 7100) == (Rule("10.77.0.3", Action.DROP, 7100),)
    assert rules_for("node3", table, ADDRESSES, 7100) == (
        Rule("10.77.0.1", Action.DROP, 7100),
        Rule("10.77.0.2", Action.DROP, 7100),
    )


def test_one_way_cut_leaves_the_victim_without_rules() -> None:
    # node3 cannot open connections to the others; the rules sit only at the receivers, and
    # match only what node3 sends to their peer port, so the others still reach node3.
    table = _table({("node3", "node1"): CUT, ("node3", "node2"): CUT})
    assert rules_for("node3", table, ADDRESSES, 7100) == ()
    assert rules_for("node1", table, ADDRESSES, 7100) == (Rule("10.77.0.3", Action.DROP, 7100),)


def test_loss_reset_and_client_links() -> None:
    table = _table({("node1", "node2"): LinkFault(loss=0.1),
                    ("node3", "node2"): LinkFault(LinkMode.RESET),
                    (CLIENT, "node2"): CUT})  # fmt: skip
    assert rules_for("node2", table, ADDRESSES, 7100) == (
        Rule("10.77.0.1", Action.LOSS, percent=10),
        Rule("10.77.0.3", Action.RESET, 7100),
    )


def test_delay_cannot_be_expressed() -> None:
    table = _table({("node1", "node2"): LinkFault(delay_ms=50)})
    with pytest.raises(UnsupportedFault, match="netem"):
        rules_for("node2", table, ADDRESSES, 7100)


def test_healthy_table_means_empty_rule_sets() -> None:
    assert rules_for("node1", FaultTable(), ADDRESSES, 7100) == ()
    empty = nft_script(())
    assert "drop" not in empty
    assert "policy accept" in empty
    assert "-A INPUT" not in iptables_script(())


def test_nft_script_replaces_its_own_table_in_one_transaction() -> None:
    script = nft_script(EVERY_ACTION)
    lines = [line.strip() for line in script.splitlines()]
    assert lines[:3] == [
        "add table inet iamstore_chaos",
        "delete table inet iamstore_chaos",
        "table inet iamstore_chaos {",
    ]
    assert "type filter hook input priority filter; policy accept;" in lines
    assert "ip saddr 10.77.0.1 tcp dport 7100 drop" in lines
    assert "ip saddr 10.77.0.2 tcp dport 7100 reject with tcp reset" in lines
    assert "ip saddr 10.77.0.3 numgen random mod 100 < 10 drop" in lines


def test_iptables_script_matches_the_nft_rules() -> None:
    script = iptables_script(EVERY_ACTION)
    lines = script.splitlines()
    assert lines[0] == "*filter"
    assert lines[-1] == "COMMIT"
    assert "-A INPUT -s 10.77.0.1/32 -p tcp --dport 7100 -j DROP" in lines
    assert "-A INPUT -s 10.77.0.2/32 -p tcp --dport 7100 -j REJECT --reject-with tcp-reset" in lines
    assert "-A INPUT -s 10.77.0.3/32 -m statistic --mode random --probability 0.10 -j DROP" in lines


def test_topology_touches_only_its_own_namespaces() -> None:
    topology = Topology.create(["node1", "node2", "node3"], pid=4242)
    assert topology.run.startswith("4242-")
    assert topology.switch == f"iamstore-{topology.run}-switch"
    assert topology.peer_address("node2") == "10.77.0.2:7100"
    ours = set(topology.namespaces)
    assert len(ours) == 4
    for command in topology.setup_commands():
        assert command[0] == "ip"
        # Either it makes one of the run's namespaces, or it runs inside one (`-n NS`): no
        # link, address or route is ever added to the namespace the run started in.
        if command[1:3] == ["netns", "add"]:
            assert command[3] in ours
        else:
            assert command[1] == "-n"
            assert command[2] in ours
        if "addr" in command:
            assert command[2] != topology.switch
            assert command[command.index("add") + 1].startswith("10.77.0.")


def test_parallel_runs_get_distinct_names() -> None:
    first, second = Topology.create(["node1"]), Topology.create(["node1"])
    assert not set(first.namespaces) & set(second.namespaces)


def test_only_namespaces_of_dead_runs_are_stale() -> None:
    names = [
        "iamstore-100-abc123-switch",
        "iamstore-100-abc123-node1",
        "iamstore-200-def456-node1",
        "iamstore-300-0a0b0c-probe",
        "someone-else",
        "iamstore-notapid-node1",
    ]
    assert netns.stale_namespaces(names, alive=lambda pid: pid == 200) == [
        "iamstore-100-abc123-node1",
        "iamstore-100-abc123-switch",
        "iamstore-300-0a0b0c-probe",
    ]


class Recorder:
    """Stands in for the command runner: records every command, answers from a script."""

    def __init__(self, listed: str = "", fail_on: str | None = None) -> None:
        self.commands: list[tuple[tuple[str, ...], str | None]] = []
        self.listed = listed
        self.fail_on = fail_on

    def __call__(self, argv: Sequence[str], stdin: str | None) -> str:
        self.commands.append((tuple(argv), stdin))
        if self.fail_on is not None and self.fail_on in argv:
            raise NetnsError(f"`{' '.join(argv)}` failed")
        if list(argv) == ["ip", "netns", "list"]:
            return self.listed
        return ""

    def deleted(self) -> list[str]:
        return [argv[3] for argv, _ in self.commands if argv[:3] == ("ip", "netns", "del")]


def test_lab_builds_applies_and_destroys() -> None:
    runner = Recorder(listed="iamstore-1-aaaaaa-node1 (id: 3)\nother\n")
    topology = Topology.create(["node1", "node2"])
    lab = NetnsLab(topology, Backend.NFTABLES, runner)
    lab.create()
    assert ("ip", "netns", "add", topology.switch) in [argv for argv, _ in runner.commands]
    lab.apply(_table({("node1", "node2"): CUT}))
    applied = {
        argv[3]: stdin for argv, stdin in runner.commands if argv[:3] == ("ip", "netns", "exec")
    }
    assert set(applied) == {topology.namespace("node1"), topology.namespace("node2")}
    assert "10.77.0.1 tcp dport 7100 drop" in (applied[topology.namespace("node2")] or "")
    assert "drop" not in (applied[topology.namespace("node1")] or "")
    lab.destroy()
    assert sorted(runner.deleted()) == sorted(topology.namespaces)
    assert lab.wrapper("node2") == ("ip", "netns", "exec", topology.namespace("node2"))


def test_a_failed_build_removes_what_it_made() -> None:
    runner = Recorder(fail_on="bridge")
    topology = Topology.create(["node1", "node2"])
    with pytest.raises(NetnsError):
        NetnsLab(topology, Backend.IPTABLES, runner).create()
    assert sorted(runner.deleted()) == sorted(topology.namespaces)


def test_probe_says_why_without_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(NetnsUnavailable, match="need root"):
        netns.probe(Recorder())


def test_probe_says_why_without_a_packet_filter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(shutil, "which", lambda name: "/sbin/ip" if name == "ip" else None)
    with pytest.raises(NetnsUnavailable, match="neither `nft`"):
        netns.probe(Recorder())


def test_probe_falls_back_to_iptables_and_cleans_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(shutil, "which", lambda name: f"/sbin/{name}")
    runner = Recorder(fail_on="nft")
    assert netns.probe(runner) is Backend.IPTABLES
    made = [argv[3] for argv, _ in runner.commands if argv[:3] == ("ip", "netns", "add")]
    assert runner.deleted() == made


def test_probe_reports_a_namespace_that_cannot_be_made(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(shutil, "which", lambda name: f"/sbin/{name}")
    with pytest.raises(NetnsUnavailable, match="cannot make a network namespace"):
        netns.probe(Recorder(fail_on="add"))


def test_netns_runs_default_to_the_faults_they_can_inject() -> None:
    assert "delay" in ChaosConfig().fault_kinds
    assert "delay" not in ChaosConfig(network="netns").fault_kinds
    assert "partition" in ChaosConfig(network="netns").fault_kinds


async def test_delay_under_netns_is_refused_before_anything_starts() -> None:
    with pytest.raises(click.UsageError, match="--network proxy"):
        await run_chaos(ChaosConfig(network="netns", faults=("delay",)))
