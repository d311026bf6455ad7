"""Sign-in throttling rules (pure): how failed passwords slow a name down, then lock it.

A name (account, user name as typed) is throttled whether or not such a user exists, so the
throttle itself never tells an attacker which names are real. The rules:

- the first `free_failures` consecutive failures answer at once;
- each further failure answers only after a delay that doubles from `base_delay_s` up to
  `max_delay_s` (the slow-down);
- after `lock_after` consecutive failures the name is locked for `lock_s`: every attempt,
  even with the right password, fails without its password being checked;
- failures older than `forget_after_s` are forgotten, and a success forgets them all;
- an attempt counts as a failure from the moment its password check starts (it is reserved
  before the slow hash and forgotten only if it succeeds), so concurrent guesses are counted
  as they start, not after they end: `lock_after` bounds the checks, not the answers;
- at most `max_concurrent_hashes` password checks run at once on a node (argon2id takes 64 MiB
  each, before anyone is authenticated) and `max_waiting_hashes` more may wait; the rest are
  refused at once with Throttling.

The state is kept per node and never replicated (see node.api.signin): a cluster of N nodes
lets an attacker try at most N times `lock_after` passwords per name and lock period.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SignInRules:
    """The throttle's parameters; times are seconds."""

    free_failures: int = 3
    base_delay_s: float = 1.0
    max_delay_s: float = 8.0
    lock_after: int = 10
    lock_s: float = 900.0
    forget_after_s: float = 3600.0
    max_concurrent_hashes: int = 4
    max_waiting_hashes: int = 16

    def __post_init__(self) -> None:
        if not 0 <= self.free_failures < self.lock_after:
            raise ValueError("sign-in rules need 0 <= free_failures < lock_after")
        if self.max_concurrent_hashes < 1 or self.max_waiting_hashes < 0:
            raise ValueError("sign-in needs max_concurrent_hashes >= 1, max_waiting_hashes >= 0")
        if min(self.base_delay_s, self.max_delay_s, self.lock_s, self.forget_after_s) < 0:
            raise ValueError("sign-in delays and periods cannot be negative")


@dataclass(frozen=True, slots=True)
class Failures:
    """The recent consecutive failures of one name."""

    count: int = 0
    last_at: float = 0.0
    locked_until: float = 0.0


class Gate(enum.Enum):
    """Whether an attempt may have its password checked."""

    OPEN = "open"
    LOCKED = "locked"


def current(failures: Failures | None, now: float, rules: SignInRules) -> Failures:
    """The failures that still count at `now` (stale ones forgotten)."""
    if failures is None:
        return Failures()
    if now >= failures.locked_until and now - failures.last_at >= rules.forget_after_s:
        return Failures()
    return failures


def gate(failures: Failures | None, now: float, rules: SignInRules) -> Gate:
    return Gate.LOCKED if now < current(failures, now, rules).locked_until else Gate.OPEN


def failed(failures: Failures | None, now: float, rules: SignInRules) -> Failures:
    """The failures after one more failed attempt at `now`.

    A lock that has run out leaves the count where it was, so the next failure locks again
    at once: the name earns its free attempts back only by a success or by waiting out
    `forget_after_s`.
    """
    before = current(failures, now, rules)
    count = before.count + 1
    locked_until = before.locked_until
    if count >= rules.lock_after and now >= before.locked_until:
        locked_until = now + rules.lock_s
    return Failures(count, now, locked_until)


def delay(failures: Failures, rules: SignInRules) -> float:
    """How long to wait before answering the failure that produced `failures`."""
    extra = failures.count - rules.free_failures
    if extra <= 0:
        return 0.0
    return float(min(rules.max_delay_s, rules.base_delay_s * 2 ** min(extra - 1, 30)))
