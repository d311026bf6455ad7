"""Memoization of the pure compile steps, bounded by the size of what it keeps.

Equal patterns, clauses and documents share one compiled matcher: policies repeat them, and
sharing keeps a replica's memory small. Callers supply policy text too (the simulators,
Authorize's resource policy, session policies), so an entry-count bound is not enough: 16,384
entries of 100 KiB patterns would keep gigabytes. Each memo here keeps at most `budget`
characters of keys in all (a compiled matcher is a small multiple of its text), evicting the
least recently used, and never keeps an entry larger than `budget // 64`: those are computed
afresh each time, and live only as long as whoever asked for them.

Thread safe: evaluations may run on a worker thread (node/api/offload.py) and some memos are
reached lazily from there.
"""

from __future__ import annotations

import dataclasses
import enum
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

DEFAULT_BUDGET_CHARS = 1 << 18  # 256 Ki characters of keys per memo


def weight(value: object) -> int:
    """The characters a key holds: text, and the text inside tuples and dataclasses."""
    if isinstance(value, str):
        return len(value) + 1
    if isinstance(value, tuple):
        if all(type(item) is str for item in value):  # the common key: pattern texts
            return len(value) + sum(map(len, value)) + 1
        return 1 + sum(weight(item) for item in value)
    if isinstance(value, (bool, int, float, enum.Enum)) or value is None:
        return 1
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return 1 + sum(weight(getattr(value, f.name)) for f in dataclasses.fields(value))
    return 1


class _SizedMemo(Generic[R]):
    __slots__ = ("_budget", "_entries", "_largest", "_lock", "_used")

    def __init__(self, budget: int) -> None:
        self._budget = budget
        self._largest = max(1, budget // 64)
        self._entries: OrderedDict[Hashable, tuple[int, R]] = OrderedDict()
        self._used = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> tuple[bool, R | None]:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return False, None
            self._entries.move_to_end(key)
            return True, found[1]

    def put(self, key: Hashable, size: int, value: R) -> None:
        if size > self._largest:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (size, value)
            self._used += size
            # INVARIANT: after a put, the entries' sizes add up to at most the budget.
            while self._used > self._budget:
                _, (evicted, _) = self._entries.popitem(last=False)
                self._used -= evicted

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._used = 0

    @property
    def used(self) -> int:
        return self._used


class Memoized(Generic[P, R]):
    """A pure function with a size-bounded memo (see the module docstring)."""

    def __init__(self, function: Callable[P, R], budget: int) -> None:
        self._function = function
        self.memo: _SizedMemo[R] = _SizedMemo(budget)
        self.__doc__ = function.__doc__
        self.__wrapped__ = function

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        key = (args, tuple(sorted(kwargs.items()))) if kwargs else args
        found, value = self.memo.get(key)
        if found:
            return value  # type: ignore[return-value]
        result = self._function(*args, **kwargs)
        self.memo.put(key, weight(key), result)
        return result

    def cache_clear(self) -> None:
        self.memo.clear()


def sized_memo(budget: int = DEFAULT_BUDGET_CHARS) -> Callable[[Callable[P, R]], Memoized[P, R]]:
    """Decorator: memoize a pure function, keeping at most `budget` characters of keys."""

    def wrap(function: Callable[P, R]) -> Memoized[P, R]:
        return Memoized(function, budget)

    return wrap
