"""Fills a gRPC request message from a parsed Query input: botocore member names map to the
message's snake_case fields by botocore's own `xform_name`, as the .proto files are written."""

from __future__ import annotations

import datetime
from typing import Any, cast

from botocore import xform_name
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from iamstore.node.domain.errors import ValidationError

_TIMESTAMP = "google.protobuf.Timestamp"


def _unsupported(member: str) -> ValidationError:
    # Fail closed: a member AWS defines but this node does not implement (e.g. STS
    # ProvidedContexts) is refused rather than silently ignored.
    return ValidationError(f"parameter `{member}` is not supported by this node", member)


def fill(message: Message, values: dict[str, Any]) -> None:
    """Sets `message`'s fields from botocore-named `values`; raises ValidationError."""
    fields = message.DESCRIPTOR.fields_by_name
    for member, value in values.items():
        field = cast(FieldDescriptor | None, fields.get(xform_name(member)))
        if field is None:
            raise _unsupported(member)
        try:
            _set(message, field, value)
        except (TypeError, ValueError):
            raise ValidationError(f"`{member}` has a value of the wrong type", member) from None


def _set(message: Message, field: FieldDescriptor, value: Any) -> None:
    target = getattr(message, field.name)
    if field.message_type is not None and field.message_type.GetOptions().map_entry:
        target.update(value)
    elif field.is_repeated:
        if field.message_type is None:
            target.extend(value)
        else:
            for item in value:
                _fill_message(target.add(), item)
    elif field.message_type is not None:
        _fill_message(target, value)
        target.SetInParent()  # an empty structure still counts as given
    else:
        setattr(message, field.name, value)


def _fill_message(target: Message, value: Any) -> None:
    if target.DESCRIPTOR.full_name == _TIMESTAMP:
        if not isinstance(value, datetime.datetime):
            raise TypeError("not a timestamp")
        target.FromDatetime(value)  # type: ignore[attr-defined]
        return
    if not isinstance(value, dict):
        raise TypeError("not a structure")
    fill(target, value)
