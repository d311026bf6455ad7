"""The shape of issued access key ids: AWS's 20 characters, a checksum, an ASIA id's account."""

from __future__ import annotations

import base64
import hashlib
import random
import re

import pytest

from iamstore.node.access_key_ids import (
    account_of_temporary_key,
    issued_by_iamstore,
    long_term_key_id,
    temporary_key_id,
)
from iamstore.node.ids import IdSource

_AWS_SHAPE = re.compile(r"(AKIA|ASIA)[A-Z2-7]{16}\Z")


def test_issued_ids_have_aws_shape_and_iamstores_mark() -> None:
    ids = IdSource(random.Random(7))
    for _ in range(200):
        key_id = ids.access_key_id()
        assert _AWS_SHAPE.match(key_id)
        assert key_id.startswith("AKIA")
        assert issued_by_iamstore(key_id)
        assert account_of_temporary_key(key_id) is None


@pytest.mark.parametrize("account", ["000000000001", "123456789012", "999999999999"])
def test_a_temporary_id_names_its_account(account: str) -> None:
    key_id = temporary_key_id(account, b"\x01\x02\x03\x04")
    assert _AWS_SHAPE.match(key_id)
    assert key_id.startswith("ASIA")
    assert account_of_temporary_key(key_id) == account
    assert issued_by_iamstore(key_id)


def test_any_changed_character_loses_the_mark_or_the_account() -> None:
    for key_id in (long_term_key_id(b"\x11" * 8), temporary_key_id("123456789012", b"\x22" * 4)):
        for position in range(4, 20):
            for replacement in "A7Q":
                if key_id[position] == replacement:
                    continue
                changed = key_id[:position] + replacement + key_id[position + 1 :]
                if key_id.startswith("ASIA"):
                    # A changed id names no account, or (at worst) passes the one-byte
                    # checksum naming another account: never this one.
                    assert account_of_temporary_key(changed) != "123456789012"
                else:
                    assert not issued_by_iamstore(changed)


@pytest.mark.parametrize(
    "key_id",
    [
        "testing",
        "AKIAIOSFODNN7EXAMPLE",  # AWS's documentation example
        "ASIAIOSFODNN7EXAMPLE",
        "AKIA" + "A" * 16,
        "asia" + "a" * 16,
        "ASIA" + "A" * 15,
        "ASIA" + "A" * 17,
        "ASIA" + "0" * 16,  # not base32
        "ASIAÄ" + "A" * 15,
    ],
)
def test_made_up_ids_are_not_iamstores(key_id: str) -> None:
    assert not issued_by_iamstore(key_id)
    assert account_of_temporary_key(key_id) is None


def test_an_id_naming_no_account_is_refused() -> None:
    # 2^40 - 1 is past the largest 12-digit account: such a body never names an account.
    body = (2**40 - 1).to_bytes(5, "big") + b"\x00" * 4
    check = hashlib.sha256(b"iamstore access key id\x00ASIA" + body).digest()[:1]
    key_id = "ASIA" + base64.b32encode(body + check).decode()
    assert account_of_temporary_key(key_id) is None


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="not an account id"):
        temporary_key_id("12345678901", b"\x00" * 4)
    with pytest.raises(ValueError, match="not an account id"):
        temporary_key_id("\uff11" * 12, b"\x00" * 4)  # fullwidth digits
    with pytest.raises(ValueError, match="random bytes"):
        long_term_key_id(b"\x00" * 7)
