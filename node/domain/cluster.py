"""Cluster membership facts kept in the replica: which nodes were removed from the cluster."""

from __future__ import annotations

from iamstore.node.domain.entities import Change, RemovedMember
from iamstore.node.domain.view import View


def remove_member(view: View, node_id: str, address: str, now_ms: int) -> list[Change]:
    """The change recording that the node `node_id` at `address` left the cluster for good;
    none when that is already recorded (removing twice changes nothing)."""
    record = RemovedMember(node_id, address, now_ms)
    if record.key in view.removed_members:
        return []
    return [Change.put(record)]


def is_removed(view: View, node_id: str, address: str = "") -> bool:
    """Whether the node `node_id`, reachable at `address`, was removed: its id was, or a
    removal recorded without an id names its address (then any node there is the one)."""
    if node_id and node_id in view.removed_members:
        return True
    record = view.removed_members.get(address) if address else None
    return record is not None and not record.node_id
