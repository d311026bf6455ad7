"""Reads an AWS Query request (form or query-string pairs) into its operation's input shape.

The inverse of botocore's QuerySerializer: members by name (or `locationName`), lists as
`Name.member.N`, maps as `Name.entry.N.key` / `.value`, nested structures dotted, booleans
`true`/`false`, timestamps ISO 8601, blobs base64, and an empty list as `Name=`. Pure: no I/O.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import re
from collections.abc import Mapping
from typing import Any

from iamstore.node.domain.errors import ValidationError

# Parameters of the protocol itself rather than of the operation.
PROTOCOL_PARAMETERS = frozenset({"Action", "Version"})
_INTEGER = re.compile(r"-?[0-9]{1,19}")
_POSITION = re.compile(r"[1-9][0-9]{0,5}")
# Deeper than any IAM or STS input shape nests; bounds the work of a hostile request.
_MAX_DEPTH = 8


def _children(params: Mapping[str, str]) -> dict[str, set[str]]:
    """For each dotted prefix ("" for the top), the names that follow it in some key."""
    children: dict[str, set[str]] = {}
    for key in params:
        prefix = ""
        for part in key.split(".")[: _MAX_DEPTH * 3]:
            children.setdefault(prefix, set()).add(part)
            prefix = f"{prefix}.{part}" if prefix else part
    return children


def _invalid(where: str, value: str, expected: str) -> ValidationError:
    shown = value if len(value) <= 64 else value[:64] + "..."
    return ValidationError(
        f"1 validation error detected: Value '{shown}' at '{where}' failed to satisfy "
        f"constraint: Member must be {expected}",
        where.split(".")[0],
    )


class _Reader:
    def __init__(self, params: Mapping[str, str]) -> None:
        self._params = params
        self._children = _children(params)

    def present(self, key: str) -> bool:
        return key in self._params or key in self._children

    def structure(self, shape: Any, prefix: str, depth: int) -> dict[str, Any]:
        if depth > _MAX_DEPTH:
            raise ValidationError(f"`{prefix}` nests too deeply", prefix.split(".")[0])
        values: dict[str, Any] = {}
        for member, member_shape in shape.members.items():
            name = member_shape.serialization.get("name", member)
            key = f"{prefix}.{name}" if prefix else name
            if self.present(key):
                values[member] = self.value(member_shape, key, depth + 1)
        return values

    def value(self, shape: Any, key: str, depth: int) -> Any:
        kind = shape.type_name
        if kind == "structure":
            return self.structure(shape, key, depth)
        if kind == "list":
            return self._list(shape, key, depth)
        if kind == "map":
            return self._map(shape, key, depth)
        text = self._params.get(key)
        if text is None:  # `Name.x` was sent for a scalar `Name`
            raise ValidationError(f"`{key}` is a single value, not a structure", key)
        return _scalar(kind, text, key)

    def _indexed(self, prefix: str) -> list[str]:
        """`prefix.1`, `prefix.2`, ... in numeric order (positive decimal indexes only)."""
        indexes = self._children.get(prefix, set())
        numbers: list[int] = []
        for index in indexes:
            if _POSITION.fullmatch(index) is None:
                raise ValidationError(f"`{prefix}.{index}` is not a list position", prefix)
            numbers.append(int(index))
        return [f"{prefix}.{n}" for n in sorted(numbers)]

    def _list(self, shape: Any, key: str, depth: int) -> list[Any]:
        if key in self._params:  # botocore sends an empty list as `Name=`, and only so
            if self._params[key] != "" or key in self._children:
                raise ValidationError(f"`{key}` is a list: give `{key}.member.N` or `{key}=`", key)
            return []
        if shape.serialization.get("flattened"):
            item_prefix = key
        else:
            item_prefix = f"{key}.{shape.member.serialization.get('name', 'member')}"
        return [self.value(shape.member, item, depth + 1) for item in self._indexed(item_prefix)]

    def _map(self, shape: Any, key: str, depth: int) -> dict[str, Any]:
        entries = key if shape.serialization.get("flattened") else f"{key}.entry"
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        result: dict[str, Any] = {}
        for entry in self._indexed(entries):
            entry_key = self._params.get(f"{entry}.{key_name}")
            if entry_key is None:
                raise ValidationError(f"`{entry}` has no `{key_name}`", key)
            result[entry_key] = self.value(shape.value, f"{entry}.{value_name}", depth + 1)
        return result


def _scalar(kind: str, text: str, where: str) -> Any:
    if kind == "string":
        return text
    if kind in ("integer", "long"):
        if _INTEGER.fullmatch(text) is None:
            raise _invalid(where, text, "an integer")
        number = int(text)
        bits = 31 if kind == "integer" else 63
        if not -(2**bits) <= number < 2**bits:
            raise _invalid(where, text, f"a {bits + 1}-bit integer")
        return number
    if kind == "boolean":
        if text not in ("true", "false"):
            raise _invalid(where, text, "`true` or `false`")
        return text == "true"
    if kind == "timestamp":
        try:
            moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise _invalid(where, text, "an ISO 8601 timestamp") from None
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=datetime.UTC)
    if kind == "blob":
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise _invalid(where, text, "base64") from None
    if kind in ("float", "double"):
        try:
            return float(text)
        except ValueError:
            raise _invalid(where, text, "a number") from None
    raise _invalid(where, text, f"a {kind}")


def parse_input(shape: Any | None, params: Mapping[str, str]) -> dict[str, Any]:
    """The input members of an operation (botocore's names and types) from its parameters."""
    if shape is None:
        return {}
    return _Reader(params).structure(shape, "", 0)
