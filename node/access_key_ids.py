"""The access key ids iamstore issues: a checksum marks them; an ASIA id names its account.

An id is a four-letter prefix and 16 base32 characters (AWS's 20 characters), the base32 of
ten bytes whose last bytes are a checksum: the first bytes of SHA-256 over a label, the
prefix and the rest. The checksum is not a secret and proves nothing about who made an id;
it lets the emulator, which takes a caller's made-up "dummy" key for the account root, tell
a key iamstore issued (and has since deleted, or issued before a reset) from a dummy one
without remembering every key it ever issued. A made-up id passes it by chance once in
65,536 tries (long-term) or 256 (temporary), and is then refused, never granted more.

- long-term (AKIA…): 8 random bytes, 2 checksum bytes;
- temporary (ASIA…): the account id (5 bytes, big-endian: 12 digits < 2^40), 4 random bytes,
  1 checksum byte. GetAccessKeyInfo reads the account from the id alone (STS API Reference,
  GetAccessKeyInfo): the session lives only in its sealed token, and nothing is kept per
  session. The id reveals its account to whoever holds it, as GetAccessKeyInfo does to
  anyone, with no permission needed (AWS's own key ids carry their account the same way).
  Its 32 random bits need not be unique: the id only names a session, the sealed token
  (bound to the id) and its own secret are what a call is checked against.

Pure: the random bytes are given by the caller (node.ids, node.auth.sessions).
"""

from __future__ import annotations

import base64
import binascii
import hashlib

LONG_TERM_PREFIX = "AKIA"
TEMPORARY_PREFIX = "ASIA"
LONG_TERM_RANDOM_BYTES = 8
TEMPORARY_RANDOM_BYTES = 4
_LONG_TERM_CHECK_BYTES = 2
_TEMPORARY_CHECK_BYTES = 1
_ACCOUNT_BYTES = 5
_ID_BYTES = 10  # 16 base32 characters, no padding
_LABEL = b"iamstore access key id\x00"


def _checksum(prefix: str, body: bytes, length: int) -> bytes:
    return hashlib.sha256(_LABEL + prefix.encode() + body).digest()[:length]


def _encode(prefix: str, body: bytes, check_bytes: int) -> str:
    raw = body + _checksum(prefix, body, check_bytes)
    # INVARIANT: ten bytes are exactly 16 base32 characters, with no padding.
    assert len(raw) == _ID_BYTES
    return prefix + base64.b32encode(raw).decode()


def _decode(access_key_id: str, prefix: str, check_bytes: int) -> bytes | None:
    """The body of an id of this shape whose checksum holds, else None."""
    if len(access_key_id) != len(prefix) + 16 or not access_key_id.startswith(prefix):
        return None
    try:
        raw = base64.b32decode(access_key_id[len(prefix) :].encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None
    body, check = raw[:-check_bytes], raw[-check_bytes:]
    return body if _checksum(prefix, body, check_bytes) == check else None


def long_term_key_id(random_bytes: bytes) -> str:
    """An AKIA id from `LONG_TERM_RANDOM_BYTES` random bytes."""
    if len(random_bytes) != LONG_TERM_RANDOM_BYTES:
        raise ValueError(f"a long-term key id takes {LONG_TERM_RANDOM_BYTES} random bytes")
    return _encode(LONG_TERM_PREFIX, random_bytes, _LONG_TERM_CHECK_BYTES)


def temporary_key_id(account_id: str, random_bytes: bytes) -> str:
    """An ASIA id naming `account_id` (12 digits), from `TEMPORARY_RANDOM_BYTES` random bytes."""
    if len(account_id) != 12 or not account_id.isascii() or not account_id.isdigit():
        raise ValueError(f"`{account_id}` is not an account id")
    if len(random_bytes) != TEMPORARY_RANDOM_BYTES:
        raise ValueError(f"a temporary key id takes {TEMPORARY_RANDOM_BYTES} random bytes")
    body = int(account_id).to_bytes(_ACCOUNT_BYTES, "big") + random_bytes
    return _encode(TEMPORARY_PREFIX, body, _TEMPORARY_CHECK_BYTES)


def account_of_temporary_key(access_key_id: str) -> str | None:
    """The account an ASIA id iamstore issued names; None for any other id (an id issued
    before ids named their account, or made up, fails the checksum or names no account)."""
    body = _decode(access_key_id, TEMPORARY_PREFIX, _TEMPORARY_CHECK_BYTES)
    if body is None:
        return None
    account = int.from_bytes(body[:_ACCOUNT_BYTES], "big")
    return f"{account:012d}" if account < 10**12 else None


def issued_by_iamstore(access_key_id: str) -> bool:
    """Whether the id has the shape of a key iamstore issues, long-term or temporary."""
    if access_key_id.startswith(TEMPORARY_PREFIX):
        return account_of_temporary_key(access_key_id) is not None
    return _decode(access_key_id, LONG_TERM_PREFIX, _LONG_TERM_CHECK_BYTES) is not None
