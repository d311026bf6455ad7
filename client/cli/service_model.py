"""What the CLI reads from AWS's IAM and STS service models (the ones botocore ships): each
operation's documentation, its required and sensitive members, how it paginates, which of its
output members hold policy documents, and the skeletons of its input and output."""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from botocore.loaders import create_loader
from botocore.model import ServiceModel

from iamstore.client.cli.html_text import html_to_text
from iamstore.client.cli.output import Json

Service = Literal["iam", "sts"]

# IAM names every string that holds a policy document with this shape; botocore's IAM handler
# decodes those into objects, so the aws CLI prints them as JSON objects, not as strings.
POLICY_DOCUMENT_SHAPE = "policyDocumentType"
# Output shapes are trees in IAM's and STS's models; the bound only guards against a cycle.
_MAX_SHAPE_DEPTH = 12
# A path to a member: member names, with LIST_ITEM standing for "every element of the list".
LIST_ITEM = "[]"


@dataclass(frozen=True, slots=True)
class MemberSpec:
    """One input member of an operation, as the service model describes it."""

    name: str  # AWS's spelling, "UserName"
    documentation: str  # plain text
    required: bool
    # The model marks passwords and secrets `sensitive`: never logged, even with --debug.
    sensitive: bool


@dataclass(frozen=True, slots=True)
class PaginationSpec:
    """How an operation pages (botocore's paginators-1.json): AWS's member names."""

    input_token: str  # "Marker"
    output_token: str  # "Marker"
    more_results: str  # "IsTruncated"
    limit_key: str  # "MaxItems"
    # The lists that are concatenated across pages; the first one is the primary result.
    result_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OperationSpec:
    """One operation of the model."""

    name: str
    documentation: str
    members: Mapping[str, MemberSpec]  # by AWS member name, in the model's order
    pagination: PaginationSpec | None
    # Output members that hold a policy document (paths of member names and LIST_ITEM).
    policy_document_paths: tuple[tuple[str, ...], ...]
    output_skeleton: Json
    _input_skeleton: Mapping[str, Json]

    def input_skeleton(self, accepted: Collection[str]) -> dict[str, Json]:
        """The input members the command accepts (AWS names), each with a placeholder."""
        return {name: value for name, value in self._input_skeleton.items() if name in accepted}


@functools.cache
def _loaded(service: Service) -> tuple[Any, Mapping[str, Any]]:
    loader = create_loader()
    model = ServiceModel(loader.load_service_model(service, "service-2"), service)
    paginators: Mapping[str, Any] = loader.load_service_model(service, "paginators-1").get(
        "pagination", {}
    )
    return model, paginators


@functools.cache
def operation_spec(service: Service, operation_name: str) -> OperationSpec | None:
    """The model's description of an operation, or None when the model lacks it."""
    model, paginators = _loaded(service)
    if operation_name not in model.operation_names:
        return None
    operation = model.operation_model(operation_name)
    members: dict[str, MemberSpec] = {}
    input_skeleton: dict[str, Json] = {}
    if operation.input_shape is not None:
        required = set(operation.input_shape.required_members)
        for name, shape in operation.input_shape.members.items():
            members[name] = MemberSpec(
                name=name,
                documentation=html_to_text(shape.documentation or ""),
                required=name in required,
                sensitive=bool(shape.metadata.get("sensitive", False)),
            )
            input_skeleton[name] = _skeleton(shape, 0)
    output = operation.output_shape
    return OperationSpec(
        name=operation_name,
        documentation=html_to_text(operation.documentation or ""),
        members=members,
        pagination=_pagination(paginators.get(operation_name)),
        policy_document_paths=tuple(_policy_paths(output, (), 0)) if output else (),
        output_skeleton=_skeleton(output, 0) if output is not None else {},
        _input_skeleton=input_skeleton,
    )


def _pagination(config: Mapping[str, Any] | None) -> PaginationSpec | None:
    if config is None:
        return None
    result_key = config["result_key"]
    keys = (result_key,) if isinstance(result_key, str) else tuple(result_key)
    return PaginationSpec(
        input_token=str(config["input_token"]),
        output_token=str(config["output_token"]),
        more_results=str(config["more_results"]),
        limit_key=str(config["limit_key"]),
        result_keys=tuple(str(key) for key in keys),
    )


def _policy_paths(shape: Any, prefix: tuple[str, ...], depth: int) -> list[tuple[str, ...]]:
    if depth > _MAX_SHAPE_DEPTH:
        return []
    if shape.name == POLICY_DOCUMENT_SHAPE:
        return [prefix]
    if shape.type_name == "structure":
        return [
            path
            for name, member in shape.members.items()
            for path in _policy_paths(member, (*prefix, name), depth + 1)
        ]
    if shape.type_name == "list":
        return _policy_paths(shape.member, (*prefix, LIST_ITEM), depth + 1)
    return []


_PLACEHOLDERS: dict[str, Json] = {
    "string": "",
    "blob": "",
    "integer": 0,
    "long": 0,
    "float": 0.0,
    "double": 0.0,
    "boolean": True,
    "timestamp": "1970-01-01T00:00:00",
}


def _skeleton(shape: Any, depth: int) -> Json:
    """A placeholder value of the shape's type, as the aws CLI's --generate-cli-skeleton."""
    if depth > _MAX_SHAPE_DEPTH:
        return None
    if shape.type_name == "structure":
        return {name: _skeleton(member, depth + 1) for name, member in shape.members.items()}
    if shape.type_name == "list":
        return [_skeleton(shape.member, depth + 1)]
    if shape.type_name == "map":
        return {"KeyName": _skeleton(shape.value, depth + 1)}
    return _PLACEHOLDERS.get(str(shape.type_name), "")
