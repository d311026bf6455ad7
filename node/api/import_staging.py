"""The parts of account imports under way on this node, held until their last part commits.

An import larger than one request (node/server.py caps requests at 4 MiB) arrives in parts;
nothing is written until the last one, so a bad entity anywhere changes nothing. Only an
authenticated caller allowed `iamstore:ImportAccount` reaches this store (the call is
authorized before its handler runs), and what it holds is bounded per account and per node,
in bytes: one import per account (a new import id drops the old one), MAX_BYTES of requests
per import, NODE_BUDGET of estimated memory for every account's together; an import idle for
IDLE_MS, or older than TTL_MS, is dropped.
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
from iamstore.node.domain.errors import InvalidInput, LimitExceeded, ValidationError

# A full account of AWS's default quotas is about 4 MiB of requests (docs/benchmarks.md).
MAX_BYTES = 16 << 20
# A staged part, checked into entity records, takes some times its request's bytes of
# memory: 2.6 to 7.5 times measured with tracemalloc on parts of generated accounts and on a
# part of 5,000 minimal users (2026-12-07); 16 leaves room for denser shapes. Every part is
# charged at least PART_MIN_BYTES (an empty part still costs its bookkeeping), so the budget
# bounds the number of parts and accounts too.
MEMORY_PER_BYTE = 16
PART_MIN_BYTES = 4 << 10
# The estimated memory the staged parts of every account's imports may take together: room
# for four imports of the largest size, or some fifteen full accounts of AWS's default quotas.
NODE_BUDGET = 4 * MAX_BYTES * MEMORY_PER_BYTE
# A client sends its parts back to back (each is checked in seconds): an import that sent
# nothing for IDLE_MS is abandoned, and none is held longer than TTL_MS from its first part.
IDLE_MS = 2 * 60 * 1000
TTL_MS = 10 * 60 * 1000
# Parts of one import (16 MiB in parts of 16 KiB; the CLI sends parts of about 1.5 MB).
MAX_PARTS = 1_000


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
    last_ms: int  # when its latest part was staged
    parts: list[StagedPart] = field(default_factory=list)
    size: int = 0  # request bytes charged (at least PART_MIN_BYTES a part)
    part_count: int | None = None  # as the parts declare it (the same on each)


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
        part_number: int | None = None,
        part_count: int | None = None,
        commit: bool = False,
    ) -> Pending:
        """Stages one part; raises LimitExceeded past the bounds, InvalidInput out of order.

        The checks run again here, not only before the part was checked: another part of the
        import may have been staged while this one was (each is checked off the event loop).
        """
        self.check_room(account_id, import_id, caller_arn, size, now_ms)
        self.check_position(account_id, import_id, caller_arn, part_number, part_count, commit)
        pending = self._pending.get(account_id)
        if pending is None or (pending.import_id, pending.caller_arn) != (import_id, caller_arn):
            pending = self._pending[account_id] = Pending(import_id, caller_arn, now_ms, now_ms)
        pending.parts.append(part)
        pending.size += max(size, PART_MIN_BYTES)
        pending.last_ms = now_ms
        if part_count is not None:
            pending.part_count = part_count
        return pending

    def check_room(
        self, account_id: str, import_id: str, caller_arn: str, size: int, now_ms: int
    ) -> None:
        """Refuses a part of `size` request bytes that its import, or the node, has no room
        for; called before the part is checked, so a refused part costs no work.

        INVARIANT: the parts held on this node take at most NODE_BUDGET by estimate, and one
        account's at most MAX_BYTES of requests: what other accounts stage can refuse an
        import only by holding that much memory, never by holding a few small parts.
        """
        self._expire(now_ms)
        pending = self._pending.get(account_id)
        if pending is not None and (pending.import_id, pending.caller_arn) != (
            import_id,
            caller_arn,
        ):
            pending = None  # a new import of the account replaces the old one
        own = 0 if pending is None else pending.size
        charge = max(size, PART_MIN_BYTES)
        if own + charge > MAX_BYTES:
            raise LimitExceeded(
                f"an import may send at most {MAX_BYTES >> 20} MiB of entities", "ImportId"
            )
        others = sum(p.size for a, p in self._pending.items() if a != account_id)
        if (others + own + charge) * MEMORY_PER_BYTE > NODE_BUDGET:
            raise LimitExceeded(
                f"the parts of account imports staged on this node would take more than "
                f"{NODE_BUDGET >> 20} MiB of memory; retry in a few minutes",
                "ImportId",
            )

    def _expire(self, now_ms: int) -> None:
        for account, old in list(self._pending.items()):
            if now_ms - old.last_ms > IDLE_MS or now_ms - old.started_ms > TTL_MS:
                del self._pending[account]

    def check_position(
        self,
        account_id: str,
        import_id: str,
        caller_arn: str,
        part_number: int | None,
        part_count: int | None,
        commit: bool,
    ) -> None:
        """Refuses a part out of its import's sequence, and a commit without every earlier
        part: parts live in this node's memory only, so after a restart, or on another node,
        the earlier ones are gone and the commit would write part of the import.

        INVARIANT: a commit is accepted only as part `part_count` of `part_count`, with parts
        1 to part_count - 1 of the same import (id and caller) staged here, in order.
        """
        held = self.parts(account_id, import_id, caller_arn)
        pending = self._pending.get(account_id) if held else None
        declared = pending.part_count if pending is not None else None
        position = len(held) + 1
        if part_count is not None and not 1 <= part_count <= MAX_PARTS:
            raise InvalidInput(
                f"PartCount must be from 1 to {MAX_PARTS}, not {part_count}", "PartCount"
            )
        if declared is not None and part_count is not None and part_count != declared:
            raise InvalidInput(
                f"import `{import_id}`: PartCount {part_count} differs from the {declared} "
                "its earlier parts gave",
                "PartCount",
            )
        count = part_count if part_count is not None else declared
        if commit:
            if part_count is None:
                raise ValidationError(
                    "the last part (Commit) must give PartCount, the number of parts of the "
                    "import, so that a commit missing earlier parts is refused",
                    "PartCount",
                )
            if position != part_count:
                raise InvalidInput(
                    f"import `{import_id}`: the commit is part {part_count} of {part_count}, "
                    f"but this node holds {len(held)} of its {part_count - 1} earlier parts "
                    "(a restart, or parts sent to another node): nothing was written; send "
                    "the whole import again",
                    "PartCount",
                )
        if part_number is not None and part_number != position:
            raise InvalidInput(
                f"import `{import_id}`: part {part_number} arrived where this node expects "
                f"part {position} (it holds {len(held)} of its parts); parts are held by the "
                "node they were sent to, until a restart: send the whole import again",
                "PartNumber",
            )
        if not commit and count is not None and position >= count:
            raise InvalidInput(
                f"import `{import_id}`: part {position} of {count} is the last, and must commit",
                "Commit",
            )

    def parts(self, account_id: str, import_id: str, caller_arn: str) -> list[StagedPart]:
        """The parts this import staged so far (none when it is not the one under way)."""
        pending = self._pending.get(account_id)
        if pending is None or (pending.import_id, pending.caller_arn) != (import_id, caller_arn):
            return []
        return pending.parts

    def drop(self, account_id: str) -> None:
        self._pending.pop(account_id, None)
