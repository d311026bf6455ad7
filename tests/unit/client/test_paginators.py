"""Paginators walk Marker/IsTruncated pages like boto3's (AWS: "Marker" pagination in IAM)."""

from __future__ import annotations

import asyncio

import pytest
from client_fake_node import CREDENTIALS, FakeNode

from iamstore.client import AsyncClient, Client, ServiceFailureError
from iamstore.v1 import iam_pb2


def _three_pages(node: FakeNode) -> None:
    node.answer(
        "ListPolicies",
        iam_pb2.ListPoliciesResponse(
            policies=[iam_pb2.Policy(policy_name="p1")], is_truncated=True, marker="m1"
        ),
        iam_pb2.ListPoliciesResponse(
            policies=[iam_pb2.Policy(policy_name="p2")], is_truncated=True, marker="m2"
        ),
        iam_pb2.ListPoliciesResponse(policies=[iam_pb2.Policy(policy_name="p3")]),
    )


def _sent_markers(node: FakeNode) -> list[str | None]:
    return [
        request.marker if request.HasField("marker") else None
        for request in node.requests("ListPolicies", iam_pb2.ListPoliciesRequest)
    ]


async def test_sync_paginator_walks_three_pages(node: FakeNode) -> None:
    _three_pages(node)
    with Client(node.endpoint, credentials=CREDENTIALS) as client:
        paginator = client.get_paginator("list_policies")
        pages = await asyncio.to_thread(
            lambda: list(paginator.paginate(scope="Local", max_items=1))
        )
    assert [p.policy_name for page in pages for p in page.policies] == ["p1", "p2", "p3"]
    assert _sent_markers(node) == [None, "m1", "m2"]
    # Every request keeps the caller's own parameters.
    requests = node.requests("ListPolicies", iam_pb2.ListPoliciesRequest)
    assert {(r.scope, r.max_items) for r in requests} == {("Local", 1)}


async def test_async_paginator_walks_three_pages(node: FakeNode) -> None:
    _three_pages(node)
    async with AsyncClient(node.endpoint, credentials=CREDENTIALS) as client:
        names = [
            policy.policy_name
            async for page in client.get_paginator("list_policies").paginate()
            for policy in page.policies
        ]
    assert names == ["p1", "p2", "p3"]
    assert _sent_markers(node) == [None, "m1", "m2"]


async def test_repeated_marker_stops_instead_of_looping(node: FakeNode) -> None:
    node.answer("ListUsers", iam_pb2.ListUsersResponse(is_truncated=True, marker="same"))
    async with AsyncClient(node.endpoint, credentials=CREDENTIALS) as client:
        with pytest.raises(ServiceFailureError, match="marker `same` was returned twice"):
            async for _ in client.get_paginator("list_users").paginate():
                pass
    assert len(node.calls) == 2


def test_only_list_operations_have_paginators() -> None:
    client = Client("127.0.0.1:1", credentials=CREDENTIALS)
    with pytest.raises(ValueError, match="`create_user` cannot be paginated"):
        client.get_paginator("create_user")  # type: ignore[call-overload]
    client.close()
