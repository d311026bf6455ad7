"""Wildcard (`*`, `?`) matching in linear time, without regular expressions.

Policy patterns are written by callers (a policy given to the simulators, a resource policy
given to Authorize), so their matching must stay cheap whatever they hold: a regular
expression built from `a*a*a*...b` backtracks exponentially. Here a pattern is cut at its
stars into pieces of fixed length (literal text and `?`), and each piece is placed at its
leftmost fit after the previous one. With fixed-length pieces the leftmost fit never loses
a match (any match can slide its piece left to the leftmost fit and keep every later piece
where it was), so no choice is ever revisited.

Cost: the pieces search disjoint stretches of the value, one after another, each with one
C-level search (`str.find`, or a fixed-length expression for a piece holding `?`): at most
O(len(pattern)) calls and O(len(value) * len(pattern)) character comparisons per match.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from iamstore.node.policy.variables import PatternToken, PatternTokenKind


@dataclass(frozen=True, slots=True)
class Piece:
    """The text between two stars: literal runs at fixed offsets, `?` everywhere else."""

    length: int
    runs: tuple[tuple[int, str], ...]  # (offset, literal text), in offset order
    # A piece holding `?` and literal text is searched with a regular expression of its
    # fixed length: literal characters and `.` only, no quantifier, group or alternation, so
    # a search tries each start position once with at most `length` comparisons and there is
    # nothing to backtrack over. A piece without `?` is searched with `str.find`, one of only
    # `?` fits anywhere. The expression is compiled on the first search (only pieces between
    # two stars are ever searched): a memo of one, holding nothing or the expression.
    searched: bool
    expression: list[re.Pattern[str]] = field(default_factory=list, compare=False)

    def at(self, text: str, position: int) -> bool:
        """True when the piece matches `text` at `position` (the caller checks the length)."""
        for offset, literal in self.runs:  # noqa: SIM110 - no generator per call
            if not text.startswith(literal, position + offset):
                return False
        return True

    def find(self, text: str, start: int, stop: int) -> int:
        """The leftmost position p in [start, stop - length] where the piece matches, or -1."""
        if start > stop - self.length:
            return -1
        if self.searched:
            expression = self.expression
            if not expression:
                expression.append(re.compile(_fixed_source(self.length, self.runs), re.DOTALL))
            found = expression[0].search(text, start, stop)
            return -1 if found is None else found.start()
        if not self.runs:  # only `?`: any position fits
            return start
        return text.find(self.runs[0][1], start, stop)


def _piece(tokens: list[PatternToken]) -> Piece:
    runs: list[tuple[int, str]] = []
    length = 0
    for token in tokens:
        if token.kind is PatternTokenKind.QUESTION:
            length += 1
            continue
        if runs and runs[-1][0] + len(runs[-1][1]) == length:  # adjacent literals: one run
            offset, text = runs.pop()
            runs.append((offset, text + token.text))
        elif token.text:
            runs.append((length, token.text))
        length += len(token.text)
    searched = bool(runs) and (len(runs) > 1 or len(runs[0][1]) != length)
    return Piece(length, tuple(runs), searched)


def _fixed_source(length: int, runs: tuple[tuple[int, str], ...]) -> str:
    """A fixed-length regular expression: escaped literal runs, `.` for each `?`."""
    parts: list[str] = []
    position = 0
    for offset, literal in runs:
        parts.append("." * (offset - position))
        parts.append(re.escape(literal))
        position = offset + len(literal)
    parts.append("." * (length - position))
    return "".join(parts)


class GlobShape(enum.Enum):
    """Shapes with a one-call answer, tried before the general walk."""

    EXACT = "exact"  # no wildcard: string equality
    PREFIX = "prefix"  # literal text then one final `*`: str.startswith
    ANYTHING = "anything"  # only stars
    GENERAL = "general"


@dataclass(frozen=True, slots=True)
class Glob:
    """A whole-value, case-sensitive wildcard pattern (fold both sides to ignore case)."""

    shape: GlobShape
    literal: str  # EXACT: the text; PREFIX: the text before the star
    head: Piece  # before the first star (the whole pattern when it has no star)
    middle: tuple[Piece, ...]  # between stars
    tail: Piece | None  # after the last star; None when there is no star
    min_length: int

    def test(self) -> Callable[[str], bool]:
        """The fastest whole-value test for this glob: one call for the common shapes."""
        shape = self.shape
        if shape is GlobShape.EXACT:
            return self.literal.__eq__
        if shape is GlobShape.PREFIX:
            literal = self.literal
            return lambda text: text.startswith(literal)
        if shape is GlobShape.ANYTHING:
            return _anything
        return self.walk

    def matches(self, text: str) -> bool:
        shape = self.shape
        if shape is GlobShape.EXACT:
            return text == self.literal
        if shape is GlobShape.PREFIX:
            return text.startswith(self.literal)
        if shape is GlobShape.ANYTHING:
            return True
        return self.walk(text)

    def walk(self, text: str) -> bool:
        """The general match, right for every shape."""
        size = len(text)
        head, tail = self.head, self.tail
        if tail is None:
            return size == head.length and head.at(text, 0)
        if size < self.min_length or not head.at(text, 0):
            return False
        end = size - tail.length
        if not tail.at(text, end):
            return False
        # INVARIANT: the head ends at or before `end` (min_length), and each middle piece is
        # placed at its leftmost fit inside [position, end): see the module docstring.
        position = head.length
        for piece in self.middle:
            found = piece.find(text, position, end)
            if found < 0:
                return False
            position = found + piece.length
        return True


def _anything(text: str) -> bool:
    return True


def compile_glob(tokens: tuple[PatternToken, ...]) -> Glob:
    """The glob of variable-free tokens (a VARIABLE token here is a caller bug)."""
    pieces: list[list[PatternToken]] = [[]]
    for token in tokens:
        if token.kind is PatternTokenKind.STAR:
            pieces.append([])
        elif token.kind is PatternTokenKind.VARIABLE:
            raise ValueError("resolve policy variables before compiling a glob")
        else:
            pieces[-1].append(token)
    compiled = [_piece(p) for p in pieces]
    head = compiled[0]
    min_length = sum(p.length for p in compiled)
    head_text = _plain(head)
    if len(compiled) == 1:
        if head_text is not None:
            return Glob(GlobShape.EXACT, head_text, head, (), None, min_length)
        return Glob(GlobShape.GENERAL, "", head, (), None, min_length)
    if min_length == 0:
        return Glob(GlobShape.ANYTHING, "", head, (), compiled[-1], 0)
    if len(compiled) == 2 and compiled[1].length == 0 and head_text is not None:
        return Glob(GlobShape.PREFIX, head_text, head, (), compiled[1], min_length)
    return Glob(GlobShape.GENERAL, "", head, tuple(compiled[1:-1]), compiled[-1], min_length)


def _plain(piece: Piece) -> str | None:
    """The piece's text when it holds no `?`, else None."""
    if piece.length == 0:
        return ""
    if len(piece.runs) == 1 and len(piece.runs[0][1]) == piece.length:
        return piece.runs[0][1]
    return None
