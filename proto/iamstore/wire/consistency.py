"""Consistency tokens on the wire: the gRPC metadata keys and the `origin:seq,...` format.

A token names, per origin node, the highest commit sequence a reader must see; a replica covers
it once it has applied every commit up to that sequence from each origin named. A write's token
is causal: its node's whole version vector when it acknowledged (docs/replication.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# The node answers a write with its token in this trailing metadata entry.
TOKEN_KEY = "x-iam-consistency-token"
# A client asks for read-your-writes with the tokens of writes it has seen.
AT_LEAST_KEY = "x-iam-at-least"


# A token names one entry per node that ever wrote: a few hundred bytes for tens of nodes
# (cluster/bench/tokens.py). Anything far larger is refused before it is split, so parsing and
# checking a token stay bounded work.
MAX_TOKEN_CHARS = 65_536


class TokenFormatError(ValueError):
    """A token that is not `origin:seq,origin:seq`; `item` is the offending part."""

    def __init__(self, item: str) -> None:
        super().__init__(f"invalid consistency token `{item}`")
        self.item = item


def parse_token(text: str) -> dict[str, int]:
    """`origin:seq,origin:seq` to the highest sequence required per origin.

    Raises TokenFormatError on any part that is not `origin:digits`.
    """
    if len(text) > MAX_TOKEN_CHARS:
        raise TokenFormatError(text[:40] + "…")
    required: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        origin, _, seq = item.rpartition(":")
        if not origin or not seq.isascii() or not seq.isdigit():
            raise TokenFormatError(item)
        required[origin] = max(required.get(origin, 0), int(seq))
    return required


def merge_tokens(tokens: Iterable[Mapping[str, int]]) -> dict[str, int]:
    """The least token that covers every one given: the highest sequence per origin."""
    merged: dict[str, int] = {}
    for token in tokens:
        for origin, seq in token.items():
            merged[origin] = max(merged.get(origin, 0), seq)
    return merged


def format_token(required: Mapping[str, int]) -> str:
    """The wire form of a token, origins sorted so equal tokens are equal strings."""
    return ",".join(f"{origin}:{seq}" for origin, seq in sorted(required.items()))
