"""A member may only originate commits under its own node id: every commit is signed by its
origin's Ed25519 key and checked before it is applied, also when relayed and in snapshots."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import msgpack
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from peer_fixtures import now_ms, plaintext_peer_node

from iamstore.cluster.tls import create_ca, issue_node_certificate
from iamstore.node.commits.codec import (
    Commit,
    commit_position,
    decode_commit,
    encode_commit,
    open_envelope,
    seal_commit,
)
from iamstore.node.domain.entities import Change, InlinePolicy, MemberKey
from iamstore.node.replication.commitsig import (
    CommitSealer,
    CommitSignatureError,
    CommitVerifier,
    load_signing_key,
    raw_public_key,
    signer,
    verify_commit,
)
from iamstore.node.replication.grpc_transport import GrpcTransport
from iamstore.node.replication.transport import PushMessage, TransportError
from iamstore.node.server import Node

ATTACKER = "nattacker0001"
ALLOW_ALL = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'


@pytest.fixture
async def node(tmp_path: Path) -> AsyncIterator[Node]:
    async with plaintext_peer_node(tmp_path / "node") as running:
        yield running


def _grant_everything(origin: str, seq: int) -> Commit:
    """The attack: an `Allow */*` inline policy for some user, as if `origin` wrote it."""
    row = InlinePolicy("AIDAVICTIM0000000001", "pwned", ALLOW_ALL)
    return Commit(origin, seq, (now_ms() << 16), "attacker", "PutUserPolicy", (Change.put(row),))


async def _push(node: Node, *commits: bytes) -> None:
    assert node.address is not None
    transport = GrpcTransport(node.config.cluster_key_path.read_bytes(), ATTACKER, now_ms)
    try:
        await transport.push(node.address, PushMessage(ATTACKER, commits, {}))
    finally:
        await transport.close()


def _next_seq(node: Node) -> tuple[str, int]:
    assert node.components is not None
    origin = node.components.node_id
    return origin, node.components.state.applied.get(origin, 0) + 1


async def test_a_key_holder_cannot_write_under_another_members_origin(node: Node) -> None:
    """The cluster key lets the attacker talk; its own signing key does not make it the
    member whose origin and next sequence number it uses."""
    assert node.components is not None
    origin, seq = _next_seq(node)
    forged = seal_commit(_grant_everything(origin, seq), signer(Ed25519PrivateKey.generate()))
    before = node.components.state.version_vector()
    with pytest.raises(TransportError, match="not signed by its origin's key"):
        await _push(node, encode_commit(forged))
    assert node.components.state.version_vector() == before
    assert "AIDAVICTIM0000000001" not in node.components.state.view.inline


async def test_an_unsigned_commit_is_refused(node: Node) -> None:
    assert node.components is not None
    origin, seq = _next_seq(node)
    with pytest.raises(TransportError, match="is not signed"):
        await _push(node, encode_commit(_grant_everything(origin, seq)))
    assert "AIDAVICTIM0000000001" not in node.components.state.view.inline


async def test_a_commit_from_an_origin_without_a_known_key_is_refused(node: Node) -> None:
    assert node.components is not None
    forged = seal_commit(_grant_everything(ATTACKER, 1), signer(Ed25519PrivateKey.generate()))
    with pytest.raises(TransportError, match="whose key is unknown"):
        await _push(node, encode_commit(forged))
    assert ATTACKER not in node.components.state.version_vector()


async def test_a_new_members_commit_that_overtakes_its_key_waits_for_it(node: Node) -> None:
    """An eager push may bring a new member's second commit before its first, which
    introduces its key: that push is not refused (the commit is left for anti-entropy to
    bring in order), and the member's commits apply once the introduction arrives. A forged
    commit at the next seq of a keyless origin is still refused (the test above)."""
    assert node.components is not None
    member = "nnewmember001"
    key = Ed25519PrivateKey.generate()
    record = MemberKey(member, raw_public_key(key), b"", now_ms())
    introduction = Commit(
        member, 1, now_ms() << 16, "node", "IntroduceMemberKey", (Change.put(record),)
    )
    sealer = CommitSealer(key)
    first = encode_commit(sealer.seal(introduction))
    second = encode_commit(sealer.seal(_grant_everything(member, 2)))

    await _push(node, second)  # early: nothing applies, nothing is refused
    assert member not in node.components.state.version_vector()
    assert node.replicator is not None
    assert node.replicator.stats.refused_messages == 0

    await _push(node, first, second)
    assert node.components.state.applied[member] == 2
    assert node.components.state.view.member_keys[member].public_key == record.public_key


async def test_a_second_key_for_a_known_member_is_refused(node: Node) -> None:
    """Introducing a new key for an existing id would let its holder speak as that member."""
    assert node.components is not None
    origin, seq = _next_seq(node)
    stolen_id = Ed25519PrivateKey.generate()
    record = MemberKey(origin, raw_public_key(stolen_id), b"", now_ms())
    takeover = Commit(origin, seq, now_ms() << 16, "attacker", "Key", (Change.put(record),))
    with pytest.raises(TransportError, match="changes its member's key"):
        await _push(node, encode_commit(seal_commit(takeover, signer(stolen_id))))
    assert node.components.state.view.member_keys[origin].public_key != record.public_key


async def test_a_signed_commit_with_an_altered_body_is_refused(node: Node) -> None:
    """A signature lifted from a genuine commit does not cover another body."""
    assert node.components is not None
    genuine = (await node.components.state.db.commits())[-1]
    origin, seq = _next_seq(node)
    key = load_signing_key(node.config.commit_key_path)
    signed_elsewhere = seal_commit(_grant_everything(origin, seq), signer(key))
    good_body = seal_commit(_grant_everything(origin, seq + 1), signer(key))
    # Splice: the body (and prev) of one commit with the signature of another.
    taken = open_envelope(encode_commit(signed_elsewhere))
    lifted = open_envelope(encode_commit(good_body))
    assert taken is not None
    assert lifted is not None
    spliced = msgpack.packb([2, taken.body, lifted.signature, taken.prev], use_bin_type=True)
    with pytest.raises(TransportError, match="not signed by its origin's key"):
        await _push(node, spliced)
    assert genuine == (await node.components.state.db.commits())[-1]


async def test_the_positive_control_a_commit_signed_by_its_origin_applies(node: Node) -> None:
    """The node's own key, as if the node had written it and a peer relayed it back."""
    assert node.components is not None
    origin, seq = _next_seq(node)
    key = load_signing_key(node.config.commit_key_path)
    await _push(node, encode_commit(seal_commit(_grant_everything(origin, seq), signer(key))))
    assert node.components.state.applied[origin] == seq


# --- under a cluster CA (no sockets) ------------------------------------------------------------


def _verifier_with_ca(tmp_path: Path) -> CommitVerifier:
    create_ca(tmp_path / "ca")
    return CommitVerifier((tmp_path / "ca" / "ca.pem").read_bytes())


def _introduction(node_id: str, key: Ed25519PrivateKey, certificate: bytes) -> Commit:
    record = MemberKey(node_id, raw_public_key(key), certificate, 1)
    commit = Commit(node_id, 1, 1 << 16, "node", "IntroduceMemberKey", (Change.put(record),))
    return seal_commit(commit, signer(key))


def test_under_a_ca_a_key_is_believed_only_with_a_certificate_naming_it(tmp_path: Path) -> None:
    verifier = _verifier_with_ca(tmp_path)
    files = issue_node_certificate(tmp_path / "ca", tmp_path / "n1", "node1", node_id="n1")
    key = load_signing_key(tmp_path / "n1" / "commit.key")
    verifier.check([_introduction("n1", key, files.cert.read_bytes())], {})  # the control
    with pytest.raises(CommitSignatureError, match="without a certificate the cluster's ca"):
        verifier.check([_introduction("n1", key, b"")], {})
    # A genuine certificate, but for another node, or naming another key.
    with pytest.raises(CommitSignatureError, match="names another node or key"):
        verifier.check([_introduction("n2", key, files.cert.read_bytes())], {})
    other = Ed25519PrivateKey.generate()
    with pytest.raises(CommitSignatureError, match="names another node or key"):
        verifier.check([_introduction("n1", other, files.cert.read_bytes())], {})
    # Issued by another CA.
    create_ca(tmp_path / "rogue")
    rogue = issue_node_certificate(tmp_path / "rogue", tmp_path / "r", "node1", node_id="nr")
    rogue_key = load_signing_key(tmp_path / "r" / "commit.key")
    with pytest.raises(CommitSignatureError, match="without a certificate the cluster's ca"):
        verifier.check([_introduction("nr", rogue_key, rogue.cert.read_bytes())], {})


def test_under_a_ca_member_keys_in_a_snapshot_are_checked(tmp_path: Path) -> None:
    verifier = _verifier_with_ca(tmp_path)
    files = issue_node_certificate(tmp_path / "ca", tmp_path / "n1", "node1", node_id="n1")
    key = raw_public_key(load_signing_key(tmp_path / "n1" / "commit.key"))
    verifier.check_snapshot_keys([MemberKey("n1", key, files.cert.read_bytes(), 1)])
    forged = raw_public_key(Ed25519PrivateKey.generate())
    with pytest.raises(CommitSignatureError):
        verifier.check_snapshot_keys([MemberKey("n1", forged, files.cert.read_bytes(), 1)])
    with pytest.raises(CommitSignatureError):
        verifier.check_snapshot_keys([MemberKey("nx", forged, b"", 1)])


async def test_a_new_members_long_first_batch_is_checked_and_applied(node: Node) -> None:
    """Its key introduction first, then more commits than are checked on the event loop (the
    rest are checked in a worker thread): all apply; one bad signature refuses them all."""
    assert node.components is not None
    newcomer = Ed25519PrivateKey.generate()
    origin = "nnewcomer0001"
    record = MemberKey(origin, raw_public_key(newcomer), b"", now_ms())
    hlc = now_ms() << 16
    commits = [Commit(origin, 1, hlc, "node", "IntroduceMemberKey", (Change.put(record),))]
    for seq in range(2, 41):
        row = InlinePolicy(f"AIDANEWCOMER{seq:08d}", "p", ALLOW_ALL)
        commits.append(Commit(origin, seq, hlc + seq, "op", "PutUserPolicy", (Change.put(row),)))
    sealed = [encode_commit(seal_commit(c, signer(newcomer))) for c in commits]
    forged_last = encode_commit(seal_commit(commits[-1], signer(Ed25519PrivateKey.generate())))
    with pytest.raises(TransportError, match="not signed by its origin's key"):
        await _push(node, *sealed[:-1], forged_last)
    assert origin not in node.components.state.version_vector()
    await _push(node, *sealed)
    assert node.components.state.version_vector()[origin] == 40


# --- chains: the newest signature vouches for the commits it links back to --------------------


def _chain(key: Ed25519PrivateKey, origin: str, count: int) -> list[Commit]:
    sealer = CommitSealer(key)
    return [sealer.seal(_grant_everything(origin, seq)) for seq in range(1, count + 1)]


def _with_bad_signature(commit: Commit) -> Commit:
    envelope = open_envelope(commit.wire or b"")
    assert envelope is not None
    wire = msgpack.packb([2, envelope.body, b"\0" * 64, envelope.prev], use_bin_type=True)
    return decode_commit(wire)


def test_a_chain_is_vouched_for_by_its_newest_signature() -> None:
    key = Ed25519PrivateKey.generate()
    known = {"n1": MemberKey("n1", raw_public_key(key), b"", 1)}
    chain = _chain(key, "n1", 5)
    # Earlier signatures are not even looked at while the links hold...
    unsigned_middle = [*map(_with_bad_signature, chain[:-1]), chain[-1]]
    CommitVerifier(None).check(unsigned_middle, known)
    # ...but the newest one is, and a batch ending on a bad signature is refused.
    with pytest.raises(CommitSignatureError, match="n1:5 is not signed by its origin's key"):
        CommitVerifier(None).check([*chain[:-1], _with_bad_signature(chain[-1])], known)


def test_a_forged_commit_spliced_into_a_chain_is_refused() -> None:
    """The forgery takes seq 3 of a genuine chain: seq 4 names the genuine seq 3's link, so
    the forgery must carry a signature of its own, which it cannot make."""
    key = Ed25519PrivateKey.generate()
    known = {"n1": MemberKey("n1", raw_public_key(key), b"", 1)}
    chain = _chain(key, "n1", 5)
    forged = seal_commit(
        _grant_everything("n1", 3), signer(Ed25519PrivateKey.generate()), prev=b"\1" * 32
    )
    with pytest.raises(CommitSignatureError, match="n1:3 is not signed by its origin's key"):
        CommitVerifier(None).check([*chain[:2], forged, *chain[3:]], known)


def test_a_signed_commit_reads_back_whole_and_its_position_without_decoding() -> None:
    key = Ed25519PrivateKey.generate()
    sealer = CommitSealer(key)
    first, second = (sealer.seal(_grant_everything("n1", seq)) for seq in (1, 2))
    wire = encode_commit(second)
    assert decode_commit(wire) == second
    assert commit_position(wire) == ("n1", 2)
    first_envelope, second_envelope = map(open_envelope, (first.wire or b"", wire))
    assert first_envelope is not None
    assert second_envelope is not None
    assert second_envelope.prev == first_envelope.link
    verify_commit(decode_commit(wire), raw_public_key(key))
    with pytest.raises(CommitSignatureError):
        verify_commit(decode_commit(wire), raw_public_key(Ed25519PrivateKey.generate()))
