"""The policy size IAM's quotas count: every character but whitespace, Unicode's included."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from iamstore.node.domain.rules import policy_size

SPACES = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2028\u2029\u202f\u205f\u3000"


@given(st.text(alphabet=st.sampled_from(SPACES) | st.characters()))
def test_counts_what_isspace_does_not_accept(document: str) -> None:
    assert policy_size(document) == sum(1 for ch in document if not ch.isspace())
