"""The client's surface read from the protobuf descriptors and AWS's service models.

Every operation of the client's services, its parameters (which are required), and every
message a call sends or returns, with the Python type and default of each field. The
renderer turns this into source; nothing here formats code.
"""

from __future__ import annotations

import keyword
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from botocore import xform_name
from google.protobuf.descriptor import Descriptor, FieldDescriptor, ServiceDescriptor

from clientgen.comments import Comments
from iamstore.v1 import (
    audit_pb2,
    authz_pb2,
    iam_pb2,
    node_pb2,
    options_pb2,
    sts_pb2,
    transfer_pb2,
)

# The services a client calls, in the order their methods appear on Client. Peer (node to
# node) and SignIn (the unsigned password exchange of client.providers) are not among them.
CLIENT_SERVICES: tuple[ServiceDescriptor, ...] = (
    iam_pb2.DESCRIPTOR.services_by_name["Iam"],
    node_pb2.DESCRIPTOR.services_by_name["Node"],
    node_pb2.DESCRIPTOR.services_by_name["Accounts"],
    audit_pb2.DESCRIPTOR.services_by_name["Audit"],
    transfer_pb2.DESCRIPTOR.services_by_name["AccountTransfer"],
    authz_pb2.DESCRIPTOR.services_by_name["Authz"],
    sts_pb2.DESCRIPTOR.services_by_name["Sts"],
)

# Which AWS service model describes the operations and shapes of each .proto file; the
# others (node, audit) are iamstore's own and say what they require with options.proto.
AWS_SERVICE_OF_FILE: Mapping[str, str] = {
    "iamstore/v1/iam.proto": "iam",
    "iamstore/v1/authz.proto": "iam",  # SimulatePrincipalPolicy and its shapes are IAM's
    "iamstore/v1/sts.proto": "sts",
}

TIMESTAMP = "google.protobuf.Timestamp"

# Fields whose values are secrets: kept out of repr() (so out of logs and tracebacks).
SECRET_FIELDS = frozenset(
    {
        "secret_access_key",
        "session_token",
        "password",
        "old_password",
        "new_password",
        "base32_string_seed",
        "qr_code_png",  # encodes the seed
        "private_key",
        "service_password",
        "service_credential_secret",
    }
)

_SCALARS: Mapping[int, str] = {
    FieldDescriptor.TYPE_STRING: "str",
    FieldDescriptor.TYPE_BYTES: "bytes",
    FieldDescriptor.TYPE_BOOL: "bool",
    FieldDescriptor.TYPE_DOUBLE: "float",
    FieldDescriptor.TYPE_FLOAT: "float",
    FieldDescriptor.TYPE_ENUM: "int",  # protobuf's Python enums are ints
    **{
        kind: "int"
        for kind in (
            FieldDescriptor.TYPE_INT32,
            FieldDescriptor.TYPE_INT64,
            FieldDescriptor.TYPE_UINT32,
            FieldDescriptor.TYPE_UINT64,
            FieldDescriptor.TYPE_SINT32,
            FieldDescriptor.TYPE_SINT64,
            FieldDescriptor.TYPE_FIXED32,
            FieldDescriptor.TYPE_FIXED64,
            FieldDescriptor.TYPE_SFIXED32,
            FieldDescriptor.TYPE_SFIXED64,
        )
    },
}


# Parameters every method has besides the request's fields.
RESERVED_PARAMETERS = frozenset({"self", "at_least"})


class SurfaceError(Exception):
    """A .proto the client cannot be generated from, and why."""


class ShapeModel(Protocol):
    """What the generator reads of one AWS service model (botocore's ServiceModel)."""

    def required_members(self, shape_name: str) -> frozenset[str] | None:
        """The snake_case members `shape_name` requires, or None when it has no such shape."""
        ...

    def members(self, shape_name: str) -> frozenset[str] | None:
        """The snake_case members of `shape_name`, or None when it has no such shape."""
        ...

    def input_shape(self, operation_name: str) -> str | None:
        """The input shape of an operation, or None when AWS has no such operation."""
        ...


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One message field as a dataclass field or a keyword parameter."""

    name: str
    # The Python type of one value: "str", "datetime", or a message name ("User").
    value_type: str
    # The message this field holds, for message fields (None for scalars and timestamps).
    message: str | None
    kind: str  # "single", "repeated" or "map"
    map_key_type: str | None
    required: bool
    secret: bool
    doc: str | None = None  # the .proto's comment on the field


@dataclass(frozen=True, slots=True)
class MessageSpec:
    name: str
    fields: tuple[FieldSpec, ...]
    aws_shape: bool  # an AWS shape of the same name describes it
    doc: str | None = None


@dataclass(frozen=True, slots=True)
class OperationSpec:
    name: str  # "CreateUser"
    service: str  # "iamstore.v1.Iam"
    request: str  # request message name
    request_module: str  # "iam_pb2"
    response: str
    response_module: str
    # Required parameters first, each group in field order; `at_least` is not among them.
    parameters: tuple[FieldSpec, ...]
    # The result dataclass, or None when the response message is empty.
    result: str | None
    doc: str | None = None

    @property
    def python_name(self) -> str:
        return str(xform_name(self.name))

    @property
    def constant(self) -> str:
        return self.python_name.upper()

    @property
    def method_path(self) -> str:
        return f"/{self.service}/{self.name}"

    @property
    def paginated(self) -> bool:
        names = {p.name for p in self.parameters}
        return "marker" in names and "max_items" in names


@dataclass(frozen=True, slots=True)
class Surface:
    operations: tuple[OperationSpec, ...]
    results: tuple[MessageSpec, ...]  # response messages, in first-use order
    models: tuple[MessageSpec, ...]  # every other message a call sends or returns
    inputs: tuple[MessageSpec, ...]  # models a request field takes as an argument

    def returned_by(self, result: str) -> tuple[str, ...]:
        return tuple(op.name for op in self.operations if op.result == result)


def module_of(descriptor: Descriptor) -> str:
    """`iamstore/v1/iam.proto` -> `iam_pb2`."""
    return descriptor.file.name.rsplit("/", 1)[-1].removesuffix(".proto") + "_pb2"


def _explicitly_optional(field: FieldDescriptor) -> bool:
    # proto3 `optional` gives the field a synthetic oneof of its own.
    oneof = field.containing_oneof
    return oneof is not None and oneof.name == "_" + field.name


def _kind(field: FieldDescriptor) -> str:
    message = field.message_type
    if message is not None and message.GetOptions().map_entry:
        return "map"
    return "repeated" if field.is_repeated else "single"


def _value_type(field: FieldDescriptor) -> tuple[str, str | None]:
    message = field.message_type
    if message is None:
        return _SCALARS[field.type], None
    if message.full_name == TIMESTAMP:
        return "datetime", None
    return message.name, message.name


def _field(field: FieldDescriptor, required: bool, comments: Comments) -> FieldSpec:
    kind = _kind(field)
    key_type: str | None = None
    entry = field.message_type
    if kind == "map" and entry is not None:
        key, value = entry.fields_by_name["key"], entry.fields_by_name["value"]
        key_type = _SCALARS[key.type]
        value_type, message = _value_type(value)
    else:
        value_type, message = _value_type(field)
    return FieldSpec(
        name=field.name,
        value_type=value_type,
        message=message,
        kind=kind,
        map_key_type=key_type,
        required=required,
        secret=field.name in SECRET_FIELDS,
        doc=comments.of(field.full_name),
    )


def _returned_field_required(
    descriptor: Descriptor, field: FieldDescriptor, is_response: bool, model: ShapeModel | None
) -> bool:
    """Whether every message of this kind the node sends carries the field.

    Lists and maps are never required (empty is their absence). A proto3 `optional` field may
    be absent; a plain scalar is always there. A message field has presence either way:
    a response's top-level message fields are always filled by the node; inside an AWS shape,
    AWS's model says which members are required (a user's PasswordLastUsed is not).
    """
    if field.is_repeated or _explicitly_optional(field):
        return False
    if field.message_type is None or is_response or model is None:
        return True
    members = model.members(descriptor.name)
    if members is None or field.name not in members:
        return True
    required = model.required_members(descriptor.name) or frozenset()
    return field.name in required


def _parameters(
    name: str, request: Descriptor, model: ShapeModel | None, comments: Comments
) -> tuple[FieldSpec, ...]:
    aws_required: frozenset[str] | None = None
    if model is not None:
        shape = model.input_shape(name)
        if shape is not None:
            aws_required = model.required_members(shape) or frozenset()
    fields = []
    for field in request.fields:
        if keyword.iskeyword(field.name) or field.name in RESERVED_PARAMETERS:
            raise SurfaceError(
                f"`{request.full_name}.{field.name}` cannot be a keyword argument of "
                f"`{xform_name(name)}`: rename the field"
            )
        if aws_required is not None:
            required = field.name in aws_required
        else:
            options = field.GetOptions().Extensions
            required = bool(options[options_pb2.required])  # type: ignore[index]
        fields.append(_field(field, required, comments))
    return tuple(sorted(fields, key=lambda f: not f.required))  # stable: field order kept


def _reachable(roots: list[Descriptor]) -> Iterator[Descriptor]:
    """Every message reached from `roots` through fields, each once, depth first."""
    seen: set[str] = set()
    stack = list(reversed(roots))
    while stack:
        descriptor = stack.pop()
        if descriptor.full_name in seen or descriptor.full_name == TIMESTAMP:
            continue
        seen.add(descriptor.full_name)
        yield descriptor
        nested = []
        for field in descriptor.fields:
            message = field.message_type
            if message is None:
                continue
            if message.GetOptions().map_entry:
                message = message.fields_by_name["value"].message_type
                if message is None:
                    continue
            nested.append(message)
        stack.extend(reversed(nested))


def read_surface(
    models: Mapping[str, ShapeModel],
    services: tuple[ServiceDescriptor, ...] = CLIENT_SERVICES,
    comments: Comments | None = None,
) -> Surface:
    """The client's surface; `models` maps an AWS service name ("iam") to its model."""
    comments = comments or Comments()

    def model_of(descriptor: Descriptor) -> ShapeModel | None:
        service = AWS_SERVICE_OF_FILE.get(descriptor.file.name)
        return None if service is None else models.get(service)

    operations: list[OperationSpec] = []
    response_roots: list[Descriptor] = []
    request_roots: list[Descriptor] = []
    for service in services:
        for method in service.methods:
            request, response = method.input_type, method.output_type
            operations.append(
                OperationSpec(
                    name=method.name,
                    service=service.full_name,
                    request=request.name,
                    request_module=module_of(request),
                    response=response.name,
                    response_module=module_of(response),
                    parameters=_parameters(method.name, request, model_of(request), comments),
                    result=response.name if response.fields else None,
                    doc=comments.of(method.full_name),
                )
            )
            if response.fields:
                response_roots.append(response)
            request_roots.append(request)

    response_names = {d.full_name for d in response_roots}

    def spec(descriptor: Descriptor) -> MessageSpec:
        model = model_of(descriptor)
        is_response = descriptor.full_name in response_names
        return MessageSpec(
            name=descriptor.name,
            fields=tuple(
                _field(f, _returned_field_required(descriptor, f, is_response, model), comments)
                for f in descriptor.fields
            ),
            aws_shape=model is not None and model.members(descriptor.name) is not None,
            doc=comments.of(descriptor.full_name),
        )

    results: list[MessageSpec] = []
    models_out: list[MessageSpec] = []
    for descriptor in _reachable(response_roots):
        (results if descriptor.full_name in response_names else models_out).append(spec(descriptor))
    # Messages a request takes as an argument (a Tag, an AuthorizeRequest of a batch) are
    # models too, so a caller may pass them as dataclasses.
    argument_types: dict[str, Descriptor] = {}
    for request in request_roots:
        for field in request.fields:
            message = field.message_type
            if message is not None and message.full_name != TIMESTAMP:
                argument_types.setdefault(message.full_name, message)
    known = {m.name for m in (*results, *models_out)}
    for descriptor in _reachable(list(argument_types.values())):
        if descriptor.name not in known:
            known.add(descriptor.name)
            models_out.append(spec(descriptor))
    by_name = {m.name: m for m in models_out}
    return Surface(
        operations=tuple(operations),
        results=tuple(results),
        models=tuple(models_out),
        inputs=tuple(by_name[d.name] for d in argument_types.values()),
    )


class BotocoreShapes:
    """ShapeModel over a botocore ServiceModel (botocore ships AWS's models as JSON)."""

    def __init__(self, service_model: Any) -> None:
        self._model = service_model

    def _shape(self, name: str) -> Any:
        if name not in self._model.shape_names:
            return None
        return self._model.shape_for(name)

    def required_members(self, shape_name: str) -> frozenset[str] | None:
        shape = self._shape(shape_name)
        if shape is None:
            return None
        return frozenset(xform_name(m) for m in shape.required_members)

    def members(self, shape_name: str) -> frozenset[str] | None:
        shape = self._shape(shape_name)
        if shape is None:
            return None
        return frozenset(xform_name(m) for m in shape.members)

    def input_shape(self, operation_name: str) -> str | None:
        if operation_name not in self._model.operation_names:
            return None
        shape = self._model.operation_model(operation_name).input_shape
        # An operation without input (GetAccountSummary) requires nothing.
        return None if shape is None else str(shape.name)


def botocore_models() -> dict[str, ShapeModel]:
    """AWS's IAM and STS models as botocore ships them."""
    import botocore.session

    session = botocore.session.get_session()
    return {name: BotocoreShapes(session.get_service_model(name)) for name in ("iam", "sts")}
