"""Fresh identifiers and secrets in AWS's shapes, from an injectable source of randomness."""

from __future__ import annotations

import random
import secrets
import string

from iamstore.node.access_key_ids import LONG_TERM_RANDOM_BYTES, long_term_key_id

# AWS unique ids are an uppercase prefix followed by [A-Z0-9] ("IAM identifiers").
_ID_ALPHABET = string.ascii_uppercase + string.digits
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


class IdSource:
    """Makes ids; pass a seeded `random.Random` to replay, the default is the OS's CSPRNG."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng: random.Random = rng if rng is not None else secrets.SystemRandom()

    def _pick(self, alphabet: str, length: int) -> str:
        return "".join(self._rng.choice(alphabet) for _ in range(length))

    def unique_id(self, prefix: str) -> str:
        """AIDA…, AGPA…, AROA…, ANPA…: 21 characters in all, as AWS issues them."""
        return prefix + self._pick(_ID_ALPHABET, 17)

    def access_key_id(self) -> str:
        """AKIA…, marked as iamstore's (node.access_key_ids)."""
        return long_term_key_id(self.random_bytes(LONG_TERM_RANDOM_BYTES))

    def secret_access_key(self) -> str:
        return self._pick(_SECRET_ALPHABET, 40)

    def secret(self, length: int) -> str:
        """A random secret of `length` characters (service-specific credential passwords)."""
        return self._pick(_SECRET_ALPHABET, length)

    def random_bytes(self, count: int) -> bytes:
        """`count` random bytes (MFA seeds)."""
        return self._rng.getrandbits(8 * count).to_bytes(count, "big")

    def account_id(self) -> str:
        return str(self._rng.randrange(1, 10)) + self._pick(string.digits, 11)
