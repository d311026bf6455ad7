"""A cap on the work one validation may do, so a hostile document costs a bounded time."""

from __future__ import annotations

from dataclasses import dataclass

# Name comparisons (one wildcard pattern against one action or service name) per document.
# A 10-statement policy uses a few thousand; the largest document a request can carry with
# wildcards that each scan a whole service would use millions.
DEFAULT_COMPARISONS = 400_000
# Close-name suggestions ("did you mean") per document: each costs a scan of a service.
DEFAULT_SUGGESTIONS = 20


@dataclass(slots=True)
class Budget:
    """What is left. Checks ask before they spend; a check refused skips its work, and the
    validation then reports CHECK_LIMIT_REACHED (it never answers "clean" for skipped work)."""

    comparisons: int = DEFAULT_COMPARISONS
    suggestions: int = DEFAULT_SUGGESTIONS
    exhausted: bool = False

    def spend(self, comparisons: int) -> bool:
        if comparisons > self.comparisons:
            self.exhausted = True
            return False
        self.comparisons -= comparisons
        return True

    def suggest(self) -> bool:
        if self.suggestions <= 0:
            return False
        self.suggestions -= 1
        return True
