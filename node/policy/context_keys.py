"""The context keys policies reference: condition keys and policy variables (`${aws:username}`).

What AWS's GetContextKeysForCustomPolicy and GetContextKeysForPrincipalPolicy answer: the keys
a simulation would need values for. Each key once (keys are case-insensitive), as first
written, sorted case-insensitively.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from iamstore.node.policy.document import Policy

# `${key}` or `${key, 'default'}`; the escapes `${*}`, `${?}` and `${$}` name no key.
_VARIABLE = re.compile(r"\$\{\s*([^}\s,]+)")
_ESCAPES = frozenset({"*", "?", "$"})


def _variables(text: str) -> Iterable[str]:
    for match in _VARIABLE.finditer(text):
        if match.group(1) not in _ESCAPES:
            yield match.group(1)


def context_keys(policies: Iterable[Policy]) -> list[str]:
    found: dict[str, str] = {}
    for policy in policies:
        for statement in policy.statements:
            keys: list[str] = [clause.key for clause in statement.conditions]
            if policy.variables_enabled:
                texts = [
                    *(statement.resources or ()),
                    *(statement.not_resources or ()),
                    *(value for clause in statement.conditions for value in clause.values),
                ]
                for text in texts:
                    keys.extend(_variables(text))
            for key in keys:
                found.setdefault(key.lower(), key)
    return sorted(found.values(), key=str.lower)
