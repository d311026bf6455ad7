"""AWS's services, actions, resource types and condition keys, as compact lookup tables.

Built from the Service Authorization Reference data of one service at a time (plain JSON data
handed in by a loader; this module does no I/O). Names compare case-insensitively, as AWS
compares actions and condition keys.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from iamstore.node.policy.glob import Glob, compile_glob
from iamstore.node.policy.match import compile_action_patterns, fold
from iamstore.node.policy.operators import ValueType
from iamstore.node.policy.variables import PatternToken, PatternTokenKind

# `${TagKey}` in AWS's key and ARN templates, `<key>` in a few older key names.
_TEMPLATE_VARIABLE = re.compile(r"\$\{[^}]*\}|<[^>]*>")

_KEY_TYPES: dict[str, tuple[ValueType, bool]] = {
    "String": (ValueType.STRING, False),
    "ArrayOfString": (ValueType.STRING, True),
    "ARN": (ValueType.ARN, False),
    "ArrayOfARN": (ValueType.ARN, True),
    "Bool": (ValueType.BOOL, False),
    "ArrayOfBool": (ValueType.BOOL, True),
    "Numeric": (ValueType.NUMERIC, False),
    "ArrayOfNumeric": (ValueType.NUMERIC, True),
    "Date": (ValueType.DATE, False),
    "ArrayOfDate": (ValueType.DATE, True),
    "IPAddress": (ValueType.IP, False),
    "ArrayOfIPAddress": (ValueType.IP, True),
    "Binary": (ValueType.BINARY, False),
}

# Pattern-to-action tests one expansion memo keeps, and the longest pattern it keeps.
_EXPANSION_MEMO = 4096
_EXPANSION_MEMO_CHARS = 128


@dataclass(frozen=True, slots=True)
class ConditionKey:
    name: str  # as AWS spells it
    value_type: ValueType
    multivalued: bool


@dataclass(frozen=True, slots=True)
class KeyTemplate:
    """A key with a variable part, such as `aws:ResourceTag/${TagKey}`, as a wildcard glob."""

    key: ConditionKey
    glob: Glob

    @staticmethod
    def of(key: ConditionKey) -> KeyTemplate:
        return KeyTemplate(key, template_glob(fold(key.name)))


def template_glob(template: str) -> Glob:
    """The glob of an AWS template: each variable stands for any text; the rest is literal."""
    tokens: list[PatternToken] = []
    position = 0
    for found in _TEMPLATE_VARIABLE.finditer(template):
        if found.start() > position:
            tokens.append(
                PatternToken(PatternTokenKind.LITERAL, template[position : found.start()])
            )
        tokens.append(PatternToken(PatternTokenKind.STAR))
        position = found.end()
    if position < len(template):
        tokens.append(PatternToken(PatternTokenKind.LITERAL, template[position:]))
    return compile_glob(tuple(tokens))


@dataclass(frozen=True, slots=True)
class KeyTable:
    """Condition keys by folded name, then the templated ones tried in turn."""

    exact: Mapping[str, ConditionKey]
    templates: tuple[KeyTemplate, ...]

    def find(self, key: str) -> ConditionKey | None:
        folded = fold(key)
        found = self.exact.get(folded)
        if found is not None:
            return found
        for template in self.templates:
            if template.glob.matches(folded):
                return template.key
        return None

    @staticmethod
    def of(keys: list[ConditionKey]) -> KeyTable:
        exact: dict[str, ConditionKey] = {}
        templates: list[KeyTemplate] = []
        for key in keys:
            if _TEMPLATE_VARIABLE.search(key.name):
                templates.append(KeyTemplate.of(key))
            else:
                exact.setdefault(fold(key.name), key)
        return KeyTable(exact, tuple(templates))


@dataclass(frozen=True, slots=True)
class Action:
    name: str  # `GetObject`, as AWS spells it
    resource_types: tuple[str, ...]  # the names of the service's resource types it acts on
    condition_keys: KeyTable  # keys of the action and of its resource types


@dataclass(frozen=True, slots=True)
class ResourceType:
    name: str
    arn_format: str  # `arn:${Partition}:s3:::${BucketName}`
    service: str  # the ARN's service segment (`s3`)
    resource_glob: Glob  # the ARN's resource part (after the fifth colon), variables as `*`
    # The resource part's literal text before its first variable, and whether it has one.
    resource_head: str
    has_variable: bool
    # Whether ARNs of this type have a region, and an account, segment ("" in the format:
    # never; anything else, a variable or `*` included: they may).
    has_region: bool = True
    has_account: bool = True


@dataclass(frozen=True, slots=True)
class Service:
    prefix: str
    actions: Mapping[str, Action]  # by folded name
    resource_types: Mapping[str, ResourceType]
    # The same types by the service segment of their ARNs ("" when it is a variable).
    types_by_arn_service: Mapping[str, tuple[ResourceType, ...]]
    condition_keys: KeyTable
    # Memo of expanded wildcard action names (folded pattern -> matching actions).
    expansions: dict[str, tuple[Action, ...]] = field(default_factory=dict, compare=False)

    def expand(self, name_pattern: str) -> tuple[Action, ...]:
        """The actions whose names match a wildcard name (`Get*`), case-insensitively.

        Costs one linear-time match per action of the service (at most a few hundred).
        """
        folded = fold(name_pattern)
        found = self.expansions.get(folded)
        if found is not None:
            return found
        matches = compile_action_patterns((folded,))
        found = tuple(action for name, action in self.actions.items() if matches(name))
        if len(folded) <= _EXPANSION_MEMO_CHARS:
            if len(self.expansions) >= _EXPANSION_MEMO:
                self.expansions.clear()
            self.expansions[folded] = found
        return found


class Catalog(Protocol):
    """What validation asks of AWS's catalog; implementations may load services lazily."""

    def prefixes(self) -> frozenset[str]:
        """Every service prefix, lower case."""
        ...

    def service(self, prefix: str) -> Service | None:
        """The service of a (lower-case) prefix, or None when AWS has none by that name."""
        ...

    def key_services(self, prefix: str) -> tuple[str, ...]:
        """The services whose condition keys use a (lower-case) prefix that is not a service
        of its own: `accounts.google.com:aud` is STS's, `catalog:ChangeType` AWS
        Marketplace's."""
        ...


def condition_key(raw: Mapping[str, object]) -> ConditionKey:
    name = str(raw["key"])
    value_type, multivalued = _KEY_TYPES.get(str(raw.get("type")), (ValueType.STRING, False))
    return ConditionKey(name, value_type, multivalued)


def _arn_parts(arn_format: str) -> tuple[str, Glob]:
    parts = arn_format.split(":", 5)
    if len(parts) < 6:
        return "", template_glob(arn_format)
    return parts[2], template_glob(parts[5])


def service_from_json(
    prefix: str,
    actions: Mapping[str, Mapping[str, object]],
    resource_types: Mapping[str, Mapping[str, object]],
    condition_keys: Mapping[str, Mapping[str, object]],
    global_keys: KeyTable,
) -> Service:
    """One service from the reference's three files of it (the data's own field names)."""
    keys = [condition_key(raw) for raw in condition_keys.values()]
    key_by_name = {fold(key.name): key for key in keys}

    def key_of(name: str) -> ConditionKey:
        folded = fold(name)
        found = key_by_name.get(folded) or global_keys.find(name)
        return found if found is not None else ConditionKey(name, ValueType.STRING, False)

    types: dict[str, ResourceType] = {}
    type_keys: dict[str, list[str]] = {}
    for raw in resource_types.values():
        name = str(raw["key"])
        arn_format = str(raw.get("arn", ""))
        service, glob = _arn_parts(arn_format)
        head = _TEMPLATE_VARIABLE.split(arn_format.split(":", 5)[-1], maxsplit=1)
        segments = arn_format.split(":", 5)
        whole = len(segments) == 6
        types[name] = ResourceType(
            name,
            arn_format,
            service,
            glob,
            head[0] if whole else "",
            glob.tail is not None,
            has_region=not whole or segments[3] != "",
            has_account=not whole or segments[4] != "",
        )
        type_keys[name] = [str(k) for k in _strings(raw.get("conditionKeys"))]

    table: dict[str, Action] = {}
    for raw in actions.values():
        name = str(raw["name"])
        names: list[str] = [str(k) for k in _strings(raw.get("conditionKeys"))]
        targets: list[str] = []
        for resource in _objects(raw.get("resourceTypes")):
            type_name = str(resource.get("name", ""))
            if type_name in types:
                targets.append(type_name)
                names.extend(type_keys[type_name])
            names.extend(str(k) for k in _strings(resource.get("conditionKeys")))
        action_keys = KeyTable.of([key_of(n) for n in dict.fromkeys(names)])
        table[fold(name)] = Action(name, tuple(targets), action_keys)
    by_arn_service: dict[str, list[ResourceType]] = {}
    for resource_type in types.values():
        segment = resource_type.service
        open_segment = not segment or "${" in segment or "*" in segment or "?" in segment
        by_arn_service.setdefault("" if open_segment else segment, []).append(resource_type)
    grouped = {segment: tuple(found) for segment, found in by_arn_service.items()}
    return Service(prefix, table, types, grouped, KeyTable.of(keys))


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _objects(value: object) -> list[Mapping[str, object]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
