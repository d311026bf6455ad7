"""The Query codec against botocore's own serializer and parser, for every operation iamstore
serves: what boto3 sends parses back to its parameters, and what the node writes parses to
the response boto3 expects."""

from __future__ import annotations

import datetime
import uuid
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape

import pytest
from botocore import xform_name
from botocore.parsers import QueryParser
from botocore.serialize import QuerySerializer
from google.protobuf.timestamp_pb2 import Timestamp

from iamstore.node.domain.errors import ValidationError
from iamstore.node.http import messages, query, xml
from iamstore.node.http.endpoint import MAX_PARAMETERS, QueryError, _parameters, new_request_id
from iamstore.node.http.model import service_model
from iamstore.v1 import iam_pb2, sts_pb2

_MOMENT = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
_SERVICES = (("iam", iam_pb2, "Iam"), ("sts", sts_pb2, "Sts"))
_OPERATIONS = [
    (name, module, method.name)
    for name, module, service in _SERVICES
    for method in module.DESCRIPTOR.services_by_name[service].methods
]


def _sample(shape: Any, descriptor: Any | None, depth: int = 0) -> Any:
    """A value of every member the proto carries: two list items, strings, numbers."""
    kind = shape.type_name
    if kind == "structure":
        values = {}
        for member, member_shape in shape.members.items():
            field = (
                None if descriptor is None else descriptor.fields_by_name.get(xform_name(member))
            )
            if descriptor is not None and field is None:
                continue  # not carried by the gRPC message (e.g. STS SessionTokenSize)
            nested = field.message_type if field is not None else None
            value = _sample(member_shape, nested, depth + 1) if depth < 8 else None
            if value not in (None, {}, [{}, {}]):  # too deep: an empty structure says nothing
                values[member] = value
        return values
    if kind == "list":
        return [_sample(shape.member, descriptor, depth + 1) for _ in range(2)]
    if kind == "map":
        value_descriptor = descriptor.fields_by_name["value"].message_type if descriptor else None
        return {"Users": _sample(shape.value, value_descriptor, depth + 1)}
    if kind == "string":
        return shape.enum[0] if shape.enum else "v<&>x y"
    if kind in ("integer", "long"):
        return 7
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return _MOMENT
    if kind == "blob":
        return b"\x00\x01binary"
    raise AssertionError(kind)


@pytest.mark.parametrize(("service", "module", "operation"), _OPERATIONS)
def test_what_botocore_sends_parses_back_to_its_parameters(
    service: str, module: Any, operation: str
) -> None:
    model = service_model(service).operation_model(operation)
    if model.input_shape is None:
        return
    request_type = getattr(module, f"{operation}Request")
    params = _sample(model.input_shape, request_type.DESCRIPTOR)
    body = QuerySerializer().serialize_to_request(params, model)["body"]
    wire = {k: str(v) for k, v in body.items() if k not in query.PROTOCOL_PARAMETERS}
    assert query.parse_input(model.input_shape, wire) == params
    message = request_type()
    messages.fill(message, params)  # every member lands in a field of its own
    assert len(message.ListFields()) == len(params)


@pytest.mark.parametrize(("service", "module", "operation"), _OPERATIONS)
def test_what_the_node_writes_parses_to_what_boto3_expects(
    service: str, module: Any, operation: str
) -> None:
    model = service_model(service)
    operation_model = model.operation_model(operation)
    shape = operation_model.output_shape
    if shape is None:
        return
    response_type = getattr(module, f"{operation}Response")
    expected = _sample(shape, response_type.DESCRIPTOR)
    message = response_type()
    messages.fill(message, expected)
    body = xml.response_xml(operation_model, model.metadata["xmlNamespace"], message, "rid")
    parsed = QueryParser().parse({"body": body, "headers": {}, "status_code": 200}, shape)
    assert parsed.pop("ResponseMetadata")["RequestId"] == "rid"
    assert parsed == _as_aws_returns(shape, expected)


def _as_aws_returns(shape: Any, value: Any) -> Any:
    """Policy documents come back URL-encoded (botocore's IAM handler decodes them later)."""
    kind = shape.type_name
    if kind == "structure":
        return {m: _as_aws_returns(shape.members[m], v) for m, v in value.items()}
    if kind == "list":
        return [_as_aws_returns(shape.member, v) for v in value]
    if kind == "map":
        return {k: _as_aws_returns(shape.value, v) for k, v in value.items()}
    if kind == "string" and shape.name == "policyDocumentType":
        return quote(value, safe="-_.~")
    return value


def test_error_document_is_awss() -> None:
    body = xml.error_xml(
        "https://iam.amazonaws.com/doc/2010-05-08/", "NoSuchEntity", "a <b>", True, "r1"
    )
    parsed = QueryParser().parse({"body": body, "headers": {}, "status_code": 404}, None)
    assert parsed["Error"] == {"Type": "Sender", "Code": "NoSuchEntity", "Message": "a <b>"}
    assert parsed["ResponseMetadata"]["RequestId"] == "r1"


def test_characters_xml_cannot_carry_do_not_break_the_document() -> None:
    body = xml.error_xml("ns", "ValidationError", "bad \x00\x1b value", True, "r")
    parsed = QueryParser().parse({"body": body, "headers": {}, "status_code": 400}, None)
    assert parsed["Error"]["Message"] == "bad \ufffd\ufffd value"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"MaxItems": "ten"}, "MaxItems"),
        ({"MaxItems": "99999999999"}, "MaxItems"),
        ({"MaxItems": "--5"}, "MaxItems"),
        ({"PathPrefix.x": "/"}, "PathPrefix"),
    ],
)
def test_malformed_values_are_validation_errors(params: dict[str, str], field: str) -> None:
    shape = service_model("iam").operation_model("ListUsers").input_shape
    with pytest.raises(ValidationError) as info:
        query.parse_input(shape, params)
    assert info.value.field == field


def test_list_positions_must_be_positive_decimals() -> None:
    shape = service_model("iam").operation_model("CreateUser").input_shape
    for bad in ("0", "01", "-1", "1e3", "\u0661", "1234567"):
        with pytest.raises(ValidationError):
            query.parse_input(shape, {"UserName": "u", f"Tags.member.{bad}.Key": "k"})
    with pytest.raises(ValidationError):  # both empty and not: which did the sender mean?
        query.parse_input(shape, {"UserName": "u", "Tags": "", "Tags.member.1.Key": "k"})
    assert query.parse_input(shape, {"UserName": "u", "Tags": ""})["Tags"] == []
    parsed = query.parse_input(
        shape,
        {"UserName": "u", "Tags.member.10.Key": "b", "Tags.member.2.Key": "a"}
        | {"Tags.member.2.Value": "1", "Tags.member.10.Value": "2"},
    )
    assert parsed["Tags"] == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]


def test_a_member_the_node_does_not_implement_is_refused_not_ignored() -> None:
    """STS ProvidedContexts carries trusted context: ignoring it would be failing open."""
    shape = service_model("sts").operation_model("AssumeRole").input_shape
    values = query.parse_input(
        shape,
        {
            "RoleArn": "arn:aws:iam::123456789012:role/r",
            "RoleSessionName": "s",
            "ProvidedContexts.member.1.ProviderArn": "arn:aws:iam::aws:contextProvider/x",
        },
    )
    with pytest.raises(ValidationError) as info:
        messages.fill(sts_pb2.AssumeRoleRequest(), values)
    assert info.value.field == "ProvidedContexts"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("plain /path-1_2.~", "plain /path-1_2.~"),
        ("caf\u00e9 \U0001f600", "caf\u00e9 \U0001f600"),
        ("a&b <c> d", "a&amp;b &lt;c&gt; d"),
        # Tab and line feed survive in element content; a carriage return only as a reference
        # (XML 1.0, 2.11: parsers turn CR and CR LF into LF).
        ("tab\tnew\nline\r", "tab\tnew\nline&#13;"),
        ("crlf\r\n", "crlf&#13;\n"),
        (
            "nul\x00 esc\x1b lone\ud800 nonchar\ufffe",
            "nul\ufffd esc\ufffd lone\ufffd nonchar\ufffd",
        ),
    ],
)
def test_text_is_escaped_exactly_where_xml_needs_it(value: str, written: str) -> None:
    assert xml._text(value) == written


@pytest.mark.parametrize(
    ("seconds", "written"),
    [
        (-62135596800, "0001-01-01T00:00:00Z"),  # year 1: four digits, as ISO 8601 wants
        (-30610224000, "1000-01-01T00:00:00Z"),
        (1_800_000_000, "2027-01-15T08:00:00Z"),
    ],
)
def test_timestamps_always_have_four_digit_years(seconds: int, written: str) -> None:
    assert xml._timestamp(Timestamp(seconds=seconds), fractional=False) == written
    assert xml._timestamp(Timestamp(seconds=seconds), fractional=True) == written[:-1] + ".000Z"


@pytest.mark.parametrize(
    ("text", "plus_is_space", "expected"),
    [
        ("Action=GetUser&UserName=a%2Bb", True, {"Action": "GetUser", "UserName": "a+b"}),
        ("UserName=a+b", True, {"UserName": "a b"}),
        ("UserName=a+b", False, {"UserName": "a+b"}),
        ("&&A=1&&B&C=", True, {"A": "1", "B": "", "C": ""}),
        ("N=%C3%A9%FF%zz", True, {"N": "\u00e9\ufffd%zz"}),
        ("A%3DB=x%3Dy=z", True, {"A=B": "x=y=z"}),
    ],
)
def test_parameters_read_as_the_form_and_the_signature_read_them(
    text: str, plus_is_space: bool, expected: dict[str, str]
) -> None:
    assert _parameters(text, "body", plus_is_space=plus_is_space) == expected


def test_parameters_are_bounded_and_unique() -> None:
    most = "&".join(f"P{i}=1" for i in range(MAX_PARAMETERS))
    assert len(_parameters(most, "body", plus_is_space=True)) == MAX_PARAMETERS
    with pytest.raises(QueryError, match="more than"):
        _parameters(most + "&X=1", "body", plus_is_space=True)
    with pytest.raises(QueryError, match="twice"):
        _parameters("A=1&A=1", "body", plus_is_space=True)
    with pytest.raises(QueryError, match="twice"):
        _parameters("A%41=1&AA=2", "body", plus_is_space=True)


def test_request_ids_are_random_version_4_uuids() -> None:
    ids = {new_request_id() for _ in range(1000)}
    assert len(ids) == 1000
    for text in ids:
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122


def test_text_passes_through_only_what_needs_no_escaping() -> None:
    # Every character of the Basic Multilingual Plane and some beyond: the fast path and the
    # escaping path agree on each.
    for code in [*range(0x10000), 0x10000, 0x1F600, 0x10FFFF]:
        char = chr(code)
        value = f"a{char}b"
        expected = escape(xml._NOT_XML.sub("\ufffd", value), {"\r": "&#13;"})
        assert xml._text(value) == expected, hex(code)


def test_authorization_details_write_an_entitys_empty_policy_lists_and_leave_tags_out() -> None:
    # AWS's example output shows `"UserPolicyList": []` and the like for an entity without
    # policies; a nested list AWS does not require (Tags) is left out when empty.
    model = service_model("iam")
    operation_model = model.operation_model("GetAccountAuthorizationDetails")
    message = iam_pb2.GetAccountAuthorizationDetailsResponse()
    messages.fill(
        message,
        {
            "UserDetailList": [{"UserName": "u"}],
            "GroupDetailList": [{"GroupName": "g"}],
            "RoleDetailList": [{"RoleName": "r"}],
            "Policies": [{"PolicyName": "p"}],
        },
    )
    body = xml.response_xml(operation_model, model.metadata["xmlNamespace"], message, "rid")
    parsed = QueryParser().parse(
        {"body": body, "headers": {}, "status_code": 200}, operation_model.output_shape
    )
    (user,), (group,), (role,), (policy,) = (
        parsed[k] for k in ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")
    )
    assert user == {
        "UserName": "u",
        "UserPolicyList": [],
        "GroupList": [],
        "AttachedManagedPolicies": [],
    }
    assert group == {"GroupName": "g", "GroupPolicyList": [], "AttachedManagedPolicies": []}
    assert role == {
        "RoleName": "r",
        "InstanceProfileList": [],
        "RolePolicyList": [],
        "AttachedManagedPolicies": [],
    }
    assert policy["PolicyVersionList"] == []
