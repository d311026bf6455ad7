"""Every RPC of every client-facing service has a handler on the node."""

from __future__ import annotations

from iamstore.node.api import node_and_accounts
from iamstore.node.build import IAM_HANDLERS
from iamstore.v1 import iam_pb2, node_pb2


def test_every_iam_operation_has_a_handler() -> None:
    methods = {m.name for m in iam_pb2.DESCRIPTOR.services_by_name["Iam"].methods}
    assert sorted(methods - set(IAM_HANDLERS)) == []


def test_every_node_and_accounts_operation_has_a_handler() -> None:
    node = {m.name for m in node_pb2.DESCRIPTOR.services_by_name["Node"].methods}
    accounts = {m.name for m in node_pb2.DESCRIPTOR.services_by_name["Accounts"].methods}
    assert node <= set(node_and_accounts.NODE_HANDLERS)
    assert accounts <= set(node_and_accounts.ACCOUNT_HANDLERS)
