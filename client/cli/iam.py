"""`iamstore iam <operation>`: every Iam RPC as an aws-CLI-style command (`aws iam`)."""

from __future__ import annotations

from iamstore.client._operations import IAM_OPERATIONS
from iamstore.client.cli.command import OperationGroup

iam_group = OperationGroup("iam", IAM_OPERATIONS, "IAM operations, named like `aws iam`.")
