"""The consistency-token wire format node and client share."""

from __future__ import annotations

import pytest

from iamstore.wire.consistency import (
    MAX_SEQUENCE_DIGITS,
    MAX_TOKEN_CHARS,
    MAX_TOKEN_ORIGINS,
    TokenFormatError,
    format_token,
    merge_tokens,
    parse_token,
)


def test_a_token_round_trips_and_keeps_the_highest_sequence_per_origin() -> None:
    assert parse_token("n2:7, n1:5,n1:3,") == {"n1": 5, "n2": 7}
    assert format_token({"n2": 7, "n1": 5}) == "n1:5,n2:7"
    assert parse_token(format_token({"node:a": 1})) == {"node:a": 1}


@pytest.mark.parametrize("bad", ["n1", ":5", "n1:", "n1:x", "n1:-1", "n1:٣"])
def test_a_malformed_part_is_named(bad: str) -> None:
    with pytest.raises(TokenFormatError) as caught:
        parse_token(f"n0:1,{bad}")
    assert caught.value.item == bad


def test_merging_covers_every_token() -> None:
    assert merge_tokens([{"a": 1, "b": 9}, {"a": 4}, {}]) == {"a": 4, "b": 9}


def test_a_sequence_of_the_largest_sqlite_integer_is_accepted() -> None:
    assert parse_token(f"n1:{2**63 - 1}") == {"n1": 2**63 - 1}


@pytest.mark.parametrize(
    "oversized",
    [
        "n1:" + "9" * (MAX_SEQUENCE_DIGITS + 1),
        "n1:" + "9" * 5000,  # beyond Python's int digit limit: a ValueError of its own before
        "n:1," + "x" * MAX_TOKEN_CHARS,
        ",".join(f"n{index}:1" for index in range(MAX_TOKEN_ORIGINS + 1)),
    ],
    ids=["digits", "digits-beyond-int-limit", "length", "origins"],
)
def test_an_oversized_token_is_a_format_error_with_a_short_message(oversized: str) -> None:
    with pytest.raises(TokenFormatError) as caught:
        parse_token(oversized)
    assert len(str(caught.value)) < 200


def test_an_oversized_token_is_refused_before_it_is_split() -> None:
    with pytest.raises(TokenFormatError):
        parse_token("n1:1," * (MAX_TOKEN_CHARS // 5 + 1))
    assert parse_token("n1:1," * 100) == {"n1": 1}
