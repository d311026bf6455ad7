"""Hostile Query parameters: parsing and filling the gRPC message end in a value or a
ValidationError, never in another exception (which would be a 500) or unbounded work."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from iamstore.node.domain.errors import ValidationError
from iamstore.node.http import messages, query
from iamstore.node.http.model import service_model
from iamstore.v1 import iam_pb2, sts_pb2

_SEGMENTS = st.sampled_from(
    ["Tags", "member", "entry", "key", "value", "Key", "Value", "1", "2", "0", "01", "x",
     "UserName", "MaxItems", "PolicyArns", "arn", "ContextEntries", "ContextKeyValues",
     "PolicyInputList", "TagKeys", "DurationSeconds", "SerialNumber", ""]
)  # fmt: skip
_KEYS = st.lists(_SEGMENTS, min_size=1, max_size=6).map(".".join)
_VALUES = st.sampled_from(["", "1", "-1", "true", "alice", "9" * 30, "a.b", "\x00", "é"])
_OPERATIONS = st.sampled_from(
    [("iam", iam_pb2, "CreateUser"), ("iam", iam_pb2, "ListUsers"), ("iam", iam_pb2, "TagRole"),
     ("iam", iam_pb2, "SimulatePrincipalPolicy"), ("sts", sts_pb2, "AssumeRole"),
     ("iam", iam_pb2, "UntagUser"), ("sts", sts_pb2, "GetSessionToken")]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(operation=_OPERATIONS, params=st.dictionaries(_KEYS, _VALUES, max_size=12))
def test_any_parameters_parse_or_are_a_validation_error(
    operation: tuple[str, Any, str], params: dict[str, str]
) -> None:
    service, module, name = operation
    shape = service_model(service).operation_model(name).input_shape
    try:
        values = query.parse_input(shape, params)
        request_type = getattr(module, f"{name}Request", None)
        if request_type is not None:
            messages.fill(request_type(), values)
    except ValidationError as err:
        outcome = err.message  # refused, saying why
    else:
        outcome = "parsed"
    assert outcome
