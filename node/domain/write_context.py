"""What a write needs besides the replica: the caller's account, the time, fresh ids, quotas."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from iamstore.node.domain.rules import Quotas


@dataclass(frozen=True, slots=True)
class WriteContext:
    """Injected into every write plan, so planning itself stays pure and replayable."""

    account_id: str
    now_ms: int
    quotas: Quotas
    # Returns a fresh unique id with the given AWS prefix (AIDA, AGPA, AROA, ANPA, AKIA).
    new_id: Callable[[str], str]
    # The id of the node taking the write ("" in single-replica tools): policy version ids
    # made anywhere but the policy's home node carry it (domain/versions.py).
    origin: str = ""
