"""Errors raised by the policy engine (only at parse time; evaluation never raises)."""

from __future__ import annotations


def _one_line(text: str) -> str:
    """Escape control characters (user input may hold newlines) so a message stays one line."""
    if text.isprintable():
        return text
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in text
    )


class PolicyError(Exception):
    """Base class of every error the policy package raises."""


class MalformedPolicyDocumentError(PolicyError):
    """A policy document that is not valid JSON or breaks the IAM policy grammar.

    `pointer` is a JSON pointer (RFC 6901) to the offending element, "" for the whole document.
    """

    def __init__(self, message: str, pointer: str = "") -> None:
        message = _one_line(message)
        super().__init__(message)
        self.message = message
        self.pointer = pointer

    def __str__(self) -> str:
        return f"{self.message} (at `{self.pointer}`)" if self.pointer else self.message
