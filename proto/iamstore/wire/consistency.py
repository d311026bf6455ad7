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


# Bounds on a token from the wire, checked before any work on it (a token reaches the node
# before authentication). A cluster's token names each member once; a sequence is a SQLite
# integer (at most 2**63 - 1, 19 digits), so an honest token stays far below each bound.
MAX_TOKEN_CHARS = 8192
MAX_TOKEN_ORIGINS = 256
MAX_SEQUENCE_DIGITS = 19
# How much of an offending part an error message repeats.
_SHOWN_CHARS = 64


class TokenFormatError(ValueError):
    """A token out of the `origin:seq,...` format or its bounds; `item` is the offending part."""

    def __init__(self, item: str, reason: str = "invalid consistency token") -> None:
        shown = item if len(item) <= _SHOWN_CHARS else item[:_SHOWN_CHARS] + "..."
        super().__init__(f"{reason} `{shown}`")
        self.item = item


def parse_token(text: str) -> dict[str, int]:
    """`origin:seq,origin:seq` to the highest sequence required per origin.

    Raises TokenFormatError on any part that is not `origin:digits`, and on a token beyond
    MAX_TOKEN_CHARS, MAX_TOKEN_ORIGINS or MAX_SEQUENCE_DIGITS.
    """
    if len(text) > MAX_TOKEN_CHARS:
        raise TokenFormatError(text, f"consistency token longer than {MAX_TOKEN_CHARS} characters")
    required: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        origin, _, seq = item.rpartition(":")
        if not origin or not seq.isascii() or not seq.isdigit():
            raise TokenFormatError(item)
        if len(seq) > MAX_SEQUENCE_DIGITS:
            raise TokenFormatError(
                item, f"consistency token sequence longer than {MAX_SEQUENCE_DIGITS} digits"
            )
        required[origin] = max(required.get(origin, 0), int(seq))
        if len(required) > MAX_TOKEN_ORIGINS:
            raise TokenFormatError(
                item, f"consistency token naming more than {MAX_TOKEN_ORIGINS} origins"
            )
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
