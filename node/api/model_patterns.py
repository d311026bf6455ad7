"""Compiles the patterns of AWS's service models with the meaning AWS gives them (Java's).

AWS writes its constraints (`[\\w+=,.@-]+` for an IAM name) as Java regular expressions, where
`\\w`, `\\d` and `\\s` are ASCII classes; in Python they match any Unicode letter, digit or
space, so a pattern compiled as written accepts `ädmin` or Arabic-Indic digits, names that
look like others and that AWS refuses. Unicode properties (`\\p{L}` in tag keys) stay Unicode,
as in Java, which is why the whole pattern cannot simply be compiled with an ASCII flag (that
would also narrow `\\p{L}` to ASCII letters). `.` matches no Java line terminator.
"""

from __future__ import annotations

import regex

# Java's ASCII classes, as members of a character class.
_WORD = "A-Za-z0-9_"
_DIGIT = "0-9"
_SPACE = r"\t\n\x0b\x0c\r\x20"
# Their complements, as ranges (a negated shorthand can sit inside a positive class).
_NOT_WORD = r"\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\U0010ffff"
_NOT_DIGIT = r"\x00-\x2f\x3a-\U0010ffff"
_NOT_SPACE = r"\x00-\x08\x0e-\x1f\x21-\U0010ffff"
_SHORTHANDS = {
    "w": _WORD,
    "d": _DIGIT,
    "s": _SPACE,
    "W": _NOT_WORD,
    "D": _NOT_DIGIT,
    "S": _NOT_SPACE,
}
# Java's `.` without DOTALL: anything but a line terminator.
_ANY = r"[^\n\r\x85\u2028\u2029]"
# Java's POSIX property classes are ASCII, the `regex` module's are Unicode: refused rather
# than silently widened (no AWS model uses them today).
_POSIX_PROPERTIES = frozenset(
    {
        "Lower",
        "Upper",
        "ASCII",
        "Alpha",
        "Digit",
        "Alnum",
        "Punct",
        "Graph",
        "Print",
        "Blank",
        "Cntrl",
        "XDigit",
        "Space",
    }
)


class UnsupportedPattern(ValueError):
    """A model pattern uses Java syntax this translation does not handle exactly."""


def to_python(pattern: str) -> str:
    """The `regex`-module source that matches exactly what Java's `pattern` matches."""
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            escaped = pattern[index + 1 : index + 2]
            if not escaped:
                raise UnsupportedPattern(f"pattern `{pattern}` ends with a backslash")
            if escaped in _SHORTHANDS:
                members = _SHORTHANDS[escaped]
                out.append(members if in_class else f"[{members}]")
            elif escaped in "pP" and _property_name(pattern, index + 2) in _POSIX_PROPERTIES:
                raise UnsupportedPattern(f"pattern `{pattern}` uses a POSIX property class")
            elif escaped in "bB":
                raise UnsupportedPattern(f"pattern `{pattern}` uses a word boundary")
            else:
                out.append(char + escaped)  # `\u002F`, `\p{L}`, `\-`, `\.`: the same in both
            index += 2
            continue
        if in_class:
            if char == "[":
                raise UnsupportedPattern(f"pattern `{pattern}` nests character classes")
            if char == "]" and not _opens_class(out):
                in_class = False
            out.append(char)
        elif char == "[":
            in_class = True
            out.append(char)
        elif char == ".":
            out.append(_ANY)
        else:
            out.append(char)
        index += 1
    if in_class:
        raise UnsupportedPattern(f"pattern `{pattern}` leaves a character class open")
    return "".join(out)


def _opens_class(out: list[str]) -> bool:
    """Whether the class began just now (`[` or `[^`), where a `]` is a member, not its end."""
    return out[-1] == "[" or (out[-1] == "^" and len(out) > 1 and out[-2] == "[")


def _property_name(pattern: str, start: int) -> str:
    if pattern[start : start + 1] != "{":
        return pattern[start : start + 1]
    end = pattern.find("}", start)
    return pattern[start + 1 : end] if end != -1 else ""


def compile_model_pattern(pattern: str) -> regex.Pattern[str]:
    """`pattern` from an AWS model, compiled to match as AWS matches it."""
    return regex.compile(to_python(pattern))
