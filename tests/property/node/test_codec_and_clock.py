"""Property tests: the commit codec round-trips; the hybrid clock never goes backwards."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iamstore.node.commits.clock import ClockSkewError, HybridClock, wall_ms_of
from iamstore.node.commits.codec import CodecError, decode_changes, encode_changes
from iamstore.node.domain.entities import AccessKey, Change, Role, User

text = st.text(max_size=30)
tags = st.lists(st.tuples(text, text), max_size=5).map(tuple)
users = st.builds(User, text, text, text, text, st.integers(0, 2**62), tags)
roles = st.builds(
    Role,
    text,
    text,
    text,
    text,
    st.integers(0, 2**62),
    text,
    st.none() | text,
    st.integers(3600, 43200),
    tags,
)
keys = st.builds(AccessKey, text, text, text, st.binary(max_size=64), text, st.integers(0, 2**62))
rows = st.one_of(users, roles, keys)
changes = st.lists(
    rows.flatmap(lambda r: st.sampled_from([Change.put(r), Change.delete(r)])), max_size=8
)


@given(changes)
def test_changes_round_trip(batch: list[Change]) -> None:
    assert decode_changes(encode_changes(batch)) == tuple(batch)


@given(st.binary(max_size=200))
def test_garbage_is_refused_cleanly(garbage: bytes) -> None:
    """Any bytes decode to changes or raise CodecError, never another exception."""
    with contextlib.suppress(CodecError):
        decode_changes(garbage)


@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=50))
def test_clock_is_strictly_increasing_even_when_wall_time_goes_back(walls: list[int]) -> None:
    ticks = iter(walls)
    clock = HybridClock(lambda: next(ticks))
    stamps = [clock.now() for _ in walls]
    assert stamps == sorted(set(stamps))


@given(st.integers(0, 10**6), st.integers(0, 2**40))
def test_witnessed_time_is_exceeded_by_the_next_stamp(wall: int, remote: int) -> None:
    clock = HybridClock(lambda: wall, max_drift_ms=10**12)
    clock.witness(remote)
    assert clock.now() > remote


def test_a_remote_clock_far_ahead_is_refused() -> None:
    clock = HybridClock(lambda: 1_000, max_drift_ms=60_000)
    with pytest.raises(ClockSkewError):
        clock.witness((1_000 + 60_001) << 16)
    assert wall_ms_of(clock.now()) == 1_000
