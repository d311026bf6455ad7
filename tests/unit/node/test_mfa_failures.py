"""The cluster-wide MFA failure count (pure): sums, locks, forgetting."""

from __future__ import annotations

from iamstore.node.domain.mfa_failures import combined, gate, one_more
from iamstore.node.domain.signin import Failures, Gate, SignInRules

RULES = SignInRules(free_failures=1, base_delay_s=1, max_delay_s=4, lock_after=4, lock_s=100)


def test_counts_of_several_nodes_add_up_to_the_lock() -> None:
    # Two nodes, two failures each, neither locked alone: together they lock the device.
    a, b = Failures(2, 10.0), Failures(2, 12.0)
    device = combined((a, b), 13.0, RULES)
    assert device.count == 4
    assert gate(device, 13.0) is Gate.LOCKED
    assert gate(combined((a, b), 12.0 + RULES.lock_s, RULES), 12.0 + RULES.lock_s) is Gate.OPEN


def test_one_more_failure_locks_on_the_whole_count_and_writes_the_lock() -> None:
    mine, wait = one_more(Failures(1, 5.0), [Failures(2, 6.0)], 7.0, RULES)
    assert (mine.count, mine.last_at, mine.locked_until) == (2, 7.0, 7.0 + RULES.lock_s)
    assert wait == RULES.max_delay_s  # the third failure beyond the free one: 1, 2, 4 s
    assert gate(combined((mine, Failures(2, 6.0)), 8.0, RULES), 8.0) is Gate.LOCKED


def test_old_failures_are_forgotten() -> None:
    later = 10.0 + RULES.forget_after_s
    assert combined((Failures(3, 10.0),), later, RULES).count == 0
    mine, wait = one_more(Failures(3, 10.0), [], later, RULES)
    assert mine.count == 1
    assert wait == 0.0
