"""Caller-supplied policy documents, compiled once, in a cache bounded by estimated bytes.

Resource policies given to Authorize, the simulators' input policies and session policies
come from callers. Kept by entry count, distinct 76 KiB documents grew a node by about 3 MiB
each up to 200,000 entries; here the cache holds at most `budget_bytes` of compiled
documents by estimate, evicting the least recently used.

The estimate is a multiple of the text's length: compiling builds matchers, tokens and
indexes in proportion to the text (tests/security/test_bounded_memory.py measures real
documents of every shape against it).
"""

from __future__ import annotations

from collections import OrderedDict

from iamstore.node.policy import (
    CompiledPolicy,
    MalformedPolicyDocumentError,
    PolicyKind,
    compile_policy,
    parse_policy,
)

# Measured at up to ~130 bytes per character of policy text (many short wildcard patterns
# are the densest shape); 192 leaves room for what the measurement cannot see.
BYTES_PER_CHAR = 192
ENTRY_OVERHEAD_BYTES = 4096
DEFAULT_BUDGET_BYTES = 64 << 20


def estimated_bytes(text: str) -> int:
    """What compiling `text` is expected to keep in memory, at most."""
    return ENTRY_OVERHEAD_BYTES + BYTES_PER_CHAR * len(text)


class SuppliedDocuments:
    """(name, kind, text) -> compiled policy, or None for a document that does not compile."""

    def __init__(self, budget_bytes: int = DEFAULT_BUDGET_BYTES) -> None:
        self._budget = budget_bytes
        self._entries: OrderedDict[tuple[str, PolicyKind, str], CompiledPolicy | None] = (
            OrderedDict()
        )
        self._used = 0

    @property
    def used_bytes(self) -> int:
        return self._used

    def __len__(self) -> int:
        return len(self._entries)

    def known(self, name: str, kind: PolicyKind, text: str) -> tuple[bool, CompiledPolicy | None]:
        """(True, what was compiled) when the document is kept, else (False, None)."""
        key = (name, kind, text)
        if key not in self._entries:
            return False, None
        self._entries.move_to_end(key)
        return True, self._entries[key]

    def compiled(self, name: str, kind: PolicyKind, text: str) -> CompiledPolicy | None:
        found, compiled = self.known(name, kind, text)
        if found:
            return compiled
        compiled = compile_document(name, kind, text)
        self.remember(name, kind, text, compiled)
        return compiled

    def remember(
        self, name: str, kind: PolicyKind, text: str, compiled: CompiledPolicy | None
    ) -> None:
        """Keeps a document compiled elsewhere (on the evaluation worker)."""
        key = (name, kind, text)
        size = estimated_bytes(text)
        if key in self._entries or size > self._budget:  # larger than the budget: never kept
            return
        self._entries[key] = compiled
        self._used += size
        # INVARIANT: the kept entries' estimates add up to at most the budget.
        while self._used > self._budget:
            (_, _, evicted), _ = self._entries.popitem(last=False)
            self._used -= estimated_bytes(evicted)


def compile_document(name: str, kind: PolicyKind, text: str) -> CompiledPolicy | None:
    """The document compiled, or None when it does not parse. Pure: safe on any thread."""
    try:
        return compile_policy(parse_policy(text, kind), name)
    except MalformedPolicyDocumentError:
        return None
