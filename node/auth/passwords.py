"""Password hashing with argon2id (argon2-cffi's recommended parameters)."""

from __future__ import annotations

from collections.abc import Sequence

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def matches_any(password_hashes: Sequence[str], password: str) -> bool:
    """Whether `password` is the one behind any of the hashes.

    Every hash is verified, even after a match: the time taken depends only on how many
    hashes there are, never on which of them (if any) matched. Each verification is argon2's
    own (its comparison is constant-time); no hash is compared with another.
    """
    matched = [verify_password(password_hash, password) for password_hash in password_hashes]
    return any(matched)
