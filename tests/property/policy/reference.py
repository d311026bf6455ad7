"""A deliberately naive reference evaluator written straight from AWS's documented algorithm.

No regexes, no indexes, no caches: wildcard matching is a character-by-character recursion and
every statement of every policy is looked at. Used only to check the fast engine.
"""

from __future__ import annotations

import base64
import ipaddress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from iamstore.node.policy.document import Policy, PrincipalKey, PrincipalSpec, Statement

STAR, QMARK = object(), object()
Item = object  # a one-character str (literal) or STAR / QMARK


@dataclass
class RefRequest:
    principal_arn: str
    action: str
    resource_arn: str
    resource_account: str | None
    context: dict[str, str | list[str]]


@dataclass
class RefPolicies:
    identity: list[Policy] = field(default_factory=list)
    resource: Policy | None = None
    boundary: Policy | None = None
    session: Policy | None = None
    scps: list[list[Policy]] | None = None


# --- the caller -------------------------------------------------------------------------


def principal_parts(arn: str) -> tuple[str, str, str | None]:
    """(kind, account, role name)."""
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn":
        account, rest = parts[4], parts[5]
        if parts[2] == "sts" and rest.startswith("assumed-role/") and rest.count("/") >= 2:
            return "session", account, rest.split("/")[1]
        if parts[2] == "sts" and rest.startswith("federated-user/"):
            return "federated", account, None
        if parts[2] == "iam" and rest == "root":
            return "root", account, None
        if parts[2] == "iam" and rest.startswith("user/"):
            return "user", account, None
        if parts[2] == "iam" and rest.startswith("role/"):
            return "role", account, rest.split("/")[-1]
    if arn in ("", "*", "anonymous"):
        return "anonymous", "", None
    if arn.endswith(".amazonaws.com") and arn != "cognito-identity.amazonaws.com":
        return "service", "", None
    return "web", "", None


def lookup(context: dict[str, str | list[str]], key: str) -> str | list[str] | None:
    for k, v in context.items():
        if k.lower() == key.lower():
            return v
    return None


# --- wildcards and variables ---------------------------------------------------------------


def expand(
    text: str, context: dict[str, str | list[str]], variables: bool, wild: bool
) -> list[Item] | None:
    """Text as items with variables substituted; None when a variable has no value."""
    items: list[Item] = []
    i = 0
    while i < len(text):
        if variables and text.startswith("${", i) and "}" in text[i:]:
            end = text.index("}", i)
            body = text[i + 2 : end]
            replacement: str | None
            if body in ("*", "?", "$"):
                replacement = body
            else:
                key, comma, default = body.partition(",")
                key = key.strip()
                default = default.strip()
                bad_default = comma and not (
                    len(default) >= 2
                    and default[0] == default[-1] == "'"
                    and "'" not in default[1:-1]
                )
                if not key or bad_default:
                    # Malformed: not a variable; read its characters as ordinary text.
                    items.append("$")
                    i += 1
                    continue
                value = lookup(context, key)
                if isinstance(value, str):
                    replacement = value
                elif comma:
                    replacement = default[1:-1]
                else:
                    return None
            assert replacement is not None
            items.extend(replacement)
            i = end + 1
            continue
        char = text[i]
        if wild and char == "*":
            items.append(STAR)
        elif wild and char == "?":
            items.append(QMARK)
        else:
            items.append(char)
        i += 1
    return items


def glob(items: list[Item], text: str, *, fold: bool = False, no_colon: bool = False) -> bool:
    if not items:
        return text == ""
    head, rest = items[0], items[1:]
    if head is STAR:
        for cut in range(len(text) + 1):
            if no_colon and ":" in text[:cut]:
                break
            if glob(rest, text[cut:], fold=fold, no_colon=no_colon):
                return True
        return False
    if not text:
        return False
    if head is QMARK:
        if no_colon and text[0] == ":":
            return False
        return glob(rest, text[1:], fold=fold, no_colon=no_colon)
    assert isinstance(head, str)
    same = head.lower() == text[0].lower() if fold else head == text[0]
    return same and glob(rest, text[1:], fold=fold, no_colon=no_colon)


def split_items(items: list[Item], count: int) -> list[list[Item]]:
    """Split at literal colons that came from the pattern into at most `count` parts."""
    parts: list[list[Item]] = [[]]
    for item in items:
        if item == ":" and len(parts) < count:
            parts.append([])
        else:
            parts[-1].append(item)
    return parts


def arn_like(
    pattern: str, value: str, context: dict[str, str | list[str]], variables: bool
) -> bool:
    if pattern == "*":
        return True
    # Split the pattern text into segments before substituting variables.
    raw_segments = _split_outside_variables(pattern, variables)
    value_segments = value.split(":", len(raw_segments) - 1)
    if len(value_segments) != len(raw_segments):
        return False
    last = len(raw_segments) - 1
    for i, (raw, actual) in enumerate(zip(raw_segments, value_segments, strict=True)):
        items = expand(raw, context, variables, True)
        if items is None:
            return False
        if i < 5 and i != last:
            if ":" in actual or not glob(items, actual, fold=True, no_colon=True):
                return False
        elif not glob(items, actual):
            return False
    return True


def _split_outside_variables(pattern: str, variables: bool) -> list[str]:
    """Split at colons not inside `${...}`; beyond the 6th segment colons stay in the resource."""
    segments: list[str] = []
    current = ""
    i = 0
    while i < len(pattern):
        if variables and pattern.startswith("${", i) and "}" in pattern[i:]:
            end = pattern.index("}", i)
            current += pattern[i : end + 1]
            i = end + 1
            continue
        char = pattern[i]
        if char == ":" and len(segments) < 5:
            segments.append(current)
            current = ""
        else:
            current += char
        i += 1
    segments.append(current)
    return segments


# --- conditions ------------------------------------------------------------------------------


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _date(text: str) -> float | None:
    text = text.strip()
    body = text[1:] if text.startswith("-") else text
    if (
        body
        and body.replace(".", "", 1).isdigit()
        and not body.startswith(".")
        and not body.endswith(".")
    ):
        return float(text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.timestamp()
    except (OverflowError, ValueError):
        return None


def _compare(op: str, a: Any, b: Any) -> bool:
    if op.endswith("LessThanEquals"):
        return bool(a <= b)
    if op.endswith("LessThan"):
        return bool(a < b)
    if op.endswith("GreaterThanEquals"):
        return bool(a >= b)
    if op.endswith("GreaterThan"):
        return bool(a > b)
    return bool(a == b)


def pair_matches(
    base: str,
    policy_value: str,
    request_value: str,
    context: dict[str, str | list[str]],
    variables: bool,
) -> bool | None:
    """Does one request value match one policy value under the positive form of `base`?
    None: a value cannot be read as the operator's type."""
    if base.startswith("String"):
        like = "Like" in base
        items = expand(policy_value, context, variables, like)
        if items is None:
            return False
        return glob(items, request_value, fold="IgnoreCase" in base)
    if base.startswith("Arn"):
        if request_value.count(":") < 5:
            return None
        return arn_like(policy_value, request_value, context, variables)
    if base.startswith("Numeric"):
        a, b = _number(request_value), _number(policy_value)
        return None if a is None or b is None else _compare(base, a, b)
    if base.startswith("Date"):
        when, limit = _date(request_value), _date(policy_value)
        return None if when is None or limit is None else _compare(base, when, limit)
    if base == "Bool":
        got, want = request_value.lower(), policy_value.lower()
        if got not in ("true", "false") or want not in ("true", "false"):
            return None
        return got == want
    if base == "BinaryEquals":
        try:
            return base64.b64decode(request_value, validate=True) == base64.b64decode(
                policy_value, validate=True
            )
        except ValueError:
            return None
    if base.endswith("IpAddress"):
        try:
            network = ipaddress.ip_network(policy_value.strip(), strict=False)
            address = ipaddress.ip_address(request_value.strip())
        except ValueError:
            return None
        return address in network
    raise AssertionError(base)


NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "NumericNotEquals": "NumericEquals",
    "DateNotEquals": "DateEquals",
    "NotIpAddress": "IpAddress",
    "ArnNotEquals": "ArnLike",
    "ArnNotLike": "ArnLike",
}


def condition_holds(
    operator: str,
    key: str,
    values: tuple[str, ...],
    context: dict[str, str | list[str]],
    variables: bool,
) -> bool:
    raw = lookup(context, key)
    present = raw is not None and raw != []
    if operator == "Null":
        wanted = [v.lower() for v in values]
        if any(w not in ("true", "false") for w in wanted):
            return False
        return ("true" if not present else "false") in wanted
    qualifier = ""
    if operator.startswith(("ForAnyValue:", "ForAllValues:")):
        qualifier, operator = operator.split(":", 1)
    if_exists = operator.endswith("IfExists")
    if if_exists:
        operator = operator[: -len("IfExists")]
    negated = operator in NEGATED
    base = NEGATED.get(operator, operator)
    # A policy value that cannot be read as the operator's type spoils the whole condition.
    if not all(_readable(base, value) for value in values):
        return False
    if not present:
        if if_exists or qualifier == "ForAllValues":
            return True
        if qualifier == "ForAnyValue":
            return False
        return negated
    assert raw is not None
    request_values = [raw] if isinstance(raw, str) else list(raw)
    per_value: list[bool] = []
    for request_value in request_values:
        hits = []
        for value in values:
            result = pair_matches(base, value, request_value, context, variables)
            if result is None:
                return False
            hits.append(result)
        per_value.append(any(hits) != negated)
    if qualifier == "ForAllValues":
        return all(per_value)
    if qualifier == "ForAnyValue":
        return any(per_value)
    return all(per_value) if negated else any(per_value)


def _readable(base: str, value: str) -> bool:
    if base.startswith(("String", "Arn")):
        return True
    if base.startswith("Numeric"):
        return _number(value) is not None
    if base.startswith("Date"):
        return _date(value) is not None
    if base == "Bool":
        return value.lower() in ("true", "false")
    if base == "BinaryEquals":
        try:
            base64.b64decode(value, validate=True)
        except ValueError:
            return False
        return True
    try:
        ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return False
    return True


# --- statements --------------------------------------------------------------------------------


def names_caller(key: PrincipalKey, value: str, request: RefRequest) -> str:
    """'direct', 'role', 'account' or '' for one principal value."""
    kind, account, role = principal_parts(request.principal_arn)
    iam_kinds = ("root", "user", "role", "session", "federated")
    if key is PrincipalKey.AWS:
        if value == "*":
            return "direct"
        if kind not in iam_kinds:
            return ""
        if value.isdigit() and len(value) == 12:
            return "account" if value == account else ""
        if value.endswith(":root") and value.startswith("arn:"):
            return "account" if value.split(":")[4] == account else ""
        if value == request.principal_arn:
            return "direct"
        parts = value.split(":", 5)
        if (
            role is not None
            and len(parts) == 6
            and parts[2] == "iam"
            and parts[4] == account
            and parts[5].startswith("role/")
            and parts[5].split("/")[-1] == role
        ):
            return "role"
        return ""
    if key is PrincipalKey.SERVICE and kind == "service" and value == request.principal_arn:
        return "direct"
    if key is PrincipalKey.FEDERATED and kind == "web" and value == request.principal_arn:
        return "direct"
    return ""


RANK = {"": 0, "account": 1, "role": 2, "direct": 3}


def principal_level(spec: PrincipalSpec, request: RefRequest) -> str:
    if spec.wildcard:
        return "direct"
    best = ""
    for key, values in spec.entries:
        for value in values:
            level = names_caller(key, value, request)
            if RANK[level] > RANK[best]:
                best = level
    return best


def excluded_by_not_principal(spec: PrincipalSpec, request: RefRequest) -> bool:
    """NotPrincipal excludes the caller only if every identity of the caller is listed."""
    if spec.wildcard:
        return True
    found = set()
    for key, values in spec.entries:
        for value in values:
            if key is PrincipalKey.AWS and value == "*":
                return True
            found.add(names_caller(key, value, request))
    kind, _, _ = principal_parts(request.principal_arn)
    if kind == "root":
        needed = {"account"}
    elif kind in ("user", "role", "federated"):
        needed = {"direct", "account"}
    elif kind == "session":
        needed = {"direct", "account", "role"}
    else:
        needed = {"direct"}
    return needed <= found


def statement_level(
    statement: Statement, request: RefRequest, variables: bool, has_boundary: bool
) -> str:
    """'' when the statement does not apply, else how it names the caller."""
    action = request.action
    if statement.actions is not None:
        hit = any(
            glob(expand(a, {}, False, True) or [], action, fold=True) for a in statement.actions
        )
    else:
        assert statement.not_actions is not None
        hit = not any(
            glob(expand(a, {}, False, True) or [], action, fold=True) for a in statement.not_actions
        )
    if not hit:
        return ""
    if statement.resources is not None:
        if not any(
            arn_like(r, request.resource_arn, request.context, variables)
            for r in statement.resources
        ):
            return ""
    elif statement.not_resources is not None and any(
        arn_like(r, request.resource_arn, request.context, variables)
        for r in statement.not_resources
    ):
        return ""
    level = "direct"
    if statement.principal is not None:
        level = principal_level(statement.principal, request)
        if not level:
            return ""
    elif statement.not_principal is not None:
        forced = has_boundary and statement.effect.value == "Deny"
        if not forced and excluded_by_not_principal(statement.not_principal, request):
            return ""
    for clause in statement.conditions:
        if not condition_holds(
            clause.operator, clause.key, clause.values, request.context, variables
        ):
            return ""
    return level


def scan(
    policy: Policy | None, request: RefRequest, has_boundary: bool = False
) -> tuple[bool, bool, str]:
    """(any deny applies, any allow applies, best principal level among allows)."""
    deny = allow = False
    best = ""
    if policy is None:
        return deny, allow, best
    for statement in policy.statements:
        level = statement_level(statement, request, policy.variables_enabled, has_boundary)
        if not level:
            continue
        if statement.effect.value == "Deny":
            deny = True
        else:
            allow = True
            if RANK[level] > RANK[best]:
                best = level
    return deny, allow, best


def reference_decide(request: RefRequest, policies: RefPolicies) -> str:
    kind, account, _ = principal_parts(request.principal_arn)
    has_boundary = policies.boundary is not None
    identity = [scan(p, request) for p in policies.identity]
    boundary = scan(policies.boundary, request)
    session = scan(policies.session, request)
    resource = scan(policies.resource, request, has_boundary)
    scp_levels = [[scan(p, request) for p in level] for level in (policies.scps or [])]
    everything = [*identity, boundary, session, resource, *[s for lvl in scp_levels for s in lvl]]
    # Explicit deny anywhere.
    if any(deny for deny, _, _ in everything):
        return "ExplicitDeny"
    # Each SCP level must allow.
    for level in scp_levels:
        if not any(allow for _, allow, _ in level):
            return "ImplicitDeny"
    identity_allows = any(allow for _, allow, _ in identity) or kind == "root"
    boundary_ok = policies.boundary is None or boundary[1]
    session_ok = policies.session is None or session[1]
    grant = resource[2]
    if kind in ("service", "web", "anonymous"):
        return "Allow" if grant == "direct" else "ImplicitDeny"
    same = request.resource_account is None or request.resource_account == account
    if same:
        if grant == "direct":
            return "Allow"
        if grant == "role" and kind in ("session", "federated") and boundary_ok and session_ok:
            return "Allow"
        return "Allow" if identity_allows and boundary_ok and session_ok else "ImplicitDeny"
    if grant and identity_allows and boundary_ok and session_ok:
        return "Allow"
    return "ImplicitDeny"
