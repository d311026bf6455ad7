"""Wildcard matching for actions (case-insensitive) and ARNs (segment by segment), in linear
time on caller-supplied patterns (see `glob`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from iamstore.node.policy.glob import GlobShape, compile_glob
from iamstore.node.policy.memo import sized_memo
from iamstore.node.policy.variables import (
    Context,
    PatternToken,
    PatternTokenKind,
    has_variables,
    lookup,
    resolve,
    tokenize,
)

# ARN = arn:partition:service:region:account:resource; the resource part may hold colons.
_ARN_PREFIX_SEGMENTS = 5
_COLON = PatternToken(PatternTokenKind.LITERAL, ":")


def fold(text: str) -> str:
    """`text` lower-cased one character for one, so that `?` still counts characters."""
    lowered = text.lower()
    if len(lowered) == len(text):  # lower() never shortens a character: each maps to one
        return lowered
    return "".join(char if len(char.lower()) != 1 else char.lower() for char in text)


def _folded(tokens: tuple[PatternToken, ...]) -> tuple[PatternToken, ...]:
    return tuple(
        PatternToken(PatternTokenKind.LITERAL, fold(t.text))
        if t.kind is PatternTokenKind.LITERAL
        else t
        for t in tokens
    )


def _split_segments(tokens: tuple[PatternToken, ...]) -> tuple[tuple[PatternToken, ...], ...]:
    """Split tokens at the colons of the policy text (never at colons inside variable values)."""
    segments: list[list[PatternToken]] = [[]]
    for token in tokens:
        if token.kind is not PatternTokenKind.LITERAL or ":" not in token.text:
            segments[-1].append(token)
            continue
        pieces = token.text.split(":")
        for i, piece in enumerate(pieces):
            if i:
                segments.append([])
            if piece:
                segments[-1].append(PatternToken(PatternTokenKind.LITERAL, piece))
    return tuple(tuple(segment) for segment in segments)


# A variable-free ARN pattern's whole-value test.
ArnMatcher = Callable[[str], bool]


def _arn_matcher(segments: tuple[tuple[PatternToken, ...], ...]) -> ArnMatcher:
    """The test of variable-free segments (see `_split_segments`): the first segments, each
    matched against one colon-free segment of the ARN ignoring case, then the rest, matched
    case-sensitively.

    INVARIANT: wildcards in the first five segments never cross a colon (each is matched
    against one segment of the value); the resource part (segment six and anything after
    it) is matched as a whole, its `*` crossing colons. A pattern of one segment is matched
    as a whole. A variable whose value holds a colon in the first five segments matches
    nothing there, as each of the six segments is checked separately:
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
    """
    if len(segments) <= 1:
        return compile_glob(segments[0] if segments else ()).test()
    count = min(len(segments) - 1, _ARN_PREFIX_SEGMENTS)
    tokens: list[PatternToken] = []
    for i, segment in enumerate(segments[count:]):
        if i:
            tokens.append(_COLON)
        tokens.extend(segment)
    rest = compile_glob(tuple(tokens)).test()
    prefix = [compile_glob(_folded(segment)) for segment in segments[:count]]
    if all(g.shape is GlobShape.EXACT for g in prefix):
        # The common case (`arn:aws:s3:::...`): one literal start, its colons where the
        # segments end (a literal segment holds no colon), then the rest.
        start = ":".join(g.literal for g in prefix) + ":"
        if start.count(":") == count:
            size = len(start)

            def literal_start(value: str) -> bool:
                head = value[:size]
                if head != start and fold(head) != start:
                    return False
                return rest(value[size:])

            return literal_start
    # Segments without `?` or `*` inside (`arn`, `aws`, `s3`, ``, an account id, `*`) are
    # compared directly; the value usually comes lower-case already, so fold only on a miss.
    exact = tuple((i, g.literal) for i, g in enumerate(prefix) if g.shape is GlobShape.EXACT)
    other = tuple(
        (i, g.test())
        for i, g in enumerate(prefix)
        if g.shape not in (GlobShape.EXACT, GlobShape.ANYTHING)
    )

    def matches(value: str) -> bool:
        parts = value.split(":", count)
        if len(parts) <= count:
            return False
        for i, literal in exact:
            part = parts[i]
            if part != literal and fold(part) != literal:
                return False
        for i, test in other:
            if not test(fold(parts[i])):
                return False
        return rest(parts[count])

    return matches


_CACHE_LIMIT = 1024
# Resolved variable values longer than this (in total) are matched without being memoized,
# so a pattern's memo stays small whatever the request context holds.
_MEMO_VALUE_CHARS = 1024
# Compiled matchers are pure and immutable (apart from memo tables), so equal pattern text
# shares one matcher across statements and policies; the memos are bounded in size (memo.py).


class _Lazy:
    """A matcher built on first use: start-up compiles far more policies than it evaluates."""

    __slots__ = ("_build", "_matcher")

    def __init__(self, build: Callable[[], ArnMatcher]) -> None:
        self._build = build
        self._matcher: ArnMatcher | None = None

    def get(self) -> ArnMatcher:
        matcher = self._matcher
        if matcher is None:
            matcher = self._matcher = self._build()
        return matcher


@dataclass(frozen=True, slots=True)
class ArnPattern:
    """A compiled `Resource` / `ArnLike` pattern, possibly holding policy variables."""

    segments: tuple[tuple[PatternToken, ...], ...]
    static: _Lazy | None  # the matcher of a pattern without variables
    variables: tuple[PatternToken, ...] = ()
    # A quick necessary test for a pattern with variables, before any is resolved: every ARN
    # it matches starts with `head` (its first five segments, literal, folded) then `start`
    # (the literal start of its resource part). None when the first five are not literal.
    head: str | None = None
    start: str = ""
    # Memo of resolved variable values -> matcher; pure memoization, bounded in entries and
    # (by _MEMO_VALUE_CHARS) in the size of each.
    resolved_cache: dict[tuple[str, ...], ArnMatcher] = field(default_factory=dict, compare=False)

    @property
    def has_variables(self) -> bool:
        return self.static is None

    @staticmethod
    def compile(pattern: str, *, variables: bool) -> ArnPattern:
        return _arn_pattern(pattern, variables)

    def matches(self, value: str, context: Context) -> bool:
        static = self.static
        if static is not None:
            return static.get()(value)
        head = self.head
        if head is not None:
            size = len(head)
            if not value.startswith(self.start, size):
                return False
            part = value[:size]
            if part != head and fold(part) != head:
                return False
        values: list[str] = []
        for token in self.variables:
            resolved = lookup(context, token.text)
            if resolved is None:
                resolved = token.default
            if resolved is None:
                return False  # a variable with no value makes the pattern match nothing
            values.append(resolved)
        key = tuple(values)
        matcher = self.resolved_cache.get(key)
        if matcher is None:
            matcher = self._exact(context)
            if sum(map(len, key)) <= _MEMO_VALUE_CHARS:
                if len(self.resolved_cache) >= _CACHE_LIMIT:
                    self.resolved_cache.clear()
                self.resolved_cache[key] = matcher
        return matcher(value)

    def _exact(self, context: Context) -> ArnMatcher:
        segments: list[tuple[PatternToken, ...]] = []
        for segment in self.segments:
            tokens = resolve(segment, context)
            assert tokens is not None  # every variable was resolved by the caller
            segments.append(tokens)
        return _arn_matcher(tuple(segments))


def _literal_start(segments: tuple[tuple[PatternToken, ...], ...]) -> tuple[str | None, str]:
    """(head, start) of ArnPattern's quick test, or (None, "") when it cannot be told."""
    if len(segments) <= _ARN_PREFIX_SEGMENTS:
        return None, ""
    head: list[str] = []
    for segment in segments[:_ARN_PREFIX_SEGMENTS]:
        if any(t.kind is not PatternTokenKind.LITERAL for t in segment):
            return None, ""
        head.append(fold("".join(t.text for t in segment)))
    start: list[str] = []
    for i, segment in enumerate(segments[_ARN_PREFIX_SEGMENTS:]):
        if i:
            start.append(":")
        for token in segment:
            if token.kind is not PatternTokenKind.LITERAL:
                return ":".join(head) + ":", "".join(start)
            start.append(token.text)
    return ":".join(head) + ":", "".join(start)


@sized_memo()
def _arn_pattern(pattern: str, variables: bool) -> ArnPattern:
    tokens = tokenize(pattern, variables=variables, wildcards=True)
    segments = _split_segments(tokens)
    if has_variables(tokens):
        found = tuple(t for t in tokens if t.kind is PatternTokenKind.VARIABLE)
        head, start = _literal_start(segments)
        return ArnPattern(segments, None, found, head, start)
    return ArnPattern(segments, _Lazy(lambda: _arn_matcher(segments)))


@sized_memo()
def arn_resource_prefix(pattern: str, variables: bool) -> str | None:
    """The text at the start of the resource part (after the fifth colon) of every ARN that
    `pattern` matches, or None when it cannot be told: `*`, fewer than six segments, or a
    variable in the first five (its value may hold colons, which would move the fifth)."""
    if pattern == "*":
        return None
    segments = ArnPattern.compile(pattern, variables=variables).segments
    if len(segments) <= _ARN_PREFIX_SEGMENTS or any(
        token.kind is PatternTokenKind.VARIABLE
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
            if token.kind is not PatternTokenKind.LITERAL:
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


@sized_memo()
def _arn_patterns(patterns: tuple[str, ...], variables: bool) -> Callable[[str, Context], bool]:
    if "*" in patterns:
        return _any_arn
    compiled = tuple(ArnPattern.compile(p, variables=variables) for p in patterns)
    if len(compiled) == 1:
        return compiled[0].matches

    def matches(value: str, context: Context) -> bool:
        for pattern in compiled:  # noqa: SIM110 - any(...) would build a generator per call
            if pattern.matches(value, context):
                return True
        return False

    return matches


def action_service(action: str) -> str | None:
    """The lower-cased service prefix of an action pattern, None when it has a wildcard."""
    service, _, _ = action.partition(":")
    if action == "*" or "*" in service or "?" in service:
        return None
    return service.lower()


@sized_memo()
def compile_action_patterns(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """A matcher over lower-cased action names (actions compare case-insensitively)."""
    globs = [compile_glob(tokenize(p.lower(), variables=False, wildcards=True)) for p in patterns]
    if any(g.shape is GlobShape.ANYTHING for g in globs):
        return _any_action
    # The common shapes answer in one call each: `s3:GetObject` by set membership and
    # `s3:Get*` by one `startswith` over every such prefix; the rest are walked.
    exact = frozenset(g.literal for g in globs if g.shape is GlobShape.EXACT)
    prefixes = tuple(g.literal for g in globs if g.shape is GlobShape.PREFIX)
    general = tuple(g.walk for g in globs if g.shape is GlobShape.GENERAL)

    def matches(action: str) -> bool:
        if action in exact or (prefixes and action.startswith(prefixes)):
            return True
        for test in general:  # noqa: SIM110 - any(...) would build a generator per call
            if test(action):
                return True
        return False

    return matches


def _any_action(action: str) -> bool:
    return True
