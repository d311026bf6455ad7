"""Seals secrets at rest (access-key secrets, later MFA seeds) with AES-GCM.

The key lives in a file beside the database, never in the replica, so a copied database
alone does not reveal a single secret.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE_BYTES = 12


class SecretBoxError(Exception):
    """A sealed secret could not be opened: wrong key, or tampered bytes."""


class SecretBox:
    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    @classmethod
    def from_file(cls, path: Path) -> SecretBox:
        """Loads the key, creating it (mode 0600) when the file does not exist yet."""
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(AESGCM.generate_key(bit_length=256))
                out.flush()
                os.fsync(out.fileno())
        return cls(path.read_bytes())

    def seal(self, plaintext: str, context: str) -> bytes:
        """Encrypts `plaintext`, bound to `context` (e.g. the access key id) as associated data."""
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext.encode(), context.encode())

    def open(self, sealed: bytes, context: str) -> str:
        try:
            plain = self._aead.decrypt(
                sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], context.encode()
            )
        except InvalidTag:
            raise SecretBoxError(f"cannot open the secret sealed for `{context}`") from None
        return plain.decode()
