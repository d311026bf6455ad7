"""Statements indexed by the literal start of their Resource patterns' resource parts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from iamstore.node.policy.match import arn_resource_prefix

T = TypeVar("T")
# Below this many indexed statements, matching each one costs less than the lookups.
_INDEX_MIN = 4


class ResourceIndex(Generic[T]):
    """The statements that match one action, found by the resource ARN of a request.

    A statement whose every Resource pattern has a known literal start of its resource part
    (`arn:aws:s3:::reports/${aws:username}/*` starts with `reports/`) is listed under those
    starts; any other statement (NotResource, `*`, a variable in the first five segments) is
    always a candidate. A request's ARN then finds its candidates with one dictionary
    lookup per distinct start length instead of one match per statement.

    INVARIANT: `candidates(arn)` is a superset, in statement order, of the statements whose
    Resource element can match `arn`: a pattern's resource part matches only text that begins
    with its literal start, and the first five segments never hold a colon.
    """

    __slots__ = ("_always", "_always_statements", "_by_start", "_lengths", "_statements")

    def __init__(
        self,
        statements: tuple[T, ...],
        always: tuple[int, ...],
        by_start: dict[str, tuple[int, ...]],
    ) -> None:
        self._statements = statements
        self._always = always
        self._always_statements = tuple(statements[p] for p in always)
        self._by_start = by_start
        self._lengths = tuple(sorted({len(start) for start in by_start}))

    @classmethod
    def build(
        cls, statements: tuple[T, ...], patterns: Sequence[tuple[tuple[str, ...], bool] | None]
    ) -> ResourceIndex[T]:
        """`patterns[i]`: statement i's Resource patterns and whether they take variables, or
        None when it has no Resource element to index (NotResource, `*`, none at all)."""
        always: list[int] = []
        by_start: dict[str, list[int]] = {}
        for position, entry in enumerate(patterns):
            starts = (
                None
                if entry is None
                else [arn_resource_prefix(pattern, entry[1]) for pattern in entry[0]]
            )
            if starts is None or None in starts or "" in starts:
                always.append(position)
                continue
            for start in starts:
                assert start is not None
                by_start.setdefault(start, []).append(position)
        if len(statements) - len(always) < _INDEX_MIN:  # scanning them all costs less
            return cls(statements, tuple(range(len(statements))), {})
        return cls(statements, tuple(always), {s: tuple(p) for s, p in by_start.items()})

    def candidates(self, arn: str) -> tuple[T, ...]:
        if not self._lengths:
            return self._statements
        parts = arn.split(":", 5)
        if len(parts) < 6:  # no indexed pattern matches an ARN of fewer than six parts
            return self._always_statements
        rest = parts[5]
        get = self._by_start.get
        hits = [p for n in self._lengths for p in get(rest[:n], ())]
        if not hits:
            return self._always_statements
        statements = self._statements
        if len(hits) == 1 and not self._always:
            return (statements[hits[0]],)
        return tuple(statements[p] for p in sorted({*hits, *self._always}))
