"""Security warnings: grants broader than they look (iam:PassRole on any role, Allow with
NotAction/NotResource/NotPrincipal, trust policies open to anyone or to any web identity)."""

from __future__ import annotations

from iamstore.node.policy.document import Effect, PolicyKind, PrincipalKey, Statement
from iamstore.node.policy.match import compile_action_patterns, fold
from iamstore.node.policy.validation.findings import Finding, FindingType

_E, _SW = FindingType.ERROR, FindingType.SECURITY_WARNING
_PASS_ROLE = "iam:passrole"
_WEB_IDENTITY = "sts:assumerolewithwebidentity"
_GITHUB = "token.actions.githubusercontent.com"
_PASSED_TO_SERVICE = "iam:passedtoservice"

# (how the action is granted, how the resource is given) -> AWS's code for iam:PassRole.
_PASS_ROLE_CODES = {
    ("named", "star"): "PASS_ROLE_WITH_STAR_IN_RESOURCE",
    ("star", "star"): "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE",
    ("not_action", "star"): "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION",
    ("named", "not_resource"): "PASS_ROLE_WITH_NOT_RESOURCE",
    ("star", "not_resource"): "PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE",
    ("not_action", "not_resource"): "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE",
}


def grants(statement: Statement, action: str) -> bool:
    """Whether the statement's Action/NotAction covers the (lower-case) action."""
    patterns = statement.actions if statement.actions is not None else statement.not_actions
    assert patterns is not None  # the parser requires one of the two
    service = action.partition(":")[0]
    # Only the entries of the action's service, or with a wildcard service, can match it.
    relevant = tuple(p for p in patterns if _may_be_of(p, service))
    matched = bool(relevant) and compile_action_patterns(relevant)(action)
    return matched if statement.actions is not None else not matched


def _may_be_of(pattern: str, service: str) -> bool:
    prefix = pattern.partition(":")[0]
    return "*" in prefix or "?" in prefix or fold(prefix) == service


def check_security(
    index: int, statement: Statement, kind: PolicyKind, findings: list[Finding]
) -> None:
    base: tuple[str | int, ...] = ("Statement", index)
    if statement.effect is not Effect.ALLOW:
        return
    if statement.not_principal is not None:
        findings.append(
            Finding(
                "ALLOW_WITH_NOT_PRINCIPAL",
                _SW,
                "`Allow` with `NotPrincipal` grants access to every principal not listed, "
                "anonymous ones included; use `Principal`",
                (*base, "NotPrincipal"),
            )
        )
    if statement.not_actions is not None:
        findings.append(
            Finding(
                "ALLOW_WITH_NOT_ACTION",
                _SW,
                "`Allow` with `NotAction` grants every action not listed, also those of "
                "services AWS adds later; list the actions to allow in `Action`",
                (*base, "NotAction"),
            )
        )
    if statement.not_resources is not None:
        findings.append(
            Finding(
                "ALLOW_WITH_NOT_RESOURCE",
                _SW,
                "`Allow` with `NotResource` grants access to every resource not listed; "
                "list the resources to allow in `Resource`",
                (*base, "NotResource"),
            )
        )
    _check_pass_role(base, statement, findings)
    if kind is PolicyKind.TRUST:
        _check_trust(base, statement, findings)


def _check_pass_role(
    base: tuple[str | int, ...], statement: Statement, findings: list[Finding]
) -> None:
    if not grants(statement, _PASS_ROLE):
        return
    if any(fold(clause.key) == _PASSED_TO_SERVICE for clause in statement.conditions):
        return  # the roles can only be passed to the services the condition names
    if statement.not_actions is not None:
        how = "not_action"
    elif any(fold(a) == _PASS_ROLE for a in statement.actions or ()):
        how = "named"
    else:
        how = "star"
    if statement.not_resources is not None:
        where = "not_resource"
    elif any("*" in r or "?" in r for r in statement.resources or ()):
        where = "star"
    else:
        return
    element = "NotResource" if where == "not_resource" else "Resource"
    findings.append(
        Finding(
            _PASS_ROLE_CODES[(how, where)],
            _SW,
            "this statement lets its principals pass many roles to any service "
            "(`iam:PassRole` on resources given with wildcards or `NotResource`); name the "
            "roles, or add the `iam:PassedToService` condition key",
            (*base, element),
        )
    )


def _check_trust(
    base: tuple[str | int, ...], statement: Statement, findings: list[Finding]
) -> None:
    principal = statement.principal
    if statement.not_principal is not None:
        findings.append(
            Finding(
                "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL",
                _E,
                "role trust policies do not take `NotPrincipal`; use `Principal`",
                (*base, "NotPrincipal"),
            )
        )
    if principal is None:
        return
    if principal.wildcard:
        findings.append(
            Finding(
                "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
                _E,
                '`"Principal": "*"` is not supported in a role trust policy; name the '
                "principals that may assume the role",
                (*base, "Principal"),
            )
        )
        return
    for key, values in principal.entries:
        if key is PrincipalKey.AWS and "*" in values and not statement.conditions:
            findings.append(
                Finding(
                    "ROLE_TRUST_POLICY_WILDCARD_PRINCIPAL_WITHOUT_CONDITION",
                    _SW,
                    "any AWS principal of any account may assume this role: the statement "
                    'trusts `"AWS": "*"` without a condition',
                    (*base, "Principal", "AWS"),
                )
            )
        if key is PrincipalKey.FEDERATED and grants(statement, _WEB_IDENTITY):
            for value in values:
                _check_web_identity(base, statement, value, findings)


def _check_web_identity(
    base: tuple[str | int, ...], statement: Statement, federated: str, findings: list[Finding]
) -> None:
    if ":saml-provider/" in federated:
        return
    provider = (
        federated.split(":oidc-provider/", 1)[1] if ":oidc-provider/" in federated else federated
    )
    prefix = fold(provider) + ":"
    keys = [fold(clause.key) for clause in statement.conditions]
    path = (*base, "Principal", "Federated")
    if not any(key.startswith(prefix) for key in keys):
        findings.append(
            Finding(
                "MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL",
                _SW,
                f"anyone with a token from `{provider}` may assume this role: add a condition "
                f"on its claims (such as `{provider}:aud`)",
                path,
            )
        )
    elif fold(provider) == _GITHUB and f"{_GITHUB}:sub" not in keys:
        findings.append(
            Finding(
                "MISSING_GITHUB_REPO_CONDITION_KEY",
                _SW,
                f"any GitHub repository's workflow may assume this role: add a condition on "
                f"`{_GITHUB}:sub` naming the repositories and branches",
                path,
            )
        )
