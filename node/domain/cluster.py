"""Cluster membership facts kept in the replica: which nodes were removed from the cluster,
and each member's commit-signing key."""

from __future__ import annotations

from iamstore.node.domain.entities import Change, MemberKey, RemovedMember
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


class MemberKeyConflictError(Exception):
    """The replica holds another key for this node id: a member's key never changes."""


def introduce_member_key(view: View, record: MemberKey) -> list[Change]:
    """The change recording a member's own key; none when it is recorded already."""
    known = view.member_keys.get(record.node_id)
    if known is None:
        return [Change.put(record)]
    if known.public_key != record.public_key:
        raise MemberKeyConflictError(
            f"node `{record.node_id}` has another commit-signing key on record"
        )
    return []
