"""Users' SSH public keys: RSA of at least 2048 bits, in OpenSSH (`ssh-rsa ...`) or PEM form
(AWS IAM API, UploadSSHPublicKey); 5 per user; returned in either encoding."""

from __future__ import annotations

import base64
import hashlib

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from iamstore.node.domain import fields
from iamstore.node.domain.entities import Change, KeyStatus, SshPublicKey, User
from iamstore.node.domain.errors import (
    DuplicateSSHPublicKey,
    InvalidPublicKey,
    LimitExceeded,
    NoSuchEntity,
    UnrecognizedPublicKeyEncoding,
)
from iamstore.node.domain.rules import Page, paginate
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext

MIN_RSA_BITS = 2048
FIELD = "SSHPublicKeyBody"


def load_public_key(body: str) -> rsa.RSAPublicKey:
    text = body.strip()
    key: object
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode())
        elif text.startswith("ssh-"):
            key = serialization.load_ssh_public_key(text.encode())
        else:
            raise UnrecognizedPublicKeyEncoding(
                "The SSH public key must be in ssh-rsa (OpenSSH) or PEM format.", FIELD
            )
    except (ValueError, UnsupportedAlgorithm):
        raise InvalidPublicKey("The SSH public key is not valid.", FIELD) from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise InvalidPublicKey("The SSH public key must be an RSA key.", FIELD)
    if key.key_size < MIN_RSA_BITS:
        raise InvalidPublicKey(
            f"The SSH public key must be at least {MIN_RSA_BITS} bits long.", FIELD
        )
    return key


def _openssh(key: rsa.RSAPublicKey) -> str:
    encoding, form = serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    return key.public_bytes(encoding, form).decode()


def _fingerprint(openssh: str) -> str:
    blob = base64.b64decode(openssh.split()[1])
    digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def encoded(key: SshPublicKey, encoding: str) -> str:
    """The key in `SSH` (OpenSSH) or `PEM` encoding (GetSSHPublicKey's Encoding)."""
    if encoding == "SSH":
        return key.body
    loaded = serialization.load_ssh_public_key(key.body.encode())
    pem = loaded.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem.decode()


def of_user(view: View, user: User) -> list[SshPublicKey]:
    """The user's keys: of its account only (one another account left under the user's id
    is not its, see `View.managed_policy`)."""
    found = (view.ssh_public_keys.get(i) for i in view.ssh_public_keys_of.get(user.user_id, ()))
    return [key for key in found if key is not None and key.account_id == user.account_id]


def upload(
    view: View, ctx: WriteContext, user: User, body: str
) -> tuple[list[Change], SshPublicKey]:
    openssh = _openssh(load_public_key(body))
    fingerprint = _fingerprint(openssh)
    owned = of_user(view, user)
    if any(k.fingerprint == fingerprint for k in owned):
        raise DuplicateSSHPublicKey(
            "The SSH public key is already associated with the user.", FIELD
        )
    if len(owned) >= ctx.quotas.ssh_public_keys_per_user:
        raise LimitExceeded(
            f"Cannot exceed quota for SSHPublicKeysPerUser: {ctx.quotas.ssh_public_keys_per_user}"
        )
    row = SshPublicKey(
        key_id=ctx.new_id("APKA"),
        account_id=ctx.account_id,
        user_id=user.user_id,
        body=openssh,
        fingerprint=fingerprint,
        status=KeyStatus.ACTIVE,
        created_ms=ctx.now_ms,
    )
    return [Change.put(row)], row


def get(view: View, user: User, key_id: str) -> SshPublicKey:
    found = view.ssh_public_keys.get(key_id)
    if found is None or found.user_id != user.user_id or found.account_id != user.account_id:
        raise NoSuchEntity(f"The Public Key with id {key_id} cannot be found.", "SSHPublicKeyId")
    return found


def listed(view: View, user: User, marker: str | None, max_items: int | None) -> Page[SshPublicKey]:
    return paginate(of_user(view, user), lambda k: k.key_id, marker, max_items)


def set_status(view: View, user: User, key_id: str, status: str) -> list[Change]:
    return [fields.put(get(view, user, key_id), "status", status)]


def delete(view: View, user: User, key_id: str) -> list[Change]:
    found = get(view, user, key_id)
    return [Change.delete(found), *fields.dropped(view.fields_of(found))]
