"""Where each statement of a policy document sits in its text: line and column of its start
and end, as the policy simulators report them (MatchedStatements' StartPosition and EndPosition).

AWS's IAM API Reference (Statement, Position:
https://docs.aws.amazon.com/IAM/latest/APIReference/API_Position.html) gives "the row and
column of the beginning/end of the Statement"; its example (the AWS CLI's
`aws iam simulate-custom-policy`) answers 1:38 and 1:167 for a one-line document whose
statement's braces are its 37th and 166th characters: each position is the one just after
the brace, where a streaming JSON reader stands once it has read it. Lines and columns count
from 1; a line ends at `\\n`, `\\r\\n` or a lone `\\r`, as JSON readers count them.

Pure, one pass: a single regular-expression scan over the strings and structural characters
of the text (linear: the string pattern's alternatives never overlap), no JSON decoding but of
the top-level keys.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass

_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]', re.DOTALL)
_LINE_BREAKS = re.compile(r"\r\n?|\n")


@dataclass(frozen=True, slots=True)
class TextPosition:
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class StatementSpan:
    start: TextPosition
    end: TextPosition


def statement_spans(text: str) -> tuple[StatementSpan, ...]:
    """The span of each statement of the document's top-level `Statement` element, in order
    (one for an object, one per object of a list); what a text that is not a policy's JSON
    holds is unspecified but finite (never an error)."""
    offsets: list[tuple[int, int]] = []  # (opening brace, closing brace) offsets
    stack: list[int] = []  # offsets of the open `{` and `[`
    statement_list = -1  # the depth of the `Statement` list's elements, when it is a list
    open_statement = -1  # the depth of the statement object being read, if any
    last_string = ""
    key: str | None = None  # the top-level key whose value comes next
    for token in _TOKENS.finditer(text):
        char = token.group()[0]
        if char == '"':
            last_string = token.group()
        elif char == ":":
            if len(stack) == 1:
                key = _decoded(last_string)
        elif char == ",":
            if len(stack) == 1:
                key = None
        elif char in "{[":
            is_value_of_statement = len(stack) == 1 and key == "Statement"
            stack.append(token.start())
            if char == "[" and is_value_of_statement:
                statement_list = len(stack) + 1
            elif char == "{" and (is_value_of_statement or len(stack) == statement_list):
                open_statement = len(stack)
        elif stack:  # `}` or `]`
            if len(stack) == open_statement and char == "}":
                offsets.append((stack[-1], token.start()))
                open_statement = -1
            if len(stack) + 1 == statement_list:
                statement_list = -1
            stack.pop()
    if not offsets:
        return ()
    line_starts = [0, *(m.end() for m in _LINE_BREAKS.finditer(text))]
    return tuple(
        StatementSpan(_after(line_starts, start), _after(line_starts, end))
        for start, end in offsets
    )


def _after(line_starts: list[int], offset: int) -> TextPosition:
    """The position just after the character at `offset`."""
    line = bisect.bisect_right(line_starts, offset)
    return TextPosition(line, offset - line_starts[line - 1] + 2)


def _decoded(string_token: str) -> str | None:
    try:
        value = json.loads(string_token)
    except ValueError:
        return None
    return value if isinstance(value, str) else None
