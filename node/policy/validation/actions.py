"""Action and resource findings: unknown services and actions, wildcards that match nothing,
and resource ARNs that no resource type of the statement's actions can have."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from iamstore.node.policy.document import Statement
from iamstore.node.policy.glob import compile_glob
from iamstore.node.policy.match import fold
from iamstore.node.policy.validation.budget import Budget
from iamstore.node.policy.validation.catalog import Action, Catalog, ResourceType, Service
from iamstore.node.policy.validation.findings import Finding, FindingType
from iamstore.node.policy.variables import tokenize

_E, _S = FindingType.ERROR, FindingType.SUGGESTION
_POLICY_VARIABLE = re.compile(r"\$\{[^}]*\}")
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html (partitions)
_PARTITIONS = frozenset(
    {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}
)
_ACCOUNT = re.compile(r"[0-9]{12}\Z")
_HINT_MAX_CHARS = 128


def has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


@dataclass(frozen=True, slots=True)
class ResolvedAction:
    """One entry of `Action`/`NotAction` and the catalog's actions it stands for."""

    element: str  # "Action" or "NotAction"
    position: int | None  # index in the element's list; None when the element is one string
    text: str
    service: Service | None  # None for `*`, a wildcard service, or an unknown one
    actions: tuple[Action, ...]
    everything: bool  # `*`, or a wildcard service name: any action of any service

    @property
    def explicit(self) -> bool:
        return not has_wildcard(self.text)

    def path(self, index: int) -> tuple[str | int, ...]:
        base: tuple[str | int, ...] = ("Statement", index, self.element)
        return base if self.position is None else (*base, self.position)


def _positions(values: tuple[str, ...], single: bool) -> list[tuple[int | None, str]]:
    if single:
        return [(None, values[0])]
    return list(enumerate(values))


def resolve_actions(
    index: int,
    statement: Statement,
    single: frozenset[str],
    catalog: Catalog,
    budget: Budget,
    findings: list[Finding],
) -> tuple[ResolvedAction, ...]:
    """Each action entry with the actions it names; findings for those that name none."""
    out: list[ResolvedAction] = []
    for element, values in (("Action", statement.actions), ("NotAction", statement.not_actions)):
        if values is None:
            continue
        for position, text in _positions(values, element in single):
            out.append(_resolve(element, position, text, index, catalog, budget, findings))
    return tuple(out)


def _resolve(
    element: str,
    position: int | None,
    text: str,
    index: int,
    catalog: Catalog,
    budget: Budget,
    findings: list[Finding],
) -> ResolvedAction:
    unresolved = ResolvedAction(element, position, text, None, (), False)
    path = unresolved.path(index)
    if text == "*":
        return ResolvedAction(element, position, text, None, (), True)
    prefix, _, name = text.partition(":")
    if has_wildcard(prefix):
        findings.append(
            Finding(
                "WILDCARD_IN_SERVICE_NAME",
                _S,
                f"`{text}` has a wildcard in its service name: it may grant actions of "
                "services with similar names, also of services AWS adds later",
                path,
            )
        )
        prefixes = catalog.prefixes()
        if not budget.spend(len(prefixes)):
            return ResolvedAction(element, position, text, None, (), True)
        glob = compile_glob(tokenize(fold(prefix), variables=False, wildcards=True))
        if not any(glob.matches(p) for p in prefixes):
            findings.append(
                Finding(
                    "INVALID_SERVICE_IN_ACTION",
                    _E,
                    f"no service prefix matches `{prefix}` in the action `{text}`",
                    path,
                )
            )
            return unresolved
        return ResolvedAction(element, position, text, None, (), True)
    service = catalog.service(prefix.lower())
    if service is None:
        hint = _hint(prefix.lower(), catalog.prefixes(), budget)
        findings.append(
            Finding(
                "INVALID_SERVICE_IN_ACTION",
                _E,
                f"the service `{prefix}` in the action `{text}` does not exist{hint}",
                path,
            )
        )
        return unresolved
    if not has_wildcard(name):
        action = service.actions.get(fold(name))
        if action is None:
            hint = _hint(fold(name), service.actions.keys(), budget, service, prefix)
            findings.append(
                Finding("INVALID_ACTION", _E, f"the action `{text}` does not exist{hint}", path)
            )
            return ResolvedAction(element, position, text, service, (), False)
        return ResolvedAction(element, position, text, service, (action,), False)
    if not budget.spend(len(service.actions)):
        # Not expanded: treated as matching the whole service by the checks that follow.
        return ResolvedAction(
            element, position, text, service, tuple(service.actions.values()), False
        )
    actions = service.expand(name)
    if not actions:
        findings.append(
            Finding(
                "INVALID_ACTION",
                _E,
                f"the wildcard action `{text}` matches no action of the service `{prefix}`",
                path,
            )
        )
    return ResolvedAction(element, position, text, service, actions, False)


def _hint(
    wrong: str,
    names: Iterable[str],
    budget: Budget,
    service: Service | None = None,
    prefix: str = "",
) -> str:
    """`; did you mean `x`?` when a close name exists (a bounded number per document, and
    only for names of a plausible length: no AWS action name is longer)."""
    if len(wrong) > _HINT_MAX_CHARS or not budget.suggest():
        return ""
    close = difflib.get_close_matches(wrong, list(names), n=1, cutoff=0.75)
    if not close:
        return ""
    if service is not None:
        return f"; did you mean `{prefix}:{service.actions[close[0]].name}`?"
    return f"; did you mean `{close[0]}`?"


def check_resources(
    index: int,
    statement: Statement,
    single: frozenset[str],
    resolved: tuple[ResolvedAction, ...],
    budget: Budget,
    findings: list[Finding],
) -> None:
    """ARN syntax of `Resource`/`NotResource` entries, and for `Resource`, whether each ARN
    can name a resource of some type the statement's actions act on."""
    targets = _target_types(resolved)
    for element, values in (
        ("Resource", statement.resources),
        ("NotResource", statement.not_resources),
    ):
        if values is None:
            continue
        for position, text in _positions(values, element in single):
            path: tuple[str | int, ...] = ("Statement", index, element)
            if position is not None:
                path = (*path, position)
            if text == "*":
                continue
            arn = _POLICY_VARIABLE.sub("*", text)
            if not _arn_syntax(text, arn, path, findings):
                continue
            if element == "Resource" and targets:
                parts = arn.split(":", 5)
                candidates = targets.get(parts[2], ()) + targets.get("", ())
                if not candidates or not budget.spend(len(candidates)):
                    # An ARN of no service of the actions is left alone: AWS accepts aliases
                    # (codeconnections for codestar-connections) the data does not link.
                    continue
                resource = parts[5]
                cut = min(
                    (i for i in (resource.find("*"), resource.find("?")) if i >= 0), default=-1
                )
                fitting = tuple(t for t in candidates if _may_name(resource, cut, t))
                if fitting:
                    _check_region_and_account(text, parts, fitting, path, findings)
                    continue
                findings.append(
                    Finding(
                        "INVALID_ARN_RESOURCE",
                        _E,
                        f"the resource `{text}` matches no resource type of the services of "
                        f"the statement's actions (such as {_formats(candidates)})",
                        path,
                    )
                )


def _check_region_and_account(
    text: str,
    parts: list[str],
    candidates: tuple[ResourceType, ...],
    path: tuple[str | int, ...],
    findings: list[Finding],
) -> None:
    """A region or account where no resource type the ARN's resource part fits has one
    (IAM's ARNs have no region, S3 buckets' neither): such an ARN names nothing."""
    service, region, account = parts[2], parts[3], parts[4]
    if region and not has_wildcard(region) and not any(c.has_region for c in candidates):
        findings.append(
            Finding(
                "ARN_REGION_NOT_ALLOWED",
                _E,
                f"`{service}` resource ARNs have no region: `{region}` in `{text}` matches nothing",
                path,
            )
        )
    if account and not has_wildcard(account) and not any(c.has_account for c in candidates):
        findings.append(
            Finding(
                "ARN_ACCOUNT_NOT_ALLOWED",
                _E,
                f"`{service}` resource ARNs have no account: `{account}` in `{text}` matches "
                "nothing",
                path,
            )
        )


def _target_types(resolved: tuple[ResolvedAction, ...]) -> Mapping[str, tuple[ResourceType, ...]]:
    """The resource types of the services of the statement's `Action` entries, by the service
    segment of their ARNs ("" for formats whose service is a variable); empty when it cannot
    be told (`*`, a wildcard or unknown service, or no `Action` element).

    Whole services, not each action's own list: the reference's per-action lists are
    incomplete for some services, and an error must never come from a gap in the data.
    """
    if not resolved or any(r.element != "Action" for r in resolved):
        return {}
    services: dict[str, Service] = {}
    for entry in resolved:
        if entry.everything or entry.service is None:
            return {}
        services[entry.service.prefix] = entry.service
    if len(services) == 1:
        (service,) = services.values()
        return service.types_by_arn_service
    found: dict[str, tuple[ResourceType, ...]] = {}
    for service in services.values():
        for segment, types in service.types_by_arn_service.items():
            found[segment] = found.get(segment, ()) + types
    return found


def _formats(targets: tuple[ResourceType, ...]) -> str:
    shown = ", ".join(f"`{t.arn_format}`" for t in targets[:3])
    return shown + (f" or {len(targets) - 3} more" if len(targets) > 3 else "")


def _arn_syntax(text: str, arn: str, path: tuple[str | int, ...], findings: list[Finding]) -> bool:
    parts = arn.split(":", 5)
    if len(parts) < 6:
        findings.append(
            Finding(
                "MISSING_ARN_FIELD",
                _E,
                f"the resource `{text}` needs six fields: "
                "arn:partition:service:region:account:resource",
                path,
            )
        )
        return False
    _, partition, service, _, account, _ = parts
    if not has_wildcard(partition) and partition not in _PARTITIONS:
        findings.append(
            Finding("INVALID_PARTITION", _E, f"`{partition}` in `{text}` is not a partition", path)
        )
        return False
    if has_wildcard(service):
        findings.append(
            Finding(
                "WILDCARD_IN_SERVICE_NAME",
                _S,
                f"`{text}` has a wildcard in its service name: it may name resources of "
                "services with similar names",
                path,
            )
        )
        return False
    if service != service.lower():
        findings.append(
            Finding(
                "INVALID_ARN_SERVICE_CASE",
                _E,
                f"the service `{service}` in `{text}` must be lower case",
                path,
            )
        )
        return False
    if account and not has_wildcard(account) and account != "aws" and not _ACCOUNT.match(account):
        findings.append(
            Finding(
                "INVALID_ARN_ACCOUNT",
                _E,
                f"the account `{account}` in `{text}` is not a 12-digit account id",
                path,
            )
        )
        return False
    return True


def _may_name(resource: str, cut: int, target: ResourceType) -> bool:
    """Whether some ARN whose resource part the policy gives as `resource` can be of the
    type `target` (of the ARN's service); `cut` is the position of the policy's first
    wildcard in it, or -1.

    Never a false "no": the resource part is compared up to the policy's first wildcard (its
    literal start must fit the type's format), or whole when the policy has none.
    """
    if cut < 0:
        return target.resource_glob.matches(resource)
    start, head = resource[:cut], target.resource_head
    if not target.has_variable:  # the whole format is literal
        return head.startswith(start)
    # The format's first variable may hold any text, so only its literal head must agree.
    return head.startswith(start) or start.startswith(head)
