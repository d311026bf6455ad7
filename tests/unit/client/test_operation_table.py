"""The generated surface stays in step with the protos, with boto3, and between sync and async."""

from __future__ import annotations

import dataclasses
import functools
import gzip
import inspect
import json
from pathlib import Path

import botocore
import pytest

from iamstore.client import AsyncClient, Client, IamError, errors, models, results
from iamstore.client._operation import Operation
from iamstore.client._operations import IAM_OPERATIONS, OPERATIONS
from iamstore.v1 import audit_pb2, authz_pb2, iam_pb2, node_pb2, sts_pb2, transfer_pb2
from iamstore.wire.errors import STATUS_FOR_CODE

_BOTOCORE_IAM = Path(botocore.__file__).parent / "data/iam/2010-05-08/service-2.json.gz"


def _snake(name: str) -> str:
    # botocore's own spelling of a member in Python: `ClientIDList` -> `client_id_list`.
    return str(botocore.xform_name(name))


@functools.cache
def _botocore_required(shape_name: str) -> set[str]:
    with gzip.open(_BOTOCORE_IAM) as model:
        shapes: dict[str, dict[str, list[str]]] = json.load(model)["shapes"]
    # Operations without input (GetAccountSummary) have no request shape at all.
    return {_snake(member) for member in shapes.get(shape_name, {}).get("required", [])}


def test_every_iam_rpc_has_an_operation() -> None:
    service = iam_pb2.DESCRIPTOR.services_by_name["Iam"]
    assert {op.name for op in IAM_OPERATIONS} == {m.name for m in service.methods}
    assert len(IAM_OPERATIONS) == len(service.methods)  # one operation per rpc, no duplicates
    assert {"Ping", "CreateAccount", "ListAccounts"} <= set(OPERATIONS)


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_sync_and_async_methods_have_identical_signatures(name: str) -> None:
    operation = OPERATIONS[name]
    sync_method = getattr(Client, operation.python_name)
    async_method = getattr(AsyncClient, operation.python_name)
    assert inspect.iscoroutinefunction(async_method)
    assert not inspect.iscoroutinefunction(sync_method)
    assert inspect.signature(sync_method) == inspect.signature(async_method)
    parameters = list(inspect.signature(sync_method).parameters.values())[1:]
    # boto3 style: keyword-only, one per request field, plus the consistency token.
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters)
    assert {p.name for p in parameters} == {
        *operation.request_type.DESCRIPTOR.fields_by_name,
        "at_least",
    }


@pytest.mark.parametrize("operation", IAM_OPERATIONS, ids=lambda op: op.name)
def test_required_parameters_match_the_aws_api_model(operation: Operation[object]) -> None:
    # botocore's IAM service model states which members AWS requires for each operation.
    required_by_aws = _botocore_required(operation.name + "Request")
    parameters = inspect.signature(getattr(Client, operation.python_name)).parameters
    required_here = {n for n, p in parameters.items() if n != "self" and p.default is p.empty}
    assert required_here == required_by_aws


@pytest.mark.parametrize(
    "cls",
    [v for v in vars(results).values() if getattr(v, "__module__", "") == results.__name__],
    ids=lambda c: c.__name__,
)
def test_result_fields_mirror_the_response_message(cls: type) -> None:
    operation = next(op for op in OPERATIONS.values() if op.result_type is cls)
    proto_fields = list(operation.response_type.DESCRIPTOR.fields_by_name)
    assert [f.name for f in dataclasses.fields(cls)] == proto_fields


@pytest.mark.parametrize(
    "cls",
    [v for v in vars(models).values() if dataclasses.is_dataclass(v)],
    ids=lambda c: c.__name__,
)
def test_models_mirror_the_message_of_the_same_name(cls: type) -> None:
    message = (
        getattr(iam_pb2, cls.__name__, None)
        or getattr(authz_pb2, cls.__name__, None)
        or getattr(sts_pb2, cls.__name__, None)
        or getattr(audit_pb2, cls.__name__, None)
        or getattr(transfer_pb2, cls.__name__, None)
        or getattr(node_pb2, cls.__name__)
    )
    assert [f.name for f in dataclasses.fields(cls)] == list(message.DESCRIPTOR.fields_by_name)


def test_every_wire_error_code_has_an_exception_named_after_it() -> None:
    for code in STATUS_FOR_CODE:
        error_class = errors.ERROR_CLASSES[code]
        assert issubclass(error_class, IamError)
        assert error_class.__name__ in {code, code + "Error"}
