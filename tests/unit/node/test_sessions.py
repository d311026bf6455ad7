"""Session tokens: seal/open round trip, binding to the key id, tamper and foreign-key refusal."""

from __future__ import annotations

import base64
import zlib

import msgpack
import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from hypothesis import given
from hypothesis import strategies as st

from iamstore.node.auth.sessions import Session, SessionKind, SessionSealer, TokenError, new_key_id

KEY = b"\x07" * 32
text = st.text(max_size=30)


@given(
    policies=st.lists(text, max_size=3),
    policy_arns=st.lists(text, max_size=3),
    tags=st.lists(st.tuples(text, text), max_size=3),
    mfa=st.none() | st.integers(0, 2**40),
    chained=st.booleans(),
    name=st.none() | text,
)
def test_seal_then_open_is_the_identity(
    policies: list[str],
    policy_arns: list[str],
    tags: list[tuple[str, str]],
    mfa: int | None,
    chained: bool,
    name: str | None,
) -> None:
    session = Session(
        access_key_id=new_key_id("111122223333"),
        secret_access_key="s" * 40,
        kind=SessionKind.ROLE,
        account_id="111122223333",
        principal_id="AROAEXAMPLE",
        principal_name="role",
        issued_at=100,
        expires_at=200,
        session_name=name,
        policies=tuple(policies),
        policy_arns=tuple(policy_arns),
        tags=tuple(tags),
        mfa_authenticated_at=mfa,
        chained=chained,
    )
    sealer = SessionSealer(KEY)
    assert sealer.open(session.access_key_id, sealer.seal(session)) == session


def _session() -> Session:
    return Session(
        new_key_id("111122223333"), "s" * 40, SessionKind.USER, "111122223333", "AIDA1", "u", 1, 2
    )


def test_a_token_opens_only_for_its_key_id_and_its_cluster() -> None:
    session = _session()
    token = SessionSealer(KEY).seal(session)
    with pytest.raises(TokenError):
        SessionSealer(KEY).open(new_key_id("111122223333"), token)
    with pytest.raises(TokenError):
        SessionSealer(b"\x08" * 32).open(session.access_key_id, token)


@pytest.mark.parametrize("position", [0, 5, 20, -2])
def test_any_changed_character_is_refused(position: int) -> None:
    session = _session()
    token = SessionSealer(KEY).seal(session)
    changed = "A" if token[position] != "A" else "B"
    index = position % len(token)
    tampered = token[:index] + changed + token[index + 1 :]
    with pytest.raises(TokenError):
        SessionSealer(KEY).open(session.access_key_id, tampered)


def test_keys_are_derived_not_reused() -> None:
    # The session key is HKDF-derived: the raw secrets key as an AES key does not open tokens.
    session = _session()
    token = SessionSealer(KEY).seal(session)

    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    with pytest.raises(InvalidTag):
        AESGCM(KEY).decrypt(raw[:12], raw[12:], session.access_key_id.encode())


def test_a_token_of_the_previous_format_still_opens_until_it_expires() -> None:
    # Format 1 carried the managed session policies' documents (resolved at issue) among
    # `policies` and had no ARNs: such tokens keep working, with exactly what they carry.
    fields = [
        1,
        "s" * 40,
        "role",
        "111122223333",
        "AROAEXAMPLE",
        "role",
        100,
        200,
        "old",
        ['{"Version": "2012-10-17", "Statement": []}'],
        [],
        [],
        None,
        None,
        False,
        None,
    ]
    key_id = new_key_id("111122223333")
    session_key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"iamstore session-token"
    ).derive(KEY)
    nonce = b"\x01" * 12
    sealed = AESGCM(session_key).encrypt(
        nonce, zlib.compress(msgpack.packb(fields, use_bin_type=True)), key_id.encode()
    )
    token = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
    opened = SessionSealer(KEY).open(key_id, token)
    assert opened.policies == ('{"Version": "2012-10-17", "Statement": []}',)
    assert opened.policy_arns == ()
    assert (opened.session_name, opened.expires_at) == ("old", 200)
    # A format it does not know is refused, never guessed at.
    fields[0] = 3
    sealed = AESGCM(session_key).encrypt(
        nonce, zlib.compress(msgpack.packb(fields, use_bin_type=True)), key_id.encode()
    )
    with pytest.raises(TokenError):
        SessionSealer(KEY).open(key_id, base64.urlsafe_b64encode(nonce + sealed).decode())
