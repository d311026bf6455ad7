"""Checks request fields against AWS's own IAM and STS service models: required, lengths,
patterns, enums.

The models ship with botocore, so lengths and patterns are AWS's to the character, and so is
the message: "1 validation error detected: Value 'x' at 'userName' failed to satisfy
constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+". The patterns are
Java's, compiled with Java's meaning (node.api.model_patterns: `\\w` is ASCII, as AWS means).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from botocore import xform_name
from google.protobuf.descriptor import Descriptor
from google.protobuf.message import Message

from iamstore.node.api import aws_models
from iamstore.node.api.model_patterns import compile_model_pattern
from iamstore.node.domain.errors import ValidationError

Check = Callable[[Any, str, list[tuple[str, str]]], None]


@dataclass(frozen=True, slots=True)
class _Field:
    name: str  # proto field name, snake_case
    member: str  # AWS member name, PascalCase
    required: bool
    check: Check
    repeated: bool


# The models whose operations the node serves; no operation name is in both.
_SERVICES = ("iam", "sts")


@cache
def _service_model(service: str) -> Any:
    return aws_models.service_model(service)


@cache
def _model_of(operation: str) -> Any | None:
    for service in _SERVICES:
        model = _service_model(service)
        if operation in model.operation_names:
            return model
    return None


def _camel(member: str) -> str:
    return member[:1].lower() + member[1:]


def _string_check(shape: Any) -> Check:
    meta = shape.metadata
    lo, hi = meta.get("min"), meta.get("max")
    pattern = compile_model_pattern(meta["pattern"]) if "pattern" in meta else None
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


def _check_for(shape: Any, descriptor: Descriptor | None) -> Check:
    kind = shape.type_name
    if kind == "string":
        return _string_check(shape)
    if kind in ("integer", "long"):
        return _number_check(shape)
    if kind == "structure" and descriptor is not None:
        fields = _fields(shape, descriptor)

        def check_struct(value: Any, where: str, errors: list[tuple[str, str]]) -> None:
            _check_message(value, fields, where + ".", errors)

        return check_struct
    if kind == "list":
        member_check = _check_for(shape.member, descriptor)
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


def _fields(shape: Any, descriptor: Descriptor) -> tuple[_Field, ...]:
    """The model's members that the message has (a member this API leaves out, such as STS's
    ProvidedContexts, cannot be sent, so there is nothing to check)."""
    required = set(shape.required_members)
    fields: list[_Field] = []
    for member, member_shape in shape.members.items():
        field = descriptor.fields_by_name.get(xform_name(member))
        if field is None:
            continue
        fields.append(
            _Field(
                name=field.name,
                member=member,
                required=member in required,
                check=_check_for(member_shape, field.message_type),
                repeated=member_shape.type_name == "list",
            )
        )
    return tuple(fields)


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
def _operation_fields(operation: str, descriptor: Descriptor) -> tuple[_Field, ...]:
    model = _model_of(operation)
    shape = None if model is None else model.operation_model(operation).input_shape
    return () if shape is None else _fields(shape, descriptor)


def validate(operation: str, request: Message) -> None:
    """Raises ValidationError listing every constraint of AWS's model the request breaks."""
    errors: list[tuple[str, str]] = []
    _check_message(request, _operation_fields(operation, request.DESCRIPTOR), "", errors)
    if errors:
        count = len(errors)
        noun = "error" if count == 1 else "errors"
        detail = "; ".join(message for _, message in errors)
        first_field = errors[0][0].split(".")[0]
        raise ValidationError(
            f"{count} validation {noun} detected: {detail}",
            first_field[:1].upper() + first_field[1:],
        )


@cache
def is_modelled(operation: str) -> bool:
    return _model_of(operation) is not None


@cache
def _shape_check(service: str, shape: str) -> Check:
    return _check_for(_service_model(service).shape_for(shape), None)


def check_shape(service: str, shape: str, value: object, where: str) -> None:
    """Raises ValidationError when `value` breaks the constraints of a named shape of AWS's
    model (`idType`, `arnType`): for values no operation's input carries, such as the unique
    ids an account import keeps."""
    errors: list[tuple[str, str]] = []
    _shape_check(service, shape)(value, where, errors)
    if errors:
        raise ValidationError(f"1 validation error detected: {errors[0][1]}", where)
