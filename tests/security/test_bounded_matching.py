"""Policy wildcards match in linear time: no caller-supplied pattern can stall a node.

Before, `*` became `.*` in a backtracking regular expression: a pattern with k stars that
does not match costs O(n^k) on a value of n characters (8 stars against a 50-character ARN
blocked the event loop for 9.5 s). The matcher now cuts patterns at their stars and places
each fixed-length piece at its leftmost fit; these tests hold it to the old semantics on
small inputs and count the work it does on the worst large ones.
"""

from __future__ import annotations

from typing import Any, SupportsIndex

import backtracking_oracle as oracle
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iamstore.node.policy.conditions import compile_clause
from iamstore.node.policy.document import ConditionClause
from iamstore.node.policy.glob import Piece, compile_glob
from iamstore.node.policy.match import compile_action_patterns, compile_arn_patterns
from iamstore.node.policy.variables import tokenize

# --- agreement with the old matcher on small inputs -----------------------------------------

PATTERN_CHARS = st.sampled_from(["a", "b", "A", "*", "?", ":", "/", "é", "É", "*a", "ab"])
VALUE_CHARS = st.sampled_from(["a", "b", "A", ":", "/", "é", "É", "ab", "ba"])
SMALL_PATTERN = st.lists(PATTERN_CHARS, max_size=10).map("".join)
SMALL_VALUE = st.lists(VALUE_CHARS, max_size=12).map("".join)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None)
@given(SMALL_PATTERN, SMALL_VALUE)
def test_string_like_agrees_with_old_matcher(pattern: str, value: str) -> None:
    assert compile_glob(tokenize(pattern, variables=False, wildcards=True)).matches(value) == (
        oracle.string_like(pattern, value)
    )
    clause = ConditionClause("StringLike", "aws:username", (pattern,))
    holds = compile_clause(clause, variables=False)({"aws:username": value})
    assert holds == oracle.string_like(pattern, value)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None)
@given(st.lists(SMALL_PATTERN, min_size=1, max_size=3), SMALL_VALUE)
def test_actions_agree_with_old_matcher(patterns: list[str], action: str) -> None:
    expected = any(oracle.action_matches(p, action) for p in patterns)
    assert compile_action_patterns(tuple(patterns))(action.lower()) == expected


ARN_SEGMENT = st.lists(
    st.sampled_from(["a", "B", "*", "?", "/", "é", "${aws:username}", "ab", ""]), max_size=4
).map("".join)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None)
@given(
    st.lists(ARN_SEGMENT, min_size=1, max_size=8).map(":".join),
    st.lists(SMALL_VALUE, min_size=1, max_size=8).map(":".join),
    st.sampled_from([None, "a", "B", "*", "a/b", "é"]),
    st.booleans(),
)
def test_arns_agree_with_old_matcher(
    pattern: str, value: str, username: str | None, variables: bool
) -> None:
    # Variable values hold no colon here: the old matcher let such a value span ARN segments
    # (a bug; see the test below), everything else is meant to be unchanged.
    context: dict[str, Any] = {} if username is None else {"aws:username": username}
    matcher = compile_arn_patterns((pattern,), variables=variables)
    expected = oracle.arn_matches(pattern, value, context, variables=variables)
    assert matcher(value, context) == expected


def test_variable_with_a_colon_does_not_span_arn_segments() -> None:
    # Each of the six ARN segments is checked on its own, so `${aws:username}` = `a:b` in the
    # partition segment cannot eat the service segment.
    matcher = compile_arn_patterns(("arn:${aws:username}:x",), variables=True)
    assert not matcher("arn:a:b:x", {"aws:username": "a:b"})
    assert oracle.arn_matches("arn:${aws:username}:x", "arn:a:b:x", {"aws:username": "a:b"},
                              variables=True)  # fmt: skip


# --- work on the worst large inputs --------------------------------------------------------


class MeteredText(str):
    """A str that counts the calls made on it and the characters each may examine."""

    meter: list[int]  # [calls, characters], shared with the pieces split off it

    @classmethod
    def of(cls, text: str, meter: list[int]) -> MeteredText:
        metered = cls(text)
        metered.meter = meter
        return metered

    def _count(self, characters: int) -> None:
        self.meter[0] += 1
        self.meter[1] += characters + 1

    def startswith(
        self, prefix: str | tuple[str, ...], start: SupportsIndex | None = None, *rest: Any
    ) -> bool:
        self._count(sum(map(len, prefix)) if isinstance(prefix, tuple) else len(prefix))
        return str.startswith(self, prefix, start, *rest)

    def find(
        self, sub: str, start: SupportsIndex | None = None, end: SupportsIndex | None = None
    ) -> int:
        found = str.find(self, sub, start, end)
        first = 0 if start is None else int(start)
        last = len(self) if end is None else min(int(end), len(self))
        self._count((found + len(sub) if found >= 0 else last) - first)
        return found

    def split(self, sep: str | None = None, maxsplit: SupportsIndex = -1) -> list[str]:
        self._count(len(self))
        return [MeteredText.of(part, self.meter) for part in str.split(self, sep, maxsplit)]

    def lower(self) -> str:
        self._count(len(self))
        return MeteredText.of(str.lower(self), self.meter)

    def __eq__(self, other: object) -> bool:
        self._count(len(self))
        return str.__eq__(self, other)

    __hash__ = str.__hash__


@pytest.fixture(autouse=True)
def _metered_expression_searches(monkeypatch: pytest.MonkeyPatch) -> None:
    """A piece holding `?` is found by a fixed-length expression, which reads the text without
    calling its methods: count each such search as one call examining, at most, every
    position of its range times the piece's length."""
    find = Piece.find

    def metered_find(self: Piece, text: str, start: int, stop: int) -> int:
        if self.searched and isinstance(text, MeteredText):
            text.meter[0] += 1
            text.meter[1] += max(0, stop - start) * self.length + 1
        return find(self, text, start, stop)

    monkeypatch.setattr(Piece, "find", metered_find)


WILDCARDS = 100
VALUE_LENGTH = 2000


def _within_bounds(meter: list[int], pattern: str, value: str) -> None:
    n, m = len(value), len(pattern)
    calls, characters = meter
    # Linear in calls; O(n*m) at the very most in characters examined.
    assert calls <= 4 * (n + m) + 20, (calls, n, m)
    assert characters <= (n + 1) * (m + 1), (characters, n, m)


# Pieces between the stars: short runs of a two-letter alphabet and `?`, the material of
# periodic near-misses; values are periodic too, so that almost every piece fits almost
# everywhere.
PIECES = st.lists(
    st.text(alphabet="ab?", max_size=6), min_size=WILDCARDS + 1, max_size=WILDCARDS + 1
)
PERIOD = st.text(alphabet="ab", min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(PIECES, PERIOD, st.sampled_from(["", "b", "ab", "?"]))
def test_worst_case_glob_work_is_bounded(pieces: list[str], period: str, last: str) -> None:
    pattern = "*".join(pieces) + last
    value = (period * (VALUE_LENGTH // len(period) + 1))[:VALUE_LENGTH]
    glob = compile_glob(tokenize(pattern, variables=False, wildcards=True))
    meter = [0, 0]
    glob.matches(MeteredText.of(value, meter))
    _within_bounds(meter, pattern, value)


@settings(max_examples=30, deadline=None)
@given(PIECES, PERIOD)
def test_worst_case_arn_and_action_work_is_bounded(pieces: list[str], period: str) -> None:
    resource = "*".join(pieces)
    pattern = f"arn:aws:s3:::{resource}"
    value = "arn:aws:s3:::" + (period * (VALUE_LENGTH // len(period) + 1))[:VALUE_LENGTH]
    meter = [0, 0]
    compile_arn_patterns((pattern,), variables=True)(MeteredText.of(value, meter), {})
    _within_bounds(meter, pattern, value)
    action = "s3:" + value[13:]
    meter = [0, 0]
    compile_action_patterns((f"s3:{resource}b",))(MeteredText.of(action, meter))
    _within_bounds(meter, f"s3:{resource}b", action)


# The shapes that made the old matcher exponential: k stars between repeated letters, and a
# last letter that never comes, so every way of placing the stars is tried.
ATTACKS = [
    ("*a" * WILDCARDS + "b", "a" * VALUE_LENGTH),
    ("a*" * WILDCARDS + "b", "a" * VALUE_LENGTH),
    ("*?" * WILDCARDS + "b", "a" * VALUE_LENGTH),
    ("*a?" * WILDCARDS + "b", "ab" * (VALUE_LENGTH // 2)),
]


@pytest.mark.timeout(60)  # the old matcher never finishes these (O(n^100))
@pytest.mark.parametrize(("resource", "value"), ATTACKS)
def test_attack_patterns_answer(resource: str, value: str) -> None:
    arn = f"arn:aws:s3:::{value}"
    assert not compile_arn_patterns((f"arn:aws:s3:::{resource}",), variables=True)(arn, {})
    assert not compile_action_patterns((f"s3:{resource}",))(f"s3:{value}")
    clause = ConditionClause("StringLike", "aws:username", (resource,))
    assert not compile_clause(clause, variables=True)({"aws:username": value})
    clause = ConditionClause("ArnLike", "aws:sourcearn", (f"arn:aws:s3:::{resource}",))
    assert not compile_clause(clause, variables=True)({"aws:sourcearn": arn})
    meter = [0, 0]
    compile_glob(tokenize(resource, variables=False, wildcards=True)).matches(
        MeteredText.of(value, meter)
    )
    assert meter[0] > 0  # the matcher looked at the value through its string methods
    _within_bounds(meter, resource, value)
