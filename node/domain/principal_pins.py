"""Principals pinned by unique id: a trust policy names a user or role as it was when saved.

AWS turns each IAM user or role ARN in a role trust policy's `Principal` into that
principal's unique id when the policy is saved, maps it back to the current ARN when the
policy is shown, and shows the bare id once the principal is deleted: a user or role
re-created under the same name is a new principal the policy does not name
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html,
"IAM role principals" and "IAM user principals"; and id_roles_create_policy-examples.html).
An ARN that names no existing user or role is refused when the policy is saved ("Invalid
principal in policy"), as AWS does.

iamstore keeps the document as written plus its pins (ARN as written -> unique id). Before a
decision the policy's principal values are rewritten from the pins: the principal's current
ARN when it still exists (a renamed user is still named), its bare id when it does not (an
id matches no ARN, so the statement names nobody). Everything here is pure: the view in,
values out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace

from iamstore.node.domain.entities import Role, User
from iamstore.node.domain.errors import MalformedPolicyDocument
from iamstore.node.domain.view import View
from iamstore.node.policy import Policy
from iamstore.node.policy.document import PrincipalKey, PrincipalSpec

Pins = tuple[tuple[str, str], ...]  # (ARN as written in the policy, unique id), sorted

# Any user or role ARN, wildcards included: IAM paths may hold `*`, and an ARN that names no
# existing principal (a pattern among them) is refused rather than left unpinned.
_PRINCIPAL_ARN = re.compile(r"arn:[^:]+:iam::(\d{12}):(user|role)/(?:.*/)?([^/]+)\Z", re.DOTALL)


def pins_of(view: View, policy: Policy, field: str) -> Pins:
    """The unique id of every user and role the policy's principals name by ARN.

    Raises MalformedPolicyDocument for an ARN that names no existing user or role.
    """
    pins: dict[str, str] = {}
    for value in _aws_values(policy):
        match = _PRINCIPAL_ARN.match(value)
        if match is None or value in pins:
            continue  # an account, `*`, a role session or a service: nothing to pin
        account, kind, name = match.groups()
        entity = (
            view.users.named(account, name) if kind == "user" else view.roles.named(account, name)
        )
        if entity is None or entity.arn != value:
            raise MalformedPolicyDocument(f"Invalid principal in policy: `{value}`", field)
        pins[value] = entity.entity_id
    return tuple(sorted(pins.items()))


def current_names(view: View, pins: Pins) -> dict[str, str]:
    """ARN as written -> what it names now, for each pin whose principal moved or is gone:
    the current ARN of a renamed principal, the bare unique id of a deleted one.

    INVARIANT: a pin resolves only to a user (or role, as the ARN says) of the account its
    ARN was written with. A principal never changes account, so one found elsewhere under
    the id is not the principal pinned: its id was taken by another account's import after
    the principal was deleted (or before the delete reached this replica). AWS never reuses
    a unique id, and a pinned id of a deleted principal never matches again
    (reference_policies_elements_principal.html, "IAM role principals"). The check needs
    nothing a purge drops: it compares the pin with the row that holds the id now.
    """
    changed: dict[str, str] = {}
    for written, unique_id in pins:
        entity = _pinned(view, written, unique_id)
        now = unique_id if entity is None else entity.arn
        if now != written:
            changed[written] = now
    return changed


def pinned_account(written: str) -> str | None:
    """The account of the principal a pin's ARN names (None for one this module never
    writes): the account its unique id belongs to, since a principal never changes account."""
    match = _PRINCIPAL_ARN.match(written)
    return None if match is None else match.group(1)


def _pinned(view: View, written: str, unique_id: str) -> User | Role | None:
    match = _PRINCIPAL_ARN.match(written)
    if match is None:
        return None  # not a pin this module writes: it names nobody
    account, kind, _ = match.groups()
    if kind == "user":
        return view.users.of_account(unique_id, account)
    return view.roles.of_account(unique_id, account)


def with_principals(policy: Policy, names: Mapping[str, str]) -> Policy:
    """The policy with its `AWS` principal values rewritten by `names` (others kept)."""
    if not names:
        return policy
    statements = tuple(
        replace(
            s,
            principal=_renamed(s.principal, names),
            not_principal=_renamed(s.not_principal, names),
        )
        for s in policy.statements
    )
    return replace(policy, statements=statements)


def shown_document(document: str, names: Mapping[str, str]) -> str:
    """The stored document as GetRole shows it: principals that moved under their current
    ARN, deleted ones as their unique id (AWS's console and API do the same)."""
    if not names:
        return document
    parsed = json.loads(document)
    statements = parsed.get("Statement")
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, dict):
            continue
        for element in ("Principal", "NotPrincipal"):
            spec = statement.get(element)
            if isinstance(spec, dict) and "AWS" in spec:
                spec["AWS"] = _shown(spec["AWS"], names)
    return json.dumps(parsed)


def _shown(value: object, names: Mapping[str, str]) -> object:
    if isinstance(value, str):
        return names.get(value, value)
    if isinstance(value, list):
        return [names.get(v, v) if isinstance(v, str) else v for v in value]
    return value


def _aws_values(policy: Policy) -> list[str]:
    values: list[str] = []
    for statement in policy.statements:
        for spec in (statement.principal, statement.not_principal):
            if spec is None:
                continue
            for key, listed in spec.entries:
                if key is PrincipalKey.AWS:
                    values.extend(listed)
    return values


def _renamed(spec: PrincipalSpec | None, names: Mapping[str, str]) -> PrincipalSpec | None:
    if spec is None:
        return None
    entries = tuple(
        (key, tuple(names.get(v, v) for v in values) if key is PrincipalKey.AWS else values)
        for key, values in spec.entries
    )
    return replace(spec, entries=entries)
