"""The parts of account imports under way on this node, held until their last part commits.

An import larger than one request (node/server.py caps requests at 4 MiB) arrives in parts;
nothing is written until the last one, so a bad entity anywhere changes nothing. Only an
authenticated caller allowed `iamstore:ImportAccount` reaches this store (the call is
authorized before its handler runs), and what it holds is bounded: one import per account
(a new import id drops the old one), MAX_PENDING accounts at once, MAX_BYTES of requests per
import, and parts older than TTL_MS are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from iamstore.node.domain.account_import import (
    ImportedGroup,
    ImportedPolicy,
    ImportedProfile,
    ImportedRole,
    ImportedUser,
)
from iamstore.node.domain.errors import LimitExceeded

# A full account of AWS's default quotas is about 4 MiB of requests (docs/benchmarks.md).
MAX_BYTES = 16 << 20
MAX_PENDING = 4
TTL_MS = 10 * 60 * 1000


@dataclass(slots=True)
class StagedPart:
    """One request's entities, checked (node/api/account_import.py)."""

    policies: list[ImportedPolicy] = field(default_factory=list)
    groups: list[ImportedGroup] = field(default_factory=list)
    roles: list[ImportedRole] = field(default_factory=list)
    profiles: list[ImportedProfile] = field(default_factory=list)
    users: list[ImportedUser] = field(default_factory=list)
    aws_policies: int = 0  # AWS managed policies listed (not imported: they exist)


@dataclass(slots=True)
class Pending:
    import_id: str
    caller_arn: str
    started_ms: int
    parts: list[StagedPart] = field(default_factory=list)
    size: int = 0


class ImportStaging:
    """The checked parts of the imports under way, by account."""

    def __init__(self) -> None:
        self._pending: dict[str, Pending] = {}

    def add(
        self,
        account_id: str,
        import_id: str,
        caller_arn: str,
        part: StagedPart,
        size: int,
        now_ms: int,
    ) -> Pending:
        """Stages one part; raises LimitExceeded past the bounds (the import is dropped)."""
        for account, old in list(self._pending.items()):
            if now_ms - old.started_ms > TTL_MS:
                del self._pending[account]
        pending = self._pending.get(account_id)
        if pending is None or (pending.import_id, pending.caller_arn) != (import_id, caller_arn):
            if account_id not in self._pending and len(self._pending) >= MAX_PENDING:
                raise LimitExceeded(
                    f"{MAX_PENDING} account imports are under way on this node; retry later",
                    "ImportId",
                )
            pending = self._pending[account_id] = Pending(import_id, caller_arn, now_ms)
        if pending.size + size > MAX_BYTES:
            self.drop(account_id)
            raise LimitExceeded(
                f"an import may send at most {MAX_BYTES >> 20} MiB of entities", "ImportId"
            )
        pending.parts.append(part)
        pending.size += size
        return pending

    def parts(self, account_id: str, import_id: str, caller_arn: str) -> list[StagedPart]:
        """The parts this import staged so far (none when it is not the one under way)."""
        pending = self._pending.get(account_id)
        if pending is None or (pending.import_id, pending.caller_arn) != (import_id, caller_arn):
            return []
        return pending.parts

    def drop(self, account_id: str) -> None:
        self._pending.pop(account_id, None)
