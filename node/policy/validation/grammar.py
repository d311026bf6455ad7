"""Grammar findings: the policy parser's refusals as Access Analyzer issue codes, and the
elements AWS accepts but that do nothing (empty arrays and objects), set aside before parsing.

The grammar itself lives once, in node.policy.parse; this module only names its verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass

from iamstore.node.policy.document import VERSION_2008
from iamstore.node.policy.errors import MalformedPolicyDocumentError
from iamstore.node.policy.validation.findings import Finding, FindingType

_E, _W, _S = FindingType.ERROR, FindingType.WARNING, FindingType.SUGGESTION
_LIST_ELEMENTS = frozenset({"Statement", "Action", "NotAction", "Resource", "NotResource"})
_PRINCIPALS = frozenset({"Principal", "NotPrincipal"})

# The parser's messages (node/policy/parse.py), first match wins, and AWS's code for each.
# tests/unit/policy/test_policy_validation.py (GRAMMAR, CASES) parses a document for every row, so a
# reworded message fails a test instead of silently changing a code.
_PARSE_CODES: tuple[tuple[str, str], ...] = (
    ("policy document must be text", "JSON_SYNTAX_ERROR"),
    ("duplicate key", "JSON_SYNTAX_ERROR"),
    ("is not valid json", "JSON_SYNTAX_ERROR"),
    ("unknown policy element", "INVALID_POLICY_ELEMENT"),
    ("unknown element", "INVALID_POLICY_ELEMENT"),
    ("`Version`", "INVALID_VERSION"),
    ("`Statement` is required", "MISSING_STATEMENT"),
    ("`Statement` must not be an empty list", "MISSING_STATEMENT"),
    ("`Sid` must be alphanumeric", "UNSUPPORTED_SID"),
    ("repeats statement", "UNIQUE_SIDS_REQUIRED"),
    ("`Effect` is required", "MISSING_EFFECT"),
    ("`Effect` must be", "INVALID_EFFECT"),
    ("cannot both be present", "UNSUPPORTED_ELEMENT_COMBINATION"),
    ("is not allowed in a scp policy", "SCP_SYNTAX_ERROR_PRINCIPAL"),
    ("is not allowed in a trust policy", "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE"),
    ("Principal` is not allowed", "UNSUPPORTED_PRINCIPAL"),
    ("NotPrincipal` is not allowed", "UNSUPPORTED_PRINCIPAL"),
    ("needs `Principal` or `NotPrincipal`", "MISSING_PRINCIPAL"),
    ("unknown principal type", "INVALID_PRINCIPAL_KEY"),
    ("wildcards may only stand alone", "UNSUPPORTED_WILDCARD_IN_PRINCIPAL"),
    ("principal", "INVALID_PRINCIPAL_FORMAT"),
    ("exactly one of `Action` and `NotAction`", "MISSING_ACTION"),
    ("must be `*` or `service:action`", "INVALID_ACTION"),
    ("one of `Resource` and `NotResource` is required", "MISSING_RESOURCE"),
    ("must be `*` or an arn", "INVALID_ARN_PREFIX"),
    ("unknown condition operator", "INVALID_CONDITION_OPERATOR"),
    ("condition key must not be empty", "INVALID_CONDITION_KEY_FORMAT"),
)


def parse_finding(
    error: MalformedPolicyDocumentError, statements: list[int], document: object = None
) -> Finding:
    """The finding for the parser's refusal; `statements` maps parsed positions to the
    document's own (statements set aside before parsing are not counted by the parser), and
    `document` is what the parser was given."""
    code = next((c for text, c in _PARSE_CODES if text in error.message), "DATA_TYPE_MISMATCH")
    path = _path(error.pointer, statements)
    if code == "MISSING_ACTION" and _has_both_actions(document, error.pointer):
        code = "UNSUPPORTED_ELEMENT_COMBINATION"
    if code == "INVALID_CONDITION_OPERATOR" and len(path) >= 4:
        operator = str(path[3])
        if operator.startswith("Null") and operator.endswith("IfExists"):
            code = "NULL_WITH_IF_EXISTS"
    return Finding(code, _E, error.message, path)


def _has_both_actions(document: object, pointer: str) -> bool:
    """Whether the statement the pointer names has both `Action` and `NotAction`."""
    parts = pointer.split("/")
    if not isinstance(document, dict) or len(parts) < 3 or not parts[2].isdigit():
        return False
    raw = document.get("Statement")
    listed = raw if isinstance(raw, list) else [raw]
    index = int(parts[2])
    statement = listed[index] if index < len(listed) else None
    return isinstance(statement, dict) and "Action" in statement and "NotAction" in statement


def _path(pointer: str, statements: list[int]) -> tuple[str | int, ...]:
    """A JSON pointer as a path: list positions as numbers, statement positions remapped."""
    if not pointer:
        return ()
    parts: list[str | int] = []
    for raw in pointer[1:].split("/"):
        text = raw.replace("~1", "/").replace("~0", "~")
        depth = len(parts)
        previous = parts[-1] if parts else None
        in_list = previous in _LIST_ELEMENTS or (depth >= 4 and parts[2] in _PRINCIPALS)
        in_values = depth == 5 and parts[2] == "Condition"
        if text.isdigit() and text.isascii() and (in_list or in_values):
            number = int(text)
            if depth == 1 and number < len(statements):
                number = statements[number]
            parts.append(number)
        else:
            parts.append(text)
    return tuple(parts)


@dataclass(frozen=True, slots=True)
class Prepared:
    """The document ready for the parser, what was set aside, and where statements were."""

    document: dict[str, object]
    findings: tuple[Finding, ...]
    statements: list[int]  # the document's position of each statement handed to the parser
    empty: bool  # every statement was set aside: nothing is left to parse


def prepare(document: dict[str, object]) -> Prepared:
    """Version warnings, and the empty elements AWS accepts and Access Analyzer suggests
    removing; a statement with an empty `Action`, `Resource` or `Principal` grants nothing
    and is set aside, an empty condition block or key is dropped from its statement."""
    findings: list[Finding] = []
    if "Version" not in document:
        findings.append(
            Finding(
                "MISSING_VERSION",
                _W,
                "the policy has no `Version`: it is read as `2008-10-17`, without policy "
                'variables; add `"Version": "2012-10-17"`',
            )
        )
    elif document["Version"] == VERSION_2008:
        findings.append(
            Finding(
                "OUTDATED_VERSION",
                _W,
                "`Version` `2008-10-17` is the old policy language: policy variables are read "
                "as literal text; use `2012-10-17`",
                ("Version",),
            )
        )
    raw = document.get("Statement")
    if not isinstance(raw, list | dict):
        return Prepared(document, tuple(findings), [], False)
    listed = raw if isinstance(raw, list) else [raw]
    kept: list[object] = []
    positions: list[int] = []
    for index, statement in enumerate(listed):
        if not isinstance(statement, dict):
            kept.append(statement)
            positions.append(index)
            continue
        cleaned = _clean_statement(statement, index, findings)
        if cleaned is not None:
            kept.append(cleaned)
            positions.append(index)
    out = dict(document)
    out["Statement"] = kept if isinstance(raw, list) or not kept else kept[0]
    return Prepared(out, tuple(findings), positions, bool(listed) and not kept)


_EMPTY_ELEMENT_CODES = {
    "Action": "EMPTY_ARRAY_ACTION",
    "NotAction": "EMPTY_ARRAY_ACTION",
    "Resource": "EMPTY_ARRAY_RESOURCE",
    "NotResource": "EMPTY_ARRAY_RESOURCE",
}


def _clean_statement(
    statement: dict[str, object], index: int, findings: list[Finding]
) -> dict[str, object] | None:
    for element, code in _EMPTY_ELEMENT_CODES.items():
        if statement.get(element) == []:
            what = "actions" if "Action" in element else "resources"
            message = f"statement {index}: `{element}` is empty, so the statement grants nothing"
            findings.append(Finding(code, _S, f"{message}; specify {what}", _at(index, element)))
            return None
    for element in _PRINCIPALS:
        value = statement.get(element)
        if value == [] or value == {}:
            code = "EMPTY_ARRAY_PRINCIPAL" if value == [] else "EMPTY_OBJECT_PRINCIPAL"
            message = f"statement {index}: `{element}` is empty, so the statement applies to no one"
            findings.append(Finding(code, _S, message, _at(index, element)))
            return None
    out = dict(statement)
    if out.get("Sid") == "":
        findings.append(
            Finding("EMPTY_SID_VALUE", _S, f"statement {index}: `Sid` is empty", _at(index, "Sid"))
        )
        del out["Sid"]
    condition = out.get("Condition")
    if isinstance(condition, dict):
        out_condition = _clean_condition(condition, index, findings)
        if out_condition:
            out["Condition"] = out_condition
        else:
            del out["Condition"]
    return out


def _clean_condition(
    condition: dict[str, object], index: int, findings: list[Finding]
) -> dict[str, object]:
    if not condition:
        message = f"statement {index}: the `Condition` block is empty and has no effect"
        findings.append(Finding("EMPTY_OBJECT_CONDITION", _S, message, _at(index, "Condition")))
    out: dict[str, object] = {}
    for operator, block in condition.items():
        if block == {}:
            message = f"statement {index}: condition operator `{operator}` has no keys"
            path = _at(index, "Condition", operator)
            findings.append(Finding("EMPTY_OBJECT_CONDITION", _S, message, path))
            continue
        if not isinstance(block, dict):
            out[operator] = block
            continue
        kept: dict[str, object] = {}
        for key, values in block.items():
            if values == []:
                path = _at(index, "Condition", operator, key)
                message = f"statement {index}: condition key `{key}` has no values"
                findings.append(Finding(_empty_condition_code(operator), _S, message, path))
            else:
                kept[key] = values
        if kept:
            out[operator] = kept
    return out


def _empty_condition_code(operator: str) -> str:
    if operator.startswith("ForAllValues:"):
        return "EMPTY_ARRAY_CONDITION_FORALLVALUES"
    if operator.startswith("ForAnyValue:"):
        return "EMPTY_ARRAY_CONDITION_FORANYVALUE"
    if operator.endswith("IfExists"):
        return "EMPTY_ARRAY_CONDITION_IFEXISTS"
    return "EMPTY_ARRAY_CONDITION"


def _at(index: int, *parts: str) -> tuple[str | int, ...]:
    return ("Statement", index, *parts)
