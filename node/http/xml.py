"""Writes Query protocol responses and errors as AWS does: XML in the service's namespace.

Members come from the operation's output shape, in the model's order, read from the gRPC
response's snake_case fields. Lists are `<Name><member>...</member></Name>`, maps
`<entry><key/><value/></entry>`, timestamps ISO 8601 in UTC, booleans `true`/`false`, blobs
base64, and policy documents URL-encoded (RFC 3986) as IAM returns them. Pure: no I/O.
"""

from __future__ import annotations

import base64
import datetime
import enum
import re
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import quote
from xml.sax.saxutils import escape

from botocore import xform_name
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

# IAM returns these URL-encoded ("The policy document returned in this structure is URL-encoded
# compliant with RFC 3986", e.g. GetRolePolicy's API reference); botocore decodes them.
_URL_ENCODED_SHAPES = frozenset({"policyDocumentType"})
# Characters XML 1.0 cannot carry at all, not even as references (XML 1.0, 2.2 "Char"):
# written as U+FFFD.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# What `_text` writes unchanged: XML's characters but `&`, `<`, `>` and U+000D. A value made
# only of these (most are) is written as it is; one character class is the cheapest scan.
# U+0009 and U+000A survive in element content as they are (only attribute values normalize
# them, XML 1.0, 3.3.3); U+000D does not: every parser turns a lone CR, and CR LF, into LF
# (XML 1.0, 2.11 "End-of-Line Handling"), so it is written as the reference `&#13;`.
_NEEDS_ESCAPING = re.compile(
    "[^\u0009\u000a\u0020-\u0025\u0027-\u003b\u003d\u003f-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_REFERENCES = {"\r": "&#13;"}  # besides `escape`'s own `&amp;`, `&lt;`, `&gt;`


def _text(value: str) -> str:
    if _NEEDS_ESCAPING.search(value) is None:
        return value
    return escape(_NOT_XML.sub("\ufffd", value), _REFERENCES)


@dataclass(slots=True)
class _Out:
    parts: list[str]
    # STS writes milliseconds (`2011-07-15T23:28:33.359Z`), IAM whole seconds, as AWS does.
    fractional_seconds: bool


# Formatted timestamps by (seconds, nanos, fractional): the same few (creation dates) are
# written again and again. Bounded: cleared when full.
_TIMESTAMPS: dict[tuple[int, int, bool], str] = {}
_MAX_TIMESTAMPS = 4096


def _timestamp(message: Message, fractional: bool) -> str:
    key = (message.seconds, message.nanos, fractional)  # type: ignore[attr-defined]
    text = _TIMESTAMPS.get(key)
    if text is None:
        moment: datetime.datetime = message.ToDatetime(tzinfo=datetime.UTC)  # type: ignore[attr-defined]
        # ISO 8601 years have four digits: strftime's `%Y` writes year 999 as `999` (and year
        # 1 as `1`, which botocore reads as 2001), so the year is padded here.
        text = f"{moment.year:04d}-" + moment.strftime("%m-%dT%H:%M:%S")
        text += f".{moment.microsecond // 1000:03d}Z" if fractional else "Z"
        if len(_TIMESTAMPS) >= _MAX_TIMESTAMPS:
            _TIMESTAMPS.clear()
        _TIMESTAMPS[key] = text
    return text


def _scalar(shape: Any, value: Any) -> str:
    kind = shape.type_name
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "blob":
        return base64.b64encode(value).decode("ascii")
    if kind == "string" and shape.name in _URL_ENCODED_SHAPES:
        return quote(str(value), safe="-_.~")
    return _text(str(value))


def _value(shape: Any, value: Any, out: _Out) -> None:
    kind = shape.type_name
    if kind == "structure":
        _members(shape, value, out)
    elif kind == "timestamp":
        out.parts.append(_timestamp(value, out.fractional_seconds))
    elif kind == "list":
        name = shape.member.serialization.get("name", "member")
        for item in value:
            out.parts.append(f"<{name}>")
            _value(shape.member, item, out)
            out.parts.append(f"</{name}>")
    elif kind == "map":
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        for key in sorted(value):
            out.parts.append(f"<entry><{key_name}>{_text(str(key))}</{key_name}><{value_name}>")
            _value(shape.value, value[key], out)
            out.parts.append(f"</{value_name}></entry>")
    else:
        out.parts.append(_scalar(shape, value))


class _Presence(enum.Enum):
    """When a member is written, decided once per plan from its field and shape."""

    ALWAYS = "always"  # required, a list of the result, or a number/boolean without presence
    IF_SET = "if set"  # a field with presence (optional scalars, messages): when set
    IF_NOT_EMPTY = "if not empty"  # other strings and lists: when not empty


def _presence(field: FieldDescriptor, always: bool) -> _Presence:
    if field.is_repeated:
        return _Presence.ALWAYS if always else _Presence.IF_NOT_EMPTY
    if field.has_presence:  # even when required: an unset field has nothing to write
        return _Presence.IF_SET
    if field.type == FieldDescriptor.TYPE_STRING:
        return _Presence.ALWAYS if always else _Presence.IF_NOT_EMPTY
    return _Presence.ALWAYS  # numbers and booleans without presence: AWS always sends them


@dataclass(frozen=True, slots=True)
class _Member:
    name: str  # the message field's
    shape: Any
    presence: _Presence
    open_tag: str  # `<Element>`: the member's name, or its `locationName`
    close_tag: str


# Nested lists AWS writes even when empty (`<UserPolicyList/>`), by structure:
# - the entity details of GetAccountAuthorizationDetails, whose example output (AWS CLI Command
#   Reference, `aws iam get-account-authorization-details`,
#   https://docs.aws.amazon.com/cli/latest/reference/iam/get-account-authorization-details.html)
#   shows `"UserPolicyList": []`, `"AttachedManagedPolicies": []`, `"GroupPolicyList": []` and
#   `"RolePolicyList": []`: tools that read one account snapshot index them without a default;
# - the policy simulators' EvaluationResult, whose examples (`aws iam simulate-custom-policy`,
#   `simulate-principal-policy`) show `"MatchedStatements": []` and `"MissingContextValues": []`.
# Other nested lists that are not required (Tags above all) are left out when empty, as AWS
# leaves them out; required lists are always written (`_plan`).
_LISTED_WHEN_EMPTY: dict[str, frozenset[str]] = {
    "UserDetail": frozenset({"UserPolicyList", "GroupList", "AttachedManagedPolicies"}),
    "GroupDetail": frozenset({"GroupPolicyList", "AttachedManagedPolicies"}),
    "RoleDetail": frozenset({"InstanceProfileList", "RolePolicyList", "AttachedManagedPolicies"}),
    "ManagedPolicyDetail": frozenset({"PolicyVersionList"}),
    "EvaluationResult": frozenset({"MatchedStatements", "MissingContextValues"}),
}

# INVARIANT: botocore's service models and their shapes live as long as the process (the
# models are loaded once), so a shape's id names it for as long as this cache does.
_PLANS: dict[tuple[int, str, bool], tuple[_Member, ...]] = {}


def _plan(shape: Any, descriptor: Any, top: bool) -> tuple[_Member, ...]:
    """The output members the message carries, worked out once per shape and message type."""
    key = (id(shape), descriptor.full_name, top)
    plan = _PLANS.get(key)
    if plan is None:
        fields = descriptor.fields_by_name
        required = set(shape.required_members)
        listed_when_empty = _LISTED_WHEN_EMPTY.get(shape.name, frozenset())
        members: list[_Member] = []
        for member, member_shape in shape.members.items():
            field = cast(FieldDescriptor | None, fields.get(xform_name(member)))
            if field is None:
                continue
            element = member_shape.serialization.get("name", member)
            # Always written, empty or not: members AWS requires, and every list of the result
            # itself (AWS answers `<AttachedPolicies/>`, code reads `response["AttachedPolicies"]`).
            always = (
                member in required
                or (top and member_shape.type_name == "list")
                or member in listed_when_empty
            )
            members.append(
                _Member(
                    field.name,
                    member_shape,
                    _presence(field, always),
                    f"<{element}>",
                    f"</{element}>",
                )
            )
        plan = _PLANS[key] = tuple(members)
    return plan


def _members(shape: Any, message: Message, out: _Out, top: bool = False) -> None:
    parts = out.parts
    for member in _plan(shape, message.DESCRIPTOR, top):
        if member.presence is _Presence.IF_SET:
            if not message.HasField(member.name):
                continue
            value = getattr(message, member.name)
        else:
            value = getattr(message, member.name)
            # A repeated field is falsy when empty, a string when "".
            if member.presence is _Presence.IF_NOT_EMPTY and not value:
                continue
        parts.append(member.open_tag)
        _value(member.shape, value, out)
        parts.append(member.close_tag)


def response_xml(
    operation: Any, namespace: str, response: Message | None, request_id: str
) -> bytes:
    """`<OpResponse><OpResult>...</OpResult><ResponseMetadata>...` for `response`."""
    name = operation.name
    out = _Out([f'<{name}Response xmlns="{namespace}">'], "sts." in namespace)
    shape = operation.output_shape
    if shape is not None and response is not None:
        wrapper = shape.serialization.get("resultWrapper", f"{name}Result")
        out.parts.append(f"<{wrapper}>")
        _members(shape, response, out, top=True)
        out.parts.append(f"</{wrapper}>")
    out.parts.append(f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>")
    out.parts.append(f"</{name}Response>")
    return "".join(out.parts).encode()


def error_xml(namespace: str, code: str, message: str, sender: bool, request_id: str) -> bytes:
    """AWS's Query error document: `<ErrorResponse><Error><Type/><Code/><Message/>`."""
    return (
        f'<ErrorResponse xmlns="{namespace}"><Error>'
        f"<Type>{'Sender' if sender else 'Receiver'}</Type>"
        f"<Code>{_text(code)}</Code><Message>{_text(message)}</Message>"
        f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    ).encode()
