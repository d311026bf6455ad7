"""Wildcard matching for actions (case-insensitive) and ARNs (segment by segment)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from iamstore.node.policy.variables import (
    Context,
    Token,
    TokenKind,
    has_variables,
    lookup,
    resolve,
    tokenize,
)

# ARN = arn:partition:service:region:account:resource; the resource part may hold colons.
_ARN_PREFIX_SEGMENTS = 5


@functools.lru_cache(maxsize=8192)
def _compiled(source: str) -> re.Pattern[str]:
    return re.compile(source, re.DOTALL)


def _glob_source(tokens: tuple[Token, ...], *, any_char: str) -> str:
    """Regex source for tokens; literal text is always escaped, wildcards become `any_char`."""
    parts: list[str] = []
    for token in tokens:
        if token.kind is TokenKind.STAR:
            parts.append(any_char + "*")
        elif token.kind is TokenKind.QUESTION:
            parts.append(any_char)
        else:
            parts.append(re.escape(token.text))
    return "".join(parts)


def glob_regex(tokens: tuple[Token, ...]) -> re.Pattern[str]:
    """A whole-string, case-sensitive matcher for variable-free tokens."""
    return _compiled(_glob_source(tokens, any_char=".") + r"\Z")


def _split_segments(tokens: tuple[Token, ...]) -> tuple[tuple[Token, ...], ...]:
    """Split tokens at the colons of the policy text (never at colons inside variable values)."""
    segments: list[list[Token]] = [[]]
    for token in tokens:
        if token.kind is not TokenKind.LITERAL or ":" not in token.text:
            segments[-1].append(token)
            continue
        pieces = token.text.split(":")
        for i, piece in enumerate(pieces):
            if i:
                segments.append([])
            if piece:
                segments[-1].append(Token(TokenKind.LITERAL, piece))
    return tuple(tuple(segment) for segment in segments)


def _arn_source(segments: tuple[tuple[Token, ...], ...]) -> str:
    # INVARIANT: wildcards in the first five segments never cross a colon; the resource part
    # (segment six and anything after it) is matched as a whole and case-sensitively.
    if len(segments) <= 1:
        return _glob_source(segments[0] if segments else (), any_char=".") + r"\Z"
    parts: list[str] = []
    last = len(segments) - 1
    for i, segment in enumerate(segments):
        if i >= _ARN_PREFIX_SEGMENTS or i == last:
            rest = segments[i:]
            parts.append(":".join(_glob_source(s, any_char=".") for s in rest))
            break
        parts.append("(?i:" + _glob_source(segment, any_char="[^:]") + ")")
    return ":".join(parts) + r"\Z"


_CACHE_LIMIT = 1024
# Compiled matchers are pure and immutable (apart from memo tables), so equal pattern text
# shares one matcher across statements and policies; the caches are bounded.
_PATTERN_CACHE = 16384


def _loosen(segments: tuple[tuple[Token, ...], ...]) -> tuple[tuple[Token, ...], ...]:
    """Segments with each variable widened to `*`: matches a superset of every resolution."""
    return tuple(
        tuple(Token(TokenKind.STAR) if t.kind is TokenKind.VARIABLE else t for t in segment)
        for segment in segments
    )


class _LazyRegex:
    """A regex built and compiled on first use: start-up compiles far more policies than it
    evaluates, and most of a compile's cost is building and compiling regexes."""

    __slots__ = ("_build", "_regex", "_source")

    def __init__(self, build: Callable[[], str]) -> None:
        self._build = build
        self._source: str | None = None
        self._regex: re.Pattern[str] | None = None

    def source(self) -> str:
        source = self._source
        if source is None:
            source = self._source = self._build()
        return source

    def get(self) -> re.Pattern[str]:
        regex = self._regex
        if regex is None:
            regex = self._regex = _compiled(self.source())
        return regex


def _lazy_matcher(build: Callable[[], str]) -> Callable[[str], bool]:
    """A whole-value matcher for the regex `build()` gives, built on its first call."""
    regex: re.Pattern[str] | None = None

    def matches(value: str) -> bool:
        nonlocal regex
        if regex is None:
            regex = _compiled(build())
        return regex.match(value) is not None

    return matches


@dataclass(frozen=True, slots=True)
class ArnPattern:
    """A compiled `Resource` / `ArnLike` pattern, possibly holding policy variables."""

    segments: tuple[tuple[Token, ...], ...]
    # For a pattern without variables: the exact matcher. With variables: a quick necessary
    # test (variables widened to wildcards) that rejects most values before any resolution.
    static: _LazyRegex
    has_variables: bool
    variables: tuple[Token, ...] = ()
    # Memo of resolved variable values -> exact matcher; pure memoization, bounded.
    resolved_cache: dict[tuple[str, ...], re.Pattern[str]] = field(
        default_factory=dict, compare=False
    )

    @staticmethod
    def compile(pattern: str, *, variables: bool) -> ArnPattern:
        return _arn_pattern(pattern, variables)

    def matches(self, value: str, context: Context) -> bool:
        if self.static.get().match(value) is None:
            return False
        if not self.has_variables:
            return True
        values: list[str] = []
        for token in self.variables:
            resolved = lookup(context, token.text)
            if resolved is None:
                resolved = token.default
            if resolved is None:
                return False  # a variable with no value makes the pattern match nothing
            values.append(resolved)
        key = tuple(values)
        regex = self.resolved_cache.get(key)
        if regex is None:
            regex = self._exact(context)
            if len(self.resolved_cache) >= _CACHE_LIMIT:
                self.resolved_cache.clear()
            self.resolved_cache[key] = regex
        return regex.match(value) is not None

    def _exact(self, context: Context) -> re.Pattern[str]:
        segments: list[tuple[Token, ...]] = []
        for segment in self.segments:
            tokens = resolve(segment, context)
            assert tokens is not None  # every variable was resolved by the caller
            segments.append(tokens)
        return _compiled(_arn_source(tuple(segments)))


@functools.lru_cache(maxsize=_PATTERN_CACHE)
def _arn_pattern(pattern: str, variables: bool) -> ArnPattern:
    tokens = tokenize(pattern, variables=variables, wildcards=True)
    segments = _split_segments(tokens)
    if has_variables(tokens):
        # Allow `:` inside widened variables: use a whole-value wildcard.
        loose = _LazyRegex(lambda: _arn_source(_loosen(segments)).replace("[^:]", "."))
        found = tuple(t for t in tokens if t.kind is TokenKind.VARIABLE)
        return ArnPattern(segments, loose, True, found)
    return ArnPattern(segments, _LazyRegex(lambda: _arn_source(segments)), False)


def _alternatives(patterns: list[ArnPattern]) -> str:
    return "|".join(f"(?:{p.static.source()})" for p in patterns)


@functools.lru_cache(maxsize=_PATTERN_CACHE)
def arn_resource_prefix(pattern: str, variables: bool) -> str | None:
    """The text at the start of the resource part (after the fifth colon) of every ARN that
    `pattern` matches, or None when it cannot be told: `*`, fewer than six segments, or a
    variable in the first five (its value may hold colons, which would move the fifth)."""
    if pattern == "*":
        return None
    segments = ArnPattern.compile(pattern, variables=variables).segments
    if len(segments) <= _ARN_PREFIX_SEGMENTS or any(
        token.kind is TokenKind.VARIABLE
        for segment in segments[:_ARN_PREFIX_SEGMENTS]
        for token in segment
    ):
        return None
    # INVARIANT (see _arn_source): the first five segments never match a colon, and the
    # resource part is matched case-sensitively, literal text as written.
    prefix: list[str] = []
    for i, segment in enumerate(segments[_ARN_PREFIX_SEGMENTS:]):
        if i:
            prefix.append(":")
        for token in segment:
            if token.kind is not TokenKind.LITERAL:
                return "".join(prefix)
            prefix.append(token.text)
    return "".join(prefix)


def _any_arn(value: str, context: Context) -> bool:
    return True


def compile_arn_patterns(
    patterns: tuple[str, ...], *, variables: bool
) -> Callable[[str, Context], bool]:
    """One matcher that is true when any of `patterns` matches the ARN."""
    return _arn_patterns(patterns, variables)


@functools.lru_cache(maxsize=_PATTERN_CACHE)
def _arn_patterns(patterns: tuple[str, ...], variables: bool) -> Callable[[str, Context], bool]:
    if "*" in patterns:
        return _any_arn
    compiled = [ArnPattern.compile(p, variables=variables) for p in patterns]
    # One regex over every pattern: exact for static patterns, a prefilter for dynamic ones.
    dynamic = [p for p in compiled if p.has_variables]
    if len(compiled) == 1 and dynamic:
        return dynamic[0].matches  # its own quick test is the combined regex
    if not dynamic:
        regex: re.Pattern[str] | None = None

        def static_matches(value: str, context: Context) -> bool:
            nonlocal regex
            if regex is None:
                regex = _compiled(_alternatives(compiled))
            return regex.match(value) is not None

        return static_matches
    fixed = [p for p in compiled if not p.has_variables]
    static = _lazy_matcher(lambda: _alternatives(fixed)) if fixed else None
    combined: re.Pattern[str] | None = None

    def matches(value: str, context: Context) -> bool:
        nonlocal combined
        if combined is None:
            combined = _compiled(_alternatives(compiled))
        if combined.match(value) is None:
            return False
        if static is not None and static(value):
            return True
        return any(pattern.matches(value, context) for pattern in dynamic)

    return matches


def action_service(action: str) -> str | None:
    """The lower-cased service prefix of an action pattern, None when it has a wildcard."""
    service, _, _ = action.partition(":")
    if action == "*" or "*" in service or "?" in service:
        return None
    return service.lower()


@functools.lru_cache(maxsize=_PATTERN_CACHE)
def compile_action_patterns(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """A matcher over lower-cased action names (actions compare case-insensitively)."""

    def source() -> str:
        alternatives = "|".join(
            _glob_source(tokenize(p.lower(), variables=False, wildcards=True), any_char=".")
            for p in patterns
        )
        return f"(?:{alternatives})\\Z"

    return _lazy_matcher(source)
