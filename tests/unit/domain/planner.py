"""A pure harness for the domain planners: a View, a WriteContext, and applying a plan's rows."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from iamstore.node.domain.entities import Change
from iamstore.node.domain.rules import Quotas
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext

ACCOUNT = "111122223333"
NOW_MS = 1_700_000_000_000


def context(quotas: Quotas | None = None, account_id: str = ACCOUNT) -> WriteContext:
    """A write context whose ids count up per prefix (AIDA1, AIDA2, ...)."""
    counter = itertools.count(1)
    return WriteContext(account_id, NOW_MS, quotas or Quotas(), lambda p: f"{p}{next(counter)}")


def apply(view: View, changes: Iterable[Change]) -> View:
    """Applies a plan's row changes to the view, as State.apply does once they are stored."""
    for change in changes:
        view.apply(change)
    return view
