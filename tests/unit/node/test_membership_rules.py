"""Membership: which peers count once members are removed (seeds, stale gossip, new ids)."""

from __future__ import annotations

from iamstore.node.replication.membership import Membership
from iamstore.node.replication.transport import Member


def _addresses(membership: Membership) -> set[str]:
    return {p.address for p in membership.peers()}


def test_a_removed_id_and_a_seed_at_its_address_both_stay_out() -> None:
    membership = Membership("n1", "a1", ["a2", "a3"])
    membership.learn([Member("n2", "a2")], sender="n2")
    membership.set_removed([Member("n3", "a3")])
    # a3 is only a seed here (its id never learned): its address keeps it out.
    assert _addresses(membership) == {"a2"}
    # A peer that has not heard of the removal still gossips n3: it does not come back.
    membership.learn([Member("n2", "a2"), Member("n3", "a3")], sender="n2")
    assert _addresses(membership) == {"a2"}
    assert [m.node_id for m in membership.members()] == ["n1", "n2"]


def test_a_new_id_at_a_removed_address_counts_once_it_introduces_itself() -> None:
    membership = Membership("n1", "a1", ["a3"])
    membership.ok("a3", "n3", now_ms=1)
    membership.set_removed([Member("n3", "a3")])
    assert _addresses(membership) == set()
    membership.learn([Member("n9", "a3")], sender="n2")  # hearsay: not enough
    assert _addresses(membership) == set()
    membership.learn([Member("n9", "a3")], sender="n9")  # the node itself
    assert _addresses(membership) == {"a3"}


def test_a_removal_recorded_without_an_id_leaves_out_any_node_at_its_address() -> None:
    membership = Membership("n1", "a1", ["a2", "a3", "a4"])
    membership.ok("a2", "n2", now_ms=1)
    membership.set_removed([Member("", "a2"), Member("", "a3")])
    assert _addresses(membership) == {"a4"}
    membership.learn([Member("n9", "a3")], sender="n9")
    assert _addresses(membership) == {"a4"}
