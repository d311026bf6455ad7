"""Property tests for parsing: round trips, and arbitrary input never escapes the error type."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from test_policy_differential import documents

from iamstore.node.policy import (
    MalformedPolicyDocumentError,
    PolicyKind,
    parse_policy,
    serialize_policy,
)

KINDS = st.sampled_from(list(PolicyKind))
ELEMENT_NAMES = st.sampled_from(
    ["Version", "Statement", "Effect", "Action", "NotAction", "Resource", "NotResource",
     "Principal", "NotPrincipal", "Condition", "Sid", "Id", "AWS", "StringEquals", "Null"]
)  # fmt: skip
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
    | st.sampled_from(["Allow", "Deny", "2012-10-17", "*", "s3:GetObject", "arn:aws:s3:::b"]),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(ELEMENT_NAMES | st.text(max_size=5), children, max_size=4),
    max_leaves=12,
)  # fmt: skip


def parse_error(text: str, kind: PolicyKind) -> MalformedPolicyDocumentError | None:
    """The parse error for `text`, None when it parses; any other exception propagates."""
    try:
        parse_policy(text, kind)
    except MalformedPolicyDocumentError as exc:
        return exc
    return None


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([PolicyKind.IDENTITY, PolicyKind.RESOURCE, PolicyKind.SCP]), st.data())
def test_parse_serialize_parse_round_trip(kind: PolicyKind, data: st.DataObject) -> None:
    document: dict[str, Any] = data.draw(documents(kind))
    policy = parse_policy(json.dumps(document), kind)
    again = parse_policy(serialize_policy(policy), kind)
    assert again == policy
    assert serialize_policy(again) == serialize_policy(policy)


@settings(max_examples=500, deadline=None)
@given(JSON_VALUES, KINDS)
def test_random_json_only_raises_malformed(value: Any, kind: PolicyKind) -> None:
    error = parse_error(json.dumps(value), kind)
    if error is not None:
        assert error.pointer == "" or error.pointer.startswith("/")
        assert "\n" not in error.message


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), KINDS)
def test_random_text_only_raises_malformed(text: str, kind: PolicyKind) -> None:
    with contextlib.suppress(MalformedPolicyDocumentError):
        parse_policy(text, kind)
