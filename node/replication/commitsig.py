"""Commit signatures: a member signs every commit it originates with its own Ed25519 key, and
every node checks each commit against its origin's key before applying it.

Keys are known through the replica (`MemberKey` rows, node/domain/entities.py): a member's
first commit introduces its own key, signed with it. Whether an introduced key is believed:
- with TLS between members (a cluster CA), only when the row carries a certificate the CA
  signed that names the node id and this key (an X.509 extension); so a key is checked the
  same way whoever relays it, and in a snapshot;
- with a plaintext peer channel (development only), the first key introduced for a node id
  counts (trust on first use): it stops members taking over each other's ids, but any holder
  of the cluster key may introduce a new id.
A commit whose origin has no known key, and that does not introduce one, is refused, as is
one whose signature does not check out, and one introducing a second key for a known id.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from iamstore.node.commits.codec import Commit, Envelope, open_envelope, seal_commit
from iamstore.node.domain.entities import MemberKey
from iamstore.node.replication.peertls import PeerCertificateError, certificate_node_id

# A private OID (ITU-T X.667 UUID arc, 2.25.<uuid>): the extension naming a member's
# commit-signing public key in its certificate.
COMMIT_KEY_OID = x509.ObjectIdentifier("2.25.247808436441839108137440781330513826155")
_SIGNED = b"iamstore commit v1\n"


class CommitSignatureError(Exception):
    """A commit that does not check out against its origin's key (or whose key is unknown)."""


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    """This node's commit-signing key, created (mode 0600) when the file does not exist."""
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(private_key_bytes(Ed25519PrivateKey.generate()))
            out.flush()
            os.fsync(out.fileno())
    key = serialization.load_pem_private_key(path.read_bytes(), None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"`{path}` is not an Ed25519 private key")
    return key


def private_key_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def raw_public_key(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


# The extension's value: a DER OCTET STRING of the 32 raw Ed25519 public key bytes.
_OCTET_STRING_32 = b"\x04\x20"


def commit_key_extension(public_key: bytes) -> x509.UnrecognizedExtension:
    """The certificate extension naming a member's commit-signing key (raw Ed25519 bytes)."""
    return x509.UnrecognizedExtension(COMMIT_KEY_OID, _OCTET_STRING_32 + public_key)


def certified_commit_key(cert: x509.Certificate) -> bytes | None:
    """The commit-signing key `cert` names, if it names one."""
    try:
        extension = cert.extensions.get_extension_for_oid(COMMIT_KEY_OID).value
    except x509.ExtensionNotFound:
        return None
    if not isinstance(extension, x509.UnrecognizedExtension):
        return None
    value = extension.value
    if len(value) != 34 or not value.startswith(_OCTET_STRING_32):
        return None
    return value[2:]


def signer(key: Ed25519PrivateKey) -> Callable[[bytes], bytes]:
    """Signs a commit's link (what `codec.seal_commit` takes)."""
    return lambda link: key.sign(_SIGNED + link)


class CommitSealer:
    """Signs this node's commits, each naming the link of the one before (one per node,
    shared by every writer of the node, which call it in commit order under the apply lock).
    After a restart the first commit names no link: it vouches only for itself."""

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._sign = signer(key)
        self._last_link = b""

    def seal(self, commit: Commit) -> Commit:
        sealed = seal_commit(commit, self._sign, self._last_link)
        envelope = open_envelope(sealed.wire or b"")
        # A commit that then fails to apply leaves a link nothing has: its successor's check
        # falls back to its own signature, nothing else.
        self._last_link = b"" if envelope is None else envelope.link
        return sealed


def check_member_key(record: MemberKey, ca_pem: bytes | None) -> None:
    """Raises CommitSignatureError unless, under a CA, the record's certificate was issued by
    it and names the record's node id and key. Without a CA there is nothing to check."""
    if ca_pem is None:
        return
    try:
        cert = x509.load_pem_x509_certificate(record.certificate)
        cert.verify_directly_issued_by(x509.load_pem_x509_certificate(ca_pem))
        node_id = certificate_node_id(cert)
    except (ValueError, TypeError, InvalidSignature, PeerCertificateError):
        raise CommitSignatureError(
            f"the key of `{record.node_id}` comes without a certificate the cluster's ca signed"
        ) from None
    if node_id != record.node_id or certified_commit_key(cert) != record.public_key:
        raise CommitSignatureError(
            f"the certificate given for `{record.node_id}` names another node or key"
        )


class CommitVerifier:
    """Checks commits against their origins' keys. Pure and thread-safe: it holds only the
    cluster's CA, so a large batch may be checked off the event loop."""

    def __init__(self, ca_pem: bytes | None) -> None:
        """`ca_pem`: the cluster's CA, if any (see the module docstring)."""
        self._ca = ca_pem

    def check(
        self, commits: Sequence[Commit], known: Mapping[str, MemberKey]
    ) -> dict[str, MemberKey]:
        """Raises CommitSignatureError unless every commit is its origin's (`known`: keys by
        node id); returns the keys these commits introduce.

        A key one of these commits introduces counts for the commits after it (a member's
        first commits often arrive in one batch), though it is applied only with them. Only
        the newest commit of each run of an origin's consecutive commits needs its signature
        checked: the earlier ones are vouched for by the links it chains back through
        (node/commits/codec.py); a broken chain costs a signature check, nothing else.
        """
        keys = self._keys(commits, known)
        envelopes = [_envelope(commit) for commit in commits]
        # Per origin, (seq, prev) of the newest commit vouched for so far, walking backwards.
        vouched: dict[str, tuple[int, bytes]] = {}
        for commit, envelope, public_key in zip(
            reversed(commits), reversed(envelopes), reversed(keys), strict=True
        ):
            later = vouched.get(commit.origin)
            # INVARIANT: a commit passes only through a checked signature of its own, or as
            # the `prev` of its origin's next commit, itself passed.
            if (
                later is None
                or later[0] != commit.seq + 1
                or not hmac.compare_digest(later[1], envelope.link)
            ):
                _verify_signature(commit, envelope, public_key)
            vouched[commit.origin] = (commit.seq, envelope.prev)
        return {
            c.origin: row
            for c in commits
            for row in (ch.row for ch in c.changes)
            if isinstance(row, MemberKey)
        }

    def _keys(self, commits: Sequence[Commit], known: Mapping[str, MemberKey]) -> list[bytes]:
        """Each commit's origin key, in order, checking every key introduction."""
        introduced: dict[str, MemberKey] = {}
        keys: list[bytes] = []
        for commit in commits:
            record = introduced.get(commit.origin) or known.get(commit.origin)
            for change in commit.changes:
                if change.table != MemberKey.TABLE:
                    continue
                row = change.row
                if not isinstance(row, MemberKey) or row.node_id != commit.origin:
                    raise CommitSignatureError(
                        f"commit {commit.origin}:{commit.seq} writes another member's key"
                    )
                if record is not None and record.public_key != row.public_key:
                    raise CommitSignatureError(
                        f"commit {commit.origin}:{commit.seq} changes its member's key"
                    )
                check_member_key(row, self._ca)
                record = introduced[commit.origin] = row
            if record is None:
                raise CommitSignatureError(
                    f"commit {commit.origin}:{commit.seq} from a node whose key is unknown"
                )
            keys.append(record.public_key)
        return keys

    def check_snapshot_keys(self, records: Iterable[MemberKey]) -> None:
        """Member keys arriving in a snapshot: each checked against the CA, if any."""
        for record in records:
            check_member_key(record, self._ca)


def _envelope(commit: Commit) -> Envelope:
    envelope = None if commit.wire is None else open_envelope(commit.wire)
    if envelope is None:
        raise CommitSignatureError(f"commit {commit.origin}:{commit.seq} is not signed")
    return envelope


def _verify_signature(commit: Commit, envelope: Envelope, public_key: bytes) -> None:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            envelope.signature, _SIGNED + envelope.link
        )
    except (ValueError, InvalidSignature):
        raise CommitSignatureError(
            f"commit {commit.origin}:{commit.seq} is not signed by its origin's key"
        ) from None


def verify_commit(commit: Commit, public_key: bytes) -> None:
    """Raises CommitSignatureError unless `commit` carries its own valid signature."""
    _verify_signature(commit, _envelope(commit), public_key)
