"""Encoded failure messages: bounded, sealed per account, never confused with session tokens."""

from __future__ import annotations

import json

import pytest

from iamstore.node.auth.authz_messages import MAX_MESSAGE_JSON, failure_message
from iamstore.node.auth.request_context import PrincipalFacts, PrincipalKind
from iamstore.node.auth.sessions import Session, SessionKind, SessionSealer, TokenError
from iamstore.node.policy import Decision, Outcome

FACTS = PrincipalFacts(
    "arn:aws:iam::123456789012:user/a", "123456789012", PrincipalKind.USER, "AIDA"
)


def test_a_huge_context_is_cut_to_the_bound() -> None:
    context = {f"aws:requesttag/k{i}": "v" * 200 for i in range(500)}
    plain = failure_message(Decision(Outcome.IMPLICIT_DENY), FACTS, "s3:GetObject", "*", context)
    assert len(plain) <= MAX_MESSAGE_JSON
    decoded = json.loads(plain)
    assert decoded["truncated"] is True
    assert 0 < len(decoded["context"]["conditions"]["items"]) < 500


def test_a_message_opens_only_in_its_account_and_never_as_a_token() -> None:
    sealer = SessionSealer(b"k" * 32)
    sealed = sealer.seal_message("123456789012", b'{"allowed":false}')
    assert sealer.open_message("123456789012", sealed, 1024) == b'{"allowed":false}'
    with pytest.raises(TokenError):
        sealer.open_message("210987654321", sealed, 1024)
    with pytest.raises(TokenError):  # a message is not a session token
        sealer.open("ASIAAAAAAAAAAAAAAAAA", sealed)
    session = Session(
        "ASIAAAAAAAAAAAAAAAAA", "s", SessionKind.USER, "123456789012", "AIDA", "a", 0, 1
    )
    with pytest.raises(TokenError):  # nor a token a message
        sealer.open_message("123456789012", sealer.seal(session), 1024)


def test_inflating_is_bounded() -> None:
    sealer = SessionSealer(b"k" * 32)
    sealed = sealer.seal_message("123456789012", b"x" * 100_000)
    with pytest.raises(TokenError):
        sealer.open_message("123456789012", sealed, 1024)
