"""The regex-based wildcard matcher iamstore used before the linear one, kept as an oracle.

It is exponential on patterns with many stars, so tests only ever give it small inputs.
"""

from __future__ import annotations

import re

from iamstore.node.policy.variables import (
    Context,
    PatternToken,
    PatternTokenKind,
    resolve,
    tokenize,
)

_PREFIX_SEGMENTS = 5


def _source(tokens: tuple[PatternToken, ...], any_char: str) -> str:
    parts: list[str] = []
    for token in tokens:
        if token.kind is PatternTokenKind.STAR:
            parts.append(any_char + "*")
        elif token.kind is PatternTokenKind.QUESTION:
            parts.append(any_char)
        else:
            parts.append(re.escape(token.text))
    return "".join(parts)


def _segments(tokens: tuple[PatternToken, ...]) -> list[tuple[PatternToken, ...]]:
    segments: list[list[PatternToken]] = [[]]
    for token in tokens:
        if token.kind is not PatternTokenKind.LITERAL or ":" not in token.text:
            segments[-1].append(token)
            continue
        for i, piece in enumerate(token.text.split(":")):
            if i:
                segments.append([])
            if piece:
                segments[-1].append(PatternToken(PatternTokenKind.LITERAL, piece))
    return [tuple(s) for s in segments]


def _arn_source(segments: list[tuple[PatternToken, ...]]) -> str:
    if len(segments) <= 1:
        return _source(segments[0] if segments else (), ".") + r"\Z"
    parts: list[str] = []
    last = len(segments) - 1
    for i, segment in enumerate(segments):
        if i >= _PREFIX_SEGMENTS or i == last:
            parts.append(":".join(_source(s, ".") for s in segments[i:]))
            break
        parts.append("(?i:" + _source(segment, "[^:]") + ")")
    return ":".join(parts) + r"\Z"


def arn_matches(pattern: str, value: str, context: Context, *, variables: bool) -> bool:
    """Old `Resource`/`ArnLike` semantics (variables resolved after splitting the pattern)."""
    if pattern == "*":
        return True
    segments = _segments(tokenize(pattern, variables=variables, wildcards=True))
    resolved: list[tuple[PatternToken, ...]] = []
    for segment in segments:
        tokens = resolve(segment, context)
        if tokens is None:
            return False
        resolved.append(tokens)
    return re.match(_arn_source(resolved), value, re.DOTALL) is not None


def action_matches(pattern: str, action: str) -> bool:
    tokens = tokenize(pattern.lower(), variables=False, wildcards=True)
    return re.match(_source(tokens, ".") + r"\Z", action.lower(), re.DOTALL) is not None


def string_like(pattern: str, value: str) -> bool:
    tokens = tokenize(pattern, variables=False, wildcards=True)
    return re.match(_source(tokens, ".") + r"\Z", value, re.DOTALL) is not None
