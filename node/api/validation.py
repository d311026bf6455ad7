"""Checks request fields against AWS's own IAM service model: required, lengths, patterns, enums.

The model ships with botocore, so lengths and patterns are AWS's to the character, and so is
the message: "1 validation error detected: Value 'x' at 'userName' failed to satisfy
constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import botocore.session
import regex
from botocore import xform_name
from google.protobuf.message import Message

from iamstore.node.domain.errors import ValidationError

Check = Callable[[Any, str, list[tuple[str, str]]], None]


@dataclass(frozen=True, slots=True)
class _Field:
    name: str  # proto field name, snake_case
    member: str  # AWS member name, PascalCase
    required: bool
    check: Check
    repeated: bool


@cache
def _service_model() -> Any:
    return botocore.session.get_session().get_service_model("iam")


def _camel(member: str) -> str:
    return member[:1].lower() + member[1:]


def _string_check(shape: Any) -> Check:
    meta = shape.metadata
    lo, hi = meta.get("min"), meta.get("max")
    pattern = regex.compile(meta["pattern"]) if "pattern" in meta else None
    enum = list(shape.enum) if getattr(shape, "enum", None) else None

    def check(value: Any, where: str, errors: list[tuple[str, str]]) -> None:
        text = str(value)
        shown = f"Value '{text}' at '{where}' failed to satisfy constraint: Member must"
        if lo is not None and len(text) < lo:
            errors.append((where, f"{shown} have length greater than or equal to {lo}"))
        elif hi is not None and len(text) > hi:
            errors.append((where, f"{shown} have length less than or equal to {hi}"))
        elif pattern is not None and pattern.fullmatch(text) is None:
            errors.append((where, f"{shown} satisfy regular expression pattern: {meta['pattern']}"))
        elif enum is not None and text not in enum:
            errors.append((where, f"{shown} satisfy enum value set: [{', '.join(enum)}]"))

    return check


def _number_check(shape: Any) -> Check:
    lo, hi = shape.metadata.get("min"), shape.metadata.get("max")

    def check(value: Any, where: str, errors: list[tuple[str, str]]) -> None:
        shown = f"Value '{value}' at '{where}' failed to satisfy constraint: Member must"
        if lo is not None and value < lo:
            errors.append((where, f"{shown} have value greater than or equal to {lo}"))
        elif hi is not None and value > hi:
            errors.append((where, f"{shown} have value less than or equal to {hi}"))

    return check


def _no_check(value: Any, where: str, errors: list[tuple[str, str]]) -> None:
    return None


def _check_for(shape: Any) -> Check:
    kind = shape.type_name
    if kind == "string":
        return _string_check(shape)
    if kind in ("integer", "long"):
        return _number_check(shape)
    if kind == "structure":
        fields = _fields(shape)

        def check_struct(value: Any, where: str, errors: list[tuple[str, str]]) -> None:
            _check_message(value, fields, where + ".", errors)

        return check_struct
    if kind == "list":
        member_check = _check_for(shape.member)
        lo, hi = shape.metadata.get("min"), shape.metadata.get("max")

        def check_list(value: Any, where: str, errors: list[tuple[str, str]]) -> None:
            shown = f"Value '{list(value)}' at '{where}' failed to satisfy constraint: Member must"
            if lo is not None and len(value) < lo:
                errors.append((where, f"{shown} have length greater than or equal to {lo}"))
            if hi is not None and len(value) > hi:
                errors.append((where, f"{shown} have length less than or equal to {hi}"))
            for index, item in enumerate(value, 1):
                member_check(item, f"{where}.{index}.member", errors)

        return check_list
    return _no_check


def _fields(shape: Any) -> tuple[_Field, ...]:
    required = set(shape.required_members)
    return tuple(
        _Field(
            name=xform_name(member),
            member=member,
            required=member in required,
            check=_check_for(member_shape),
            repeated=member_shape.type_name == "list",
        )
        for member, member_shape in shape.members.items()
    )


def _check_message(
    message: Message, fields: tuple[_Field, ...], prefix: str, errors: list[tuple[str, str]]
) -> None:
    known = message.DESCRIPTOR.fields_by_name
    for field in fields:
        if field.name not in known:
            # A member of a newer AWS model than the .proto: no request can carry it, so
            # there is nothing to check (a KeyError here once failed every such call).
            continue
        where = prefix + _camel(field.member)
        if field.repeated:
            value = getattr(message, field.name)
            if field.required and not value:
                errors.append(
                    (
                        where,
                        f"Value null at '{where}' failed to satisfy constraint: "
                        "Member must not be null",
                    )
                )
                continue
            field.check(value, where, errors)
        elif not known[field.name].has_presence or message.HasField(field.name):
            field.check(getattr(message, field.name), where, errors)
        elif field.required:
            errors.append(
                (
                    where,
                    f"Value null at '{where}' failed to satisfy constraint: "
                    "Member must not be null",
                )
            )


@cache
def _operation_fields(operation: str) -> tuple[_Field, ...]:
    shape = _service_model().operation_model(operation).input_shape
    return () if shape is None else _fields(shape)


def validate(operation: str, request: Message) -> None:
    """Raises ValidationError listing every constraint of AWS's model the request breaks."""
    errors: list[tuple[str, str]] = []
    _check_message(request, _operation_fields(operation), "", errors)
    if errors:
        count = len(errors)
        noun = "error" if count == 1 else "errors"
        detail = "; ".join(message for _, message in errors)
        first_field = errors[0][0].split(".")[0]
        raise ValidationError(
            f"{count} validation {noun} detected: {detail}",
            first_field[:1].upper() + first_field[1:],
        )


def is_modelled(operation: str) -> bool:
    return operation in _service_model().operation_names
