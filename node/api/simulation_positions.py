"""The text of each policy a simulation matched, found by its name, and its statements' places.

A matched statement names its policy as the simulators named it when they gathered it: an
input document by its request field (`PolicyInputList.1`, `ResourcePolicy`, ...), a stored
inline policy as `user/NAME/POLICY` (also `group/` and `role/`), a managed policy by its ARN.
Each text is found and scanned once per request (node.policy.positions), and only when one
of its statements matched, so the work is at most one pass over the documents the request
involves, each bounded by its quota or by the simulators' input limits.
"""

from __future__ import annotations

from collections.abc import Mapping

from iamstore.node.domain.entities import Group, Role, User
from iamstore.node.domain.view import View
from iamstore.node.policy.positions import StatementSpan, statement_spans

_INLINE_OWNERS = ("user", "group", "role")


class StatementLocator:
    """Statement spans by (policy name, statement index), for one request."""

    def __init__(self, view: View, account_id: str, supplied: Mapping[str, str]) -> None:
        self._view = view
        self._account_id = account_id
        self._supplied = supplied  # the request's documents by the name they were given
        self._spans: dict[str, tuple[StatementSpan, ...]] = {}

    def span(self, policy_name: str, statement_index: int) -> StatementSpan | None:
        spans = self._spans.get(policy_name)
        if spans is None:
            text = self._text(policy_name)
            spans = self._spans[policy_name] = () if text is None else statement_spans(text)
        return spans[statement_index] if 0 <= statement_index < len(spans) else None

    def _text(self, policy_name: str) -> str | None:
        supplied = self._supplied.get(policy_name)
        if supplied is not None:
            return supplied
        view = self._view
        if policy_name.startswith("arn:"):
            policy = view.policy_by_arn(policy_name)
            version = None if policy is None else view.default_version(policy.policy_id)
            return None if version is None else version.document
        kind, _, rest = policy_name.partition("/")
        owner_name, _, inline_name = rest.partition("/")
        if kind not in _INLINE_OWNERS or not inline_name:
            return None
        owner: User | Group | Role | None
        if kind == "user":
            owner = view.users.named(self._account_id, owner_name)
        elif kind == "group":
            owner = view.groups.named(self._account_id, owner_name)
        else:
            owner = view.roles.named(self._account_id, owner_name)
        if owner is None:
            return None
        inline = view.inline.get(owner.entity_id, {}).get(inline_name)
        return None if inline is None else inline.document
