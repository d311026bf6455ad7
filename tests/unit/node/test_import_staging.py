"""The staged parts of account imports: their sequence, and what a node holds for them."""

from __future__ import annotations

import pytest

from iamstore.node.api.import_staging import (
    IDLE_MS,
    MAX_BYTES,
    MEMORY_PER_BYTE,
    NODE_BUDGET,
    TTL_MS,
    ImportStaging,
    StagedPart,
)
from iamstore.node.domain.errors import IamError, InvalidInput, LimitExceeded, ValidationError

_ACCOUNT = "111122223333"
_CALLER = f"arn:aws:iam::{_ACCOUNT}:root"


def _stage(staging: ImportStaging, number: int | None, count: int | None) -> None:
    staging.check_position(_ACCOUNT, "imp", _CALLER, number, count, commit=False)
    staging.add(_ACCOUNT, "imp", _CALLER, StagedPart(), 100, 0, number, count)


def test_a_commit_after_every_earlier_part_in_order_is_accepted() -> None:
    staging = ImportStaging()
    _stage(staging, 1, 3)
    _stage(staging, 2, 3)
    staging.check_position(_ACCOUNT, "imp", _CALLER, 3, 3, commit=True)


def test_a_single_part_import_commits_as_part_one_of_one() -> None:
    ImportStaging().check_position(_ACCOUNT, "imp", _CALLER, 1, 1, commit=True)
    ImportStaging().check_position(_ACCOUNT, "imp", _CALLER, None, 1, commit=True)


def test_a_commit_without_a_part_count_is_refused() -> None:
    staging = ImportStaging()
    _stage(staging, None, None)
    with pytest.raises(ValidationError) as refused:
        staging.check_position(_ACCOUNT, "imp", _CALLER, None, None, commit=True)
    assert refused.value.field == "PartCount"


@pytest.mark.parametrize("held", [0, 1])
def test_a_commit_missing_earlier_parts_is_refused(held: int) -> None:
    staging = ImportStaging()  # a node that restarted, or that was sent only some parts
    for number in range(1, held + 1):
        _stage(staging, number, 3)
    with pytest.raises(InvalidInput, match=f"holds {held} of its 2 earlier parts"):
        staging.check_position(_ACCOUNT, "imp", _CALLER, 3, 3, commit=True)


def test_a_part_out_of_order_is_refused() -> None:
    staging = ImportStaging()
    _stage(staging, 1, 3)
    with pytest.raises(InvalidInput, match="part 3 arrived where this node expects part 2"):
        staging.check_position(_ACCOUNT, "imp", _CALLER, 3, 3, commit=False)
    with pytest.raises(InvalidInput, match="expects part 2"):
        staging.check_position(_ACCOUNT, "imp", _CALLER, 1, 3, commit=False)  # a repeat


def test_the_part_count_cannot_change_nor_be_out_of_bounds() -> None:
    staging = ImportStaging()
    _stage(staging, 1, 3)
    with pytest.raises(InvalidInput, match="differs"):
        staging.check_position(_ACCOUNT, "imp", _CALLER, 2, 2, commit=True)
    for count in (0, -1, 10**6):
        with pytest.raises(IamError, match="PartCount must be"):
            ImportStaging().check_position(_ACCOUNT, "imp", _CALLER, 1, count, commit=True)


def test_the_last_part_must_commit() -> None:
    staging = ImportStaging()
    _stage(staging, 1, 2)
    with pytest.raises(InvalidInput, match="must commit"):
        staging.check_position(_ACCOUNT, "imp", _CALLER, 2, 2, commit=False)


def test_another_imports_parts_do_not_count() -> None:
    staging = ImportStaging()
    _stage(staging, 1, 2)
    with pytest.raises(InvalidInput, match="holds 0 of its 1 earlier parts"):
        staging.check_position(_ACCOUNT, "other", _CALLER, 2, 2, commit=True)


def _account(index: int) -> str:
    return f"{index:012d}"


def test_small_parts_of_many_accounts_leave_room_for_another_import() -> None:
    staging = ImportStaging()
    for index in range(100):  # each stages one small part and never commits
        staging.add(_account(index), "held", _CALLER, StagedPart(), 2_000, 0, 1, 2)
    staging.check_room(_ACCOUNT, "mine", _CALLER, 2_000, 0)
    staging.add(_ACCOUNT, "mine", _CALLER, StagedPart(), 2_000, 0, 1, 2)


def test_the_node_budget_is_counted_in_bytes_across_accounts() -> None:
    staging = ImportStaging()
    part = 4 << 20  # a large request
    imports = NODE_BUDGET // (MEMORY_PER_BYTE * MAX_BYTES)
    for index in range(imports):
        for number in range(1, MAX_BYTES // part + 1):
            staging.add(_account(index), "big", _CALLER, StagedPart(), part, 0, number, 100)
    with pytest.raises(LimitExceeded, match="MiB of memory"):
        staging.check_room(_ACCOUNT, "late", _CALLER, part, 0)
    # An account's own import is bounded on its own, below the node's budget.
    with pytest.raises(LimitExceeded, match=f"at most {MAX_BYTES >> 20} MiB"):
        ImportStaging().check_room(_ACCOUNT, "one", _CALLER, MAX_BYTES + 1, 0)


def test_an_abandoned_import_is_dropped_after_it_idles() -> None:
    staging = ImportStaging()
    staging.add(_ACCOUNT, "left", _CALLER, StagedPart(), 100, 0, 1, 3)
    staging.add(_ACCOUNT, "left", _CALLER, StagedPart(), 100, IDLE_MS, 2, 3)  # still sending
    assert len(staging.parts(_ACCOUNT, "left", _CALLER)) == 2
    staging.check_room(_account(7), "other", _CALLER, 100, 2 * IDLE_MS + 1)
    assert staging.parts(_ACCOUNT, "left", _CALLER) == []
    staging.add(_account(8), "slow", _CALLER, StagedPart(), 100, 0, 1, 100)
    for step in range(1, TTL_MS // IDLE_MS + 1):  # never idle, but held at most TTL_MS
        staging.check_room(_account(9), "other", _CALLER, 100, step * IDLE_MS)
        if step * IDLE_MS <= TTL_MS:
            staging.add(
                _account(8), "slow", _CALLER, StagedPart(), 100, step * IDLE_MS, step + 1, 100
            )
    staging.check_room(_account(9), "other", _CALLER, 100, TTL_MS + 1)
    assert staging.parts(_account(8), "slow", _CALLER) == []


def test_a_part_staged_meanwhile_is_caught_when_the_next_is_added() -> None:
    staging = ImportStaging()
    _stage(staging, 1, 3)
    # Two requests both checked as part 2 before either was staged (checking is off the loop).
    staging.check_position(_ACCOUNT, "imp", _CALLER, 2, 3, commit=False)
    staging.check_position(_ACCOUNT, "imp", _CALLER, 2, 3, commit=False)
    staging.add(_ACCOUNT, "imp", _CALLER, StagedPart(), 100, 0, 2, 3)
    with pytest.raises(InvalidInput, match="expects part 3"):
        staging.add(_ACCOUNT, "imp", _CALLER, StagedPart(), 100, 0, 2, 3)
