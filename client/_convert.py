"""Conversion between protobuf messages and the client's dataclasses, driven by their fields.

Requests: keyword arguments (snake_case, like boto3) fill the request message field by field;
nested messages may be given as a dataclass (`Tag(key=..., value=...)`) or a mapping with
boto3's PascalCase keys (`{"Key": ..., "Value": ...}`).
Responses: each dataclass field is read from the protobuf field of the same name; an unset
field becomes the dataclass default (None or an empty tuple), timestamps become aware UTC
datetimes.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC
from typing import TypeVar, cast

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from client import models, results
from client._operations import Operation, snake_case

T = TypeVar("T")
R = TypeVar("R")

_TIMESTAMP = Timestamp.DESCRIPTOR.full_name

# Dataclass for each protobuf message name (models and results share the proto's names).
_DATACLASSES: dict[str, type[object]] = {
    name: value
    for module in (models, results)
    for name, value in vars(module).items()
    if isinstance(value, type) and dataclasses.is_dataclass(value)
}


class MalformedResponse(Exception):
    """The node's response lacks a field every response of that kind carries."""


def build_request(operation: Operation[object], params: Mapping[str, object]) -> Message:
    """The request message for keyword arguments; None means `not given`."""
    request = operation.request_type()
    _fill(request, params, operation.python_name)
    return request


def to_result(operation: Operation[R], response: Message) -> R:
    """The typed result of a response message (None for operations with empty responses)."""
    if operation.result_type is None:
        return cast(R, None)
    return from_message(operation.result_type, response)


def from_message(cls: type[T], message: Message) -> T:
    """The dataclass `cls` filled from the message field of the same name."""
    values: dict[str, object] = {}
    for name, read, required in _plan(cls, cast(Descriptor, message.DESCRIPTOR)):
        value = read(message)
        if value is None:
            if required:
                raise MalformedResponse(
                    f"`{message.DESCRIPTOR.name}` response lacks required field `{name}`"
                )
            continue
        values[name] = value
    return cls(**values)


# (dataclass field, how to read it from the message or None when unset, required?)
_Step = tuple[str, Callable[[Message], object], bool]


_PLANS: dict[tuple[type[object], Descriptor], tuple[_Step, ...]] = {}


def _plan(cls: type[T], descriptor: Descriptor) -> tuple[_Step, ...]:
    """How to read each field of `cls` from messages of `descriptor`: worked out once per
    pair (a finite set), since a batch response converts one message type hundreds of times."""
    key = (cast(type[object], cls), descriptor)
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = tuple(
            (
                spec.name,
                _reader(descriptor.fields_by_name[spec.name]),
                spec.default is dataclasses.MISSING,
            )
            for spec in dataclasses.fields(key[0])  # type: ignore[arg-type]
        )
    return plan


def _reader(descriptor: FieldDescriptor) -> Callable[[Message], object]:
    name = descriptor.name
    get = operator.attrgetter(name)
    if _is_map(descriptor):
        return lambda message: dict(get(message))
    nested = descriptor.message_type
    if descriptor.is_repeated:
        if nested is None:
            return lambda message: tuple(get(message))
        convert = _nested(nested)
        return lambda message: tuple(map(convert, get(message)))
    if nested is not None:
        convert = _nested(nested)
        if descriptor.has_presence:
            return lambda message: convert(get(message)) if message.HasField(name) else None
        return lambda message: convert(get(message))
    if descriptor.has_presence:
        return lambda message: get(message) if message.HasField(name) else None
    return get


def _nested(descriptor: Descriptor) -> Callable[[Message], object]:
    if descriptor.full_name == _TIMESTAMP:
        return _timestamp
    cls = _DATACLASSES[descriptor.name]
    return lambda message: from_message(cls, message)


def _timestamp(message: Message) -> object:
    assert isinstance(message, Timestamp)
    return message.ToDatetime(tzinfo=UTC)


def _is_map(descriptor: FieldDescriptor) -> bool:
    message_type = descriptor.message_type
    return message_type is not None and message_type.GetOptions().map_entry


def _fill(message: Message, params: Mapping[str, object], context: str) -> None:
    fields = message.DESCRIPTOR.fields_by_name
    for name, value in params.items():
        if value is None:
            continue
        descriptor = fields.get(name)
        if descriptor is None:
            raise TypeError(f"{context}() got an unexpected argument `{name}`")
        target = getattr(message, name)
        if descriptor.is_repeated:
            if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
                raise TypeError(f"`{name}` must be a list, got {type(value).__name__}")
            for item in value:
                if descriptor.message_type is None:
                    target.append(item)
                else:
                    _fill(target.add(), _as_params(item, name), name)
        elif descriptor.message_type is not None:
            _fill(target, _as_params(value, name), name)
            target.SetInParent()
        else:
            setattr(message, name, value)


def _as_params(value: object, context: str) -> Mapping[str, object]:
    """Keyword arguments for a nested message from a dataclass or a (PascalCase) mapping."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {spec.name: getattr(value, spec.name) for spec in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {snake_case(str(key)): item for key, item in value.items()}
    raise TypeError(f"`{context}` items must be dataclasses or mappings, got {value!r}")
