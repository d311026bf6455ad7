"""A call's caller-supplied policy documents, compiled before its questions are gathered:
a large set on the evaluation worker, so compiling them never holds the event loop."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from iamstore.node.api.authz_limits import INLINE_MAX_DOCUMENT_CHARS, POLICY_DOCUMENT_MAX_CHARS
from iamstore.node.api.call import Call
from iamstore.node.auth.authorize import Authorizer
from iamstore.node.auth.supplied import compile_document
from iamstore.node.policy import CompiledPolicy, PolicyKind

# (name, kind, text) of a document as Authorizer.document takes it.
DocumentKey = tuple[str, PolicyKind, str]


@dataclass(frozen=True, slots=True)
class Documents:
    """What `prepare` compiled; `get` answers for any document, compiling the rest inline."""

    authorizer: Authorizer
    ready: Mapping[DocumentKey, CompiledPolicy | None]

    def get(self, name: str, kind: PolicyKind, text: str, field: str) -> CompiledPolicy:
        """The compiled document, or MalformedPolicyDocument naming `field` (as
        Authorizer.document does)."""
        compiled = self.ready.get((name, kind, text))
        if compiled is not None:
            return compiled
        return self.authorizer.document(name, kind, text, field)


async def prepare(call: Call, authorizer: Authorizer, wanted: Iterable[DocumentKey]) -> Documents:
    """Compiles the documents the replica and the cache do not hold yet: inline when they are
    few characters in all, else on the evaluation worker (pure work), then keeps them.

    Bad documents are left out (Documents.get reports them, with their field, where the call
    meets them); so are documents over AWS's size, which the call refuses first.
    """
    missing: dict[DocumentKey, None] = {}
    for key in wanted:
        if len(key[2]) <= POLICY_DOCUMENT_MAX_CHARS and not authorizer.index.known(*key)[0]:
            missing[key] = None
    if sum(len(text) for _, _, text in missing) <= INLINE_MAX_DOCUMENT_CHARS:
        return Documents(authorizer, {})
    keys = list(missing)

    def compile_all() -> list[CompiledPolicy | None]:
        return [compile_document(*key) for key in keys]

    compiled = await call.components.evaluations.run(compile_all)
    for key, result in zip(keys, compiled, strict=True):
        authorizer.index.remember(*key, result)
    return Documents(authorizer, dict(zip(keys, compiled, strict=True)))
