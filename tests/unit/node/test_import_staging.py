"""The staged parts of account imports: their sequence, and what a node holds for them."""

from __future__ import annotations

import pytest

from iamstore.node.api.import_staging import ImportStaging, StagedPart
from iamstore.node.domain.errors import IamError, InvalidInput, ValidationError

_ACCOUNT = "111122223333"
_CALLER = f"arn:aws:iam::{_ACCOUNT}:root"


def _stage(staging: ImportStaging, number: int | None, count: int | None) -> None:
    staging.check_position(_ACCOUNT, "imp", _CALLER, number, count, commit=False)
    staging.add(_ACCOUNT, "imp", _CALLER, StagedPart(), 100, 0, count)


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
