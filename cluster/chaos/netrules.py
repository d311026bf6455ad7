"""Packet-filter rules (nftables or iptables) that make a link fault table true in namespaces.

Every rule sits on the input hook of the target node's namespace and matches the source
node's address, so a fault on the link (source, target) is ruled in one place:

- blackhole: packets the source sends to the target's peer port are dropped, that is every
  packet of the connections the source opened to the target; the target's own connections
  to the source (whose answers come *from* that port) still work, which is what the proxy's
  per-link blackhole does too. Cutting both directions of a pair is a partition; cutting
  every link out of one node is a one-way partition. (Matching the port rather than the
  conntrack direction keeps the rules stateless: conntrack picks up a connection that was
  open before its first rule with whichever packet it sees first as "original".)
- reset: the same packets are answered with a TCP reset, so those connections abort.
- loss: each packet from the source is dropped with the link's probability.

Delay and jitter would need `tc netem`, which these machines lack: they stay with the proxy.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from iamstore.cluster.chaos.proxy import FaultTable, LinkMode

NFT_TABLE = "iamstore_chaos"


class Backend(enum.Enum):
    NFTABLES = "nftables"
    IPTABLES = "iptables"

    @property
    def command(self) -> tuple[str, ...]:
        """Reads a whole rule set on stdin and replaces the previous one atomically."""
        return ("nft", "-f", "-") if self is Backend.NFTABLES else ("iptables-restore",)


class Action(enum.Enum):
    DROP = "drop"
    RESET = "reset"
    LOSS = "loss"


class UnsupportedFault(ValueError):
    """A link fault packet filters cannot express (delay, jitter)."""


@dataclass(frozen=True, slots=True)
class Rule:
    """Packets from `source` (an IPv4 address) arriving at this node: what happens to them.

    DROP and RESET take only packets to `port` (the node's peer port); LOSS takes them all.
    """

    source: str
    action: Action
    port: int = 0
    percent: int = 100  # LOSS: the share of packets dropped


def rules_for(
    target: str, table: FaultTable, addresses: Mapping[str, str], port: int
) -> tuple[Rule, ...]:
    """The rules in `target`'s namespace (peer port `port`) for every faulty link into it."""
    rules = []
    for (source, into), fault in sorted(table.links.items(), key=lambda item: item[0]):
        if into != target or source not in addresses:
            continue  # links from clients never cross the namespaces' network
        if fault.delay_ms or fault.jitter_ms:
            raise UnsupportedFault("delay needs `tc netem`, which is not available: use the proxy")
        if fault.mode is LinkMode.BLACKHOLE:
            rules.append(Rule(addresses[source], Action.DROP, port))
        elif fault.mode is LinkMode.RESET:
            rules.append(Rule(addresses[source], Action.RESET, port))
        elif fault.loss > 0:
            percent = max(1, round(fault.loss * 100))
            rules.append(Rule(addresses[source], Action.LOSS, percent=percent))
    return tuple(rules)


def nft_script(rules: tuple[Rule, ...]) -> str:
    """An `nft -f` script replacing this namespace's chaos table with `rules`."""
    lines = []
    for rule in rules:
        match = f"ip saddr {rule.source}"
        if rule.action is Action.DROP:
            lines.append(f"{match} tcp dport {rule.port} drop")
        elif rule.action is Action.RESET:
            lines.append(f"{match} tcp dport {rule.port} reject with tcp reset")
        else:
            lines.append(f"{match} numgen random mod 100 < {rule.percent} drop")
    body = "".join(f"\t\t{line}\n" for line in lines)
    # Adding then deleting the table makes the script work whether or not it exists yet; the
    # whole file is one transaction, so no packet sees a half-written rule set.
    return (
        f"add table inet {NFT_TABLE}\n"
        f"delete table inet {NFT_TABLE}\n"
        f"table inet {NFT_TABLE} {{\n"
        "\tchain input {\n"
        "\t\ttype filter hook input priority filter; policy accept;\n"
        f"{body}"
        "\t}\n"
        "}\n"
    )


def iptables_script(rules: tuple[Rule, ...]) -> str:
    """An `iptables-restore` file replacing the filter table's INPUT rules with `rules`."""
    lines = ["*filter", ":INPUT ACCEPT [0:0]", ":FORWARD ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]"]
    for rule in rules:
        match = f"-A INPUT -s {rule.source}/32"
        if rule.action is Action.DROP:
            lines.append(f"{match} -p tcp --dport {rule.port} -j DROP")
        elif rule.action is Action.RESET:
            lines.append(f"{match} -p tcp --dport {rule.port} -j REJECT --reject-with tcp-reset")
        else:
            probability = f"{rule.percent / 100:.2f}"
            lines.append(f"{match} -m statistic --mode random --probability {probability} -j DROP")
    lines.append("COMMIT")
    return "\n".join(lines) + "\n"


def script(backend: Backend, rules: tuple[Rule, ...]) -> str:
    return nft_script(rules) if backend is Backend.NFTABLES else iptables_script(rules)
