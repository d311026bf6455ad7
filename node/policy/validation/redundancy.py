"""Suggestions: statements that repeat another, and actions or resources of a statement that
another entry of the same list already covers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from iamstore.node.policy.document import Statement
from iamstore.node.policy.match import ArnPattern, compile_action_patterns, fold
from iamstore.node.policy.validation.budget import Budget
from iamstore.node.policy.validation.findings import Finding, FindingType

_S = FindingType.SUGGESTION


def _normal(statement: Statement) -> Statement:
    """The statement without its Sid, its lists as sorted sets: equal grants compare equal."""

    def norm(values: tuple[str, ...] | None) -> tuple[str, ...] | None:
        return None if values is None else tuple(sorted(set(values)))

    return replace(
        statement,
        sid=None,
        actions=norm(statement.actions),
        not_actions=norm(statement.not_actions),
        resources=norm(statement.resources),
        not_resources=norm(statement.not_resources),
        conditions=tuple(sorted(statement.conditions, key=lambda c: (c.operator, c.key))),
    )


def redundant_statements(
    statements: tuple[Statement, ...], positions: list[int], findings: list[Finding]
) -> None:
    seen: dict[Statement, int] = {}
    for i, statement in enumerate(statements):
        key = _normal(statement)
        first = seen.setdefault(key, positions[i])
        if first != positions[i]:
            findings.append(
                Finding(
                    "REDUNDANT_STATEMENT",
                    _S,
                    f"statement {positions[i]} grants exactly what statement {first} grants; "
                    "remove one",
                    ("Statement", positions[i]),
                )
            )


def redundant_actions(
    index: int, statement: Statement, budget: Budget, findings: list[Finding]
) -> None:
    """An entry is covered by a wildcard entry P when P, read as a pattern, matches the entry
    read as text: each of the entry's own wildcards then falls in one of P's stars. Patterns
    with `?` are left out (a `?` could stand for one of the entry's stars)."""
    for element, values in (("Action", statement.actions), ("NotAction", statement.not_actions)):
        if values is None or len(values) < 2:
            continue
        folded = [fold(v) for v in values]
        # The wildcard entries by service prefix; those with a wildcard service apply to all.
        by_service: dict[str, list[tuple[str, Callable[[str], bool]]]] = {}
        for w in sorted({v for v in folded if "*" in v and "?" not in v}):
            prefix = w.partition(":")[0]
            key = "" if "*" in prefix else prefix
            by_service.setdefault(key, []).append((w, compile_action_patterns((w,))))
        anywhere = by_service.get("", [])
        seen: set[str] = set()
        for position, entry in enumerate(folded):
            prefix = entry.partition(":")[0]
            candidates = anywhere + by_service.get(prefix, []) if prefix else anywhere
            if entry in seen:
                reason = "it repeats an earlier entry"
            elif budget.spend(len(candidates)) and any(
                w != entry and matches(entry) for w, matches in candidates
            ):
                reason = "a wildcard entry of the same list already covers it"
            else:
                seen.add(entry)
                continue
            findings.append(
                Finding(
                    "REDUNDANT_ACTION",
                    _S,
                    f"`{values[position]}` is redundant: {reason}",
                    ("Statement", index, element, position),
                )
            )


def redundant_resources(
    index: int, statement: Statement, budget: Budget, findings: list[Finding]
) -> None:
    """As redundant_actions, for ARNs (matched segment by segment, as AWS matches them)."""
    for element, values in (
        ("Resource", statement.resources),
        ("NotResource", statement.not_resources),
    ):
        if values is None or len(values) < 2:
            continue
        wildcards = sorted({v for v in values if "*" in v and "?" not in v and "${" not in v})
        patterns = [(w, ArnPattern.compile(w, variables=False)) for w in wildcards]
        seen: set[str] = set()
        for position, entry in enumerate(values):
            if entry in seen:
                reason = "it repeats an earlier entry"
            elif budget.spend(len(patterns)) and any(
                w != entry and pattern.matches(entry, {}) for w, pattern in patterns
            ):
                reason = "a wildcard entry of the same list already covers it"
            else:
                seen.add(entry)
                continue
            findings.append(
                Finding(
                    "REDUNDANT_RESOURCE",
                    _S,
                    f"`{entry}` is redundant: {reason}",
                    ("Statement", index, element, position),
                )
            )
