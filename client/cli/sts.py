"""`iamstore sts <operation>`: every Sts RPC as an aws-CLI-style command (`aws sts`)."""

from __future__ import annotations

from iamstore.client._operation import Operation
from iamstore.client._operations import OPERATIONS
from iamstore.client.cli.command import OperationGroup

STS_OPERATIONS: tuple[Operation[object], ...] = tuple(
    op for op in OPERATIONS.values() if op.method_path.startswith("/iamstore.v1.Sts/")
)

sts_group = OperationGroup("sts", STS_OPERATIONS, "STS operations, named like `aws sts`.")
