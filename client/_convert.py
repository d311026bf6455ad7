"""Conversion between protobuf messages and the client's dataclasses, driven by their fields.

Requests: keyword arguments (snake_case, like boto3) fill the request message field by field;
nested messages may be given as a dataclass (`Tag(key=..., value=...)`) or a mapping with
boto3's PascalCase keys (`{"Key": ..., "Value": ...}`), timestamps as datetimes.
Responses: each dataclass field is read from the protobuf field of the same name; an unset
field becomes the dataclass default (None or an empty tuple), timestamps become aware UTC
datetimes.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TypeVar, cast

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from iamstore.client import models, results
from iamstore.client._operation import Operation, snake_case

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
    descriptor = cast(Descriptor, operation.request_type.DESCRIPTOR)
    scalars, rest = _split(descriptor, params, operation.python_name)
    request = operation.request_type(**scalars)
    _fill_rest(request, rest)
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
    entry = descriptor.message_type
    if entry is not None and entry.GetOptions().map_entry:
        values = entry.fields_by_name["value"].message_type
        if values is None:
            return lambda message: dict(get(message))
        convert_value = _nested(values)
        return lambda message: {key: convert_value(v) for key, v in get(message).items()}
    nested = descriptor.message_type
    if descriptor.is_repeated:
        if nested is None:
            return lambda message: tuple(get(message))
        convert = _nested(nested)
        if not _shareable(nested):
            return lambda message: tuple(map(convert, get(message)))
        return lambda message: _converted_once(convert, get(message))
    if nested is not None:
        convert = _nested(nested)
        if descriptor.has_presence:
            return lambda message: convert(get(message)) if message.HasField(name) else None
        return lambda message: convert(get(message))
    if descriptor.has_presence:
        return lambda message: get(message) if message.HasField(name) else None
    return get


def _converted_once(
    convert: Callable[[Message], object], items: Sequence[Message]
) -> tuple[object, ...]:
    """Items converted, those equal byte for byte only once: the results are frozen, so they
    can share one object, and a batch's answers repeat a few distinct results many times."""
    if len(items) < 2:
        return tuple(map(convert, items))
    seen: dict[bytes, object] = {}
    out: list[object] = []
    for item in items:
        key = item.SerializeToString()
        value = seen.get(key)
        if value is None:
            value = seen[key] = convert(item)
        out.append(value)
    return tuple(out)


def _shareable(descriptor: Descriptor, seen: frozenset[str] = frozenset()) -> bool:
    """Whether converted messages of this type hold nothing mutable (maps become dicts)."""
    if descriptor.full_name in seen:
        return True
    seen = seen | {descriptor.full_name}
    for field in descriptor.fields:
        nested = field.message_type
        if nested is not None and (nested.GetOptions().map_entry or not _shareable(nested, seen)):
            return False
    return True


def _nested(descriptor: Descriptor) -> Callable[[Message], object]:
    if descriptor.full_name == _TIMESTAMP:
        return _timestamp
    cls = _DATACLASSES[descriptor.name]
    return lambda message: from_message(cls, message)


def _timestamp(message: Message) -> object:
    assert isinstance(message, Timestamp)
    return message.ToDatetime(tzinfo=UTC)


# Per message type: field name -> (repeated?, the nested message's descriptor or None).
_FIELD_KINDS: dict[Descriptor, dict[str, tuple[bool, Descriptor | None]]] = {}
# Fields needing more than a constructor argument: (name, value, repeated?, nested type).
_Rest = list[tuple[str, object, bool, Descriptor | None]]


def _field_kinds(descriptor: Descriptor) -> dict[str, tuple[bool, Descriptor | None]]:
    kinds = _FIELD_KINDS.get(descriptor)
    if kinds is None:
        kinds = _FIELD_KINDS[descriptor] = {
            f.name: (f.is_repeated, f.message_type) for f in descriptor.fields
        }
    return kinds


def _split(
    descriptor: Descriptor, params: Mapping[str, object], context: str
) -> tuple[dict[str, object], _Rest]:
    """Scalar fields (set in one constructor call) apart from repeated and nested ones."""
    kinds = _field_kinds(descriptor)
    scalars: dict[str, object] = {}
    rest: _Rest = []
    for name, value in params.items():
        if value is None:
            continue
        kind = kinds.get(name)
        if kind is None:
            raise TypeError(f"{context}() got an unexpected argument `{name}`")
        repeated, nested = kind
        if repeated or nested is not None:
            rest.append((name, value, repeated, nested))
        else:
            scalars[name] = value
    return scalars, rest


def _fill_rest(message: Message, rest: _Rest) -> None:
    for name, value, repeated, nested in rest:
        target = getattr(message, name)
        if repeated:
            if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
                raise TypeError(f"`{name}` must be a list, got {type(value).__name__}")
            if nested is None:
                target.extend(value)
                continue
            for item in value:
                scalars, more = _split(nested, _as_params(item, name), name)
                added = target.add(**scalars)
                if more:
                    _fill_rest(added, more)
        else:
            assert nested is not None
            if isinstance(value, datetime) and nested.full_name == _TIMESTAMP:
                # A naive datetime is local time, as datetime.timestamp() reads it.
                target.FromDatetime(value if value.tzinfo else value.astimezone())
                continue
            scalars, more = _split(nested, _as_params(value, name), name)
            for key, item in scalars.items():
                setattr(target, key, item)
            _fill_rest(target, more)
            target.SetInParent()


def _as_params(value: object, context: str) -> Mapping[str, object]:
    """Keyword arguments for a nested message from a dataclass or a (PascalCase) mapping."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {spec.name: getattr(value, spec.name) for spec in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {snake_case(str(key)): item for key, item in value.items()}
    raise TypeError(f"`{context}` items must be dataclasses or mappings, got {value!r}")
