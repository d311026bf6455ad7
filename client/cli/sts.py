"""`iamstore sts <operation>`: every Sts RPC as an aws-CLI-style command (`aws sts`), built
like `iamstore iam` from the request messages, with the same global options and output."""

from __future__ import annotations

import click

from iamstore.client._operation import Operation, snake_case
from iamstore.client._operations import OPERATIONS
from iamstore.client.cli.iam import OperationCommand, kebab_case

STS_OPERATIONS: tuple[Operation[object], ...] = tuple(
    op for op in OPERATIONS.values() if op.method_path.startswith("/iamstore.v1.Sts/")
)


class StsGroup(click.Group):
    """The `sts` group: commands are built on demand from the operation table."""

    def __init__(self) -> None:
        super().__init__(name="sts", help="STS operations, named like `aws sts`.")
        self._operations = {kebab_case(op.python_name): op for op in STS_OPERATIONS}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self._operations)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        operation = self._operations.get(cmd_name) or self._operations.get(
            kebab_case(snake_case(cmd_name))
        )
        return None if operation is None else OperationCommand(operation)


sts_group = StsGroup()
