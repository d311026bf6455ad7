"""Policy variables: tokenize `${key}`, `${key, 'default'}` and the `${*}` `${?}` `${$}` escapes."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass

from iamstore.node.policy.memo import sized_memo

# A request context after normalization: lower-cased key -> one value, or a tuple of values for a
# multivalued key.
Context = Mapping[str, str | tuple[str, ...]]


class PatternTokenKind(enum.Enum):
    LITERAL = "literal"
    STAR = "star"
    QUESTION = "question"
    VARIABLE = "variable"


@dataclass(frozen=True, slots=True)
class PatternToken:
    """LITERAL text, a wildcard, or a VARIABLE whose `text` is the lower-cased context key."""

    kind: PatternTokenKind
    text: str = ""
    default: str | None = None


_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_ESCAPES = {"*": "*", "?": "?", "$": "$"}
_DEFAULT = re.compile(r"\s*'([^']*)'\s*\Z")


_WILDCARD = re.compile(r"[*?]")  # iamstore's own expression; policy text is only its subject
_STAR = PatternToken(PatternTokenKind.STAR)
_QUESTION = PatternToken(PatternTokenKind.QUESTION)


def _wildcards(text: str, wildcards: bool) -> list[PatternToken]:
    if not wildcards or ("*" not in text and "?" not in text):
        return [PatternToken(PatternTokenKind.LITERAL, text)] if text else []
    tokens: list[PatternToken] = []
    start = 0
    for found in _WILDCARD.finditer(text):
        i = found.start()
        if i > start:
            tokens.append(PatternToken(PatternTokenKind.LITERAL, text[start:i]))
        tokens.append(_STAR if text[i] == "*" else _QUESTION)
        start = i + 1
    if start < len(text):
        tokens.append(PatternToken(PatternTokenKind.LITERAL, text[start:]))
    return tokens


def _variable(body: str) -> PatternToken | None:
    if body in _ESCAPES:
        return PatternToken(PatternTokenKind.LITERAL, _ESCAPES[body])
    key, comma, rest = body.partition(",")
    key = key.strip()
    if not key:
        return None
    default: str | None = None
    if comma:
        match = _DEFAULT.match(rest)
        if match is None:
            return None
        default = match.group(1)
    return PatternToken(PatternTokenKind.VARIABLE, key.lower(), default)


def tokenize(pattern: str, *, variables: bool, wildcards: bool) -> tuple[PatternToken, ...]:
    """Split `pattern` into tokens; `${...}` is only special when `variables` is true."""
    return _tokenize(pattern, variables, wildcards)


# Policies repeat the same patterns across statements and documents; tokens are immutable.
@sized_memo()
def _tokenize(pattern: str, variables: bool, wildcards: bool) -> tuple[PatternToken, ...]:
    if not variables or "${" not in pattern:
        return tuple(_merge(_wildcards(pattern, wildcards)))
    tokens: list[PatternToken] = []
    position = 0
    for match in _VARIABLE.finditer(pattern):
        token = _variable(match.group(1))
        if token is None:
            continue  # not a well-formed variable: its text stays literal
        tokens.extend(_wildcards(pattern[position : match.start()], wildcards))
        tokens.append(token)
        position = match.end()
    tokens.extend(_wildcards(pattern[position:], wildcards))
    return tuple(_merge(tokens))


def _merge(tokens: list[PatternToken]) -> list[PatternToken]:
    """Join adjacent literals so that equal patterns give equal token tuples."""
    out: list[PatternToken] = []
    for token in tokens:
        if (
            token.kind is PatternTokenKind.LITERAL
            and out
            and out[-1].kind is PatternTokenKind.LITERAL
        ):
            out[-1] = PatternToken(PatternTokenKind.LITERAL, out[-1].text + token.text)
        else:
            out.append(token)
    return out


def has_variables(tokens: tuple[PatternToken, ...]) -> bool:
    return any(t.kind is PatternTokenKind.VARIABLE for t in tokens)


def lookup(context: Context, key: str) -> str | None:
    """The single value of `key`; a missing or multivalued key has no value for a variable."""
    value = context.get(key)
    return value if isinstance(value, str) else None


def resolve(tokens: tuple[PatternToken, ...], context: Context) -> tuple[PatternToken, ...] | None:
    """Tokens with every variable replaced by a literal, or None if a variable has no value."""
    out: list[PatternToken] = []
    for token in tokens:
        if token.kind is PatternTokenKind.VARIABLE:
            value = lookup(context, token.text)
            if value is None:
                value = token.default
            if value is None:
                return None
            out.append(PatternToken(PatternTokenKind.LITERAL, value))
        else:
            out.append(token)
    return tuple(out)


def literal_text(tokens: tuple[PatternToken, ...]) -> str:
    """Concatenated text of variable-free tokens, wildcards read as their own characters."""
    parts: list[str] = []
    for token in tokens:
        if token.kind is PatternTokenKind.STAR:
            parts.append("*")
        elif token.kind is PatternTokenKind.QUESTION:
            parts.append("?")
        else:
            parts.append(token.text)
    return "".join(parts)
