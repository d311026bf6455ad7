"""`iamstore iam <operation>`: every Iam RPC as an aws-CLI-style command, options derived from
the request message (`--user-name`, `--set-as-default/--no-set-as-default`, `--tag-keys a b`,
`--tags Key=a,Value=b Key=c,Value=d` or JSON, `file://` values read from the file)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import cast

import click
from google.protobuf.descriptor import FieldDescriptor

from iamstore.client._operation import Operation, snake_case
from iamstore.client._operations import IAM_OPERATIONS
from iamstore.client.cli.session import Session

_FILE_PREFIX = "file://"


def kebab_case(name: str) -> str:
    return name.replace("_", "-")


def read_file_value(value: str) -> str:
    """aws CLI: a parameter value `file://path` is replaced by the contents of that file."""
    if not value.startswith(_FILE_PREFIX):
        return value
    path = Path(value[len(_FILE_PREFIX) :])
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise click.BadParameter(f"cannot read `{path}`: {error.strerror}") from None


def _string_value(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    return None if value is None else read_file_value(value)


def _string_list(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> list[str] | None:
    return [read_file_value(value) for value in values] if values else None


def parse_structures(values: Sequence[str]) -> list[dict[str, object]]:
    """Items of a list-of-structures option: JSON (an object or a list of objects) or the
    aws shorthand `Key=a,Value=b`."""
    items: list[dict[str, object]] = []
    for raw in values:
        text = read_file_value(raw).strip()
        if text.startswith(("[", "{")):
            try:
                parsed = json.loads(text)
            except json.JSONDecodeError as error:
                raise click.BadParameter(f"invalid JSON `{text}`: {error.msg}") from None
            for element in parsed if isinstance(parsed, list) else [parsed]:
                if not isinstance(element, dict):
                    raise click.BadParameter(f"expected a JSON object, got `{element!r}`")
                items.append(element)
            continue
        shorthand: dict[str, object] = {}
        for pair in text.split(","):
            key, sep, value = pair.partition("=")
            if not sep or not key.strip():
                raise click.BadParameter(f"expected `Key=value,...`, got `{text}`")
            shorthand[key.strip()] = value
        items.append(shorthand)
    return items


def _structure_list(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> list[dict[str, object]] | None:
    return parse_structures(values) if values else None


def option_for(field: FieldDescriptor) -> click.Option:
    """The click option for one request field."""
    flag = f"--{kebab_case(field.name)}"
    if field.is_repeated:
        callback = _structure_list if field.message_type is not None else _string_list
        return click.Option([flag, field.name], multiple=True, callback=callback)
    if field.type == FieldDescriptor.TYPE_BOOL:
        return click.Option([f"{flag}/--no-{kebab_case(field.name)}", field.name], default=None)
    if field.type == FieldDescriptor.TYPE_STRING:
        return click.Option([flag, field.name], type=click.STRING, callback=_string_value)
    # The request messages have strings, bools and integers only.
    return click.Option([flag, field.name], type=click.INT)


class OperationCommand(click.Command):
    """A command whose list options take several space-separated values, like the aws CLI:
    `--tag-keys a b` is read as `--tag-keys a --tag-keys b`."""

    def __init__(self, operation: Operation[object]) -> None:
        fields = cast(Sequence[FieldDescriptor], operation.request_type.DESCRIPTOR.fields)
        super().__init__(
            name=kebab_case(operation.python_name),
            params=[option_for(field) for field in fields],
            callback=self._invoke_operation,
            help=f"Calls the {operation.name} operation.",
        )
        self.operation = operation
        self._list_flags = {f"--{kebab_case(f.name)}" for f in fields if f.is_repeated}

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, spread_list_values(args, self._list_flags))

    def _invoke_operation(self, **params: object) -> None:
        session = click.get_current_context().find_object(Session)
        assert session is not None, "the root group puts a Session in the context"
        session.call(self.operation, params)


def spread_list_values(args: Sequence[str], list_flags: set[str]) -> list[str]:
    """Repeats a list flag before each of the values that follow it."""
    spread: list[str] = []
    current: str | None = None
    for arg in args:
        if arg.startswith("--"):
            current = arg if arg in list_flags else None
            spread.append(arg)
        elif current is not None and spread[-1] != current:
            spread += [current, arg]
        else:
            spread.append(arg)
    return spread


class IamGroup(click.Group):
    """The `iam` group: commands are built on demand from the operation table."""

    def __init__(self) -> None:
        super().__init__(name="iam", help="IAM operations, named like `aws iam`.")
        self._operations = {kebab_case(op.python_name): op for op in IAM_OPERATIONS}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self._operations)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        operation = self._operations.get(cmd_name) or self._operations.get(
            kebab_case(snake_case(cmd_name))
        )
        return None if operation is None else OperationCommand(operation)


iam_group = IamGroup()
