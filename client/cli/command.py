"""One CLI command per operation, built like the aws CLI's from the service model: its help,
required options, pagination options, `--cli-input-json` and `--generate-cli-skeleton`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import cast

import click
from google.protobuf.descriptor import FieldDescriptor

from iamstore.client._operation import Operation, snake_case
from iamstore.client.cli.invocation import Caller, Invocation, fail, usage_error
from iamstore.client.cli.output import Json, OutputFormat, decode_policy_documents, render
from iamstore.client.cli.pagination import (
    PaginationError,
    PagingOptions,
    decode_token,
    paginate,
)
from iamstore.client.cli.parameters import (
    kebab_case,
    option_for,
    parameters_from_input_json,
    spread_list_values,
)
from iamstore.client.cli.service_model import OperationSpec, Service, operation_spec
from iamstore.client.cli.text_formats import render_yaml

# The request fields a paginated command drives itself; the aws CLI replaces them with
# --starting-token, --page-size and --max-items.
_MARKER = "marker"
_LIMIT = "max_items"


class OperationCommand(click.Command):
    """`iamstore iam <operation>`: list options take several space-separated values, like the
    aws CLI (`--tag-keys a b`); every usage error exits 252."""

    def __init__(self, operation: Operation[object], service: Service) -> None:
        self.operation = operation
        self.spec: OperationSpec | None = operation_spec(service, operation.name)
        self.fields = {
            field.name: field
            for field in cast(Sequence[FieldDescriptor], operation.request_type.DESCRIPTOR.fields)
        }
        # AWS member name -> request field, for the members this node's API has.
        self.member_names = {self._member_name(name): name for name in self.fields}
        self.pagination = self.spec.pagination if self.spec and operation.paginated else None
        self.paginated = self.pagination is not None
        super().__init__(
            name=kebab_case(operation.python_name),
            params=self._options(),
            callback=self._invoke_operation,
            help=self.spec.documentation if self.spec else f"Calls {operation.name}.",
            short_help=self._short_help(),
        )
        self._list_flags = {
            f"--{kebab_case(name)}" for name, field in self.fields.items() if field.is_repeated
        }

    def _member_name(self, field_name: str) -> str:
        if self.spec is not None:
            for member in self.spec.members:
                if snake_case(member) == field_name:
                    return member
        return "".join(part.capitalize() for part in field_name.split("_"))

    def _short_help(self) -> str:
        text = self.spec.documentation if self.spec else ""
        first = text.split("\n\n", 1)[0]
        return first.split(". ", 1)[0].rstrip(".")

    def _required(self) -> list[str]:
        if self.spec is None:
            return []
        return [
            self.member_names[member]
            for member, spec in self.spec.members.items()
            if spec.required and member in self.member_names
        ]

    def _options(self) -> list[click.Parameter]:
        required = set(self._required())
        options: list[click.Parameter] = []
        for name, field in self.fields.items():
            member = self.spec.members.get(self._member_name(name)) if self.spec else None
            text = member.documentation if member else ""
            if name in required:
                text = f"[required] {text}"
            if self._is_paging_field(name):
                # Still accepted (an explicit marker turns pagination off, as in the aws
                # CLI), but replaced in the help by the aws CLI's pagination options.
                if name == _MARKER:
                    options.append(click.Option(["--marker", _MARKER], default=None, hidden=True))
                continue
            options.append(option_for(field, text or None))
        if self.paginated:
            options += [
                click.Option(
                    ["--starting-token"],
                    default=None,
                    help="the NextToken of an earlier command's output: go on from there",
                ),
                click.Option(
                    ["--page-size"],
                    type=click.IntRange(1, 1000),
                    default=None,
                    help="items per call to the node (the total is unchanged)",
                ),
                click.Option(
                    ["--max-items", _LIMIT],
                    type=click.IntRange(min=1),
                    default=None,
                    help="the most items to print; when there are more, the output ends with "
                    "a NextToken for --starting-token",
                ),
            ]
        options += [
            click.Option(
                ["--cli-input-json", "cli_input_json"],
                default=None,
                help="the parameters as a JSON object (or file://path), as "
                "--generate-cli-skeleton prints them; options on the line take precedence",
            ),
            click.Option(
                ["--generate-cli-skeleton", "generate_cli_skeleton"],
                type=click.Choice(["input", "output", "yaml-input"]),
                is_flag=False,
                flag_value="input",
                default=None,
                help="print a template of the parameters (input, yaml-input) or of the result "
                "(output) instead of calling",
            ),
        ]
        return options

    def _is_paging_field(self, name: str) -> bool:
        return self.paginated and name in (_MARKER, _LIMIT)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args == ["help"]:  # the aws CLI's `aws iam create-user help`
            click.echo(self.get_help(ctx))
            ctx.exit(0)
        try:
            return super().parse_args(ctx, spread_list_values(args, self._list_flags))
        except click.UsageError as error:
            raise usage_error(error.message, error.ctx) from None

    def _invoke_operation(self, **given: object) -> None:
        invocation = click.get_current_context().find_object(Invocation)
        assert invocation is not None, "the root group puts an Invocation in the context"
        skeleton = given.pop("generate_cli_skeleton")
        if skeleton is not None:
            click.echo(self._skeleton(str(skeleton)))
            return
        input_json = given.pop("cli_input_json")
        page_size = cast(int | None, given.pop("page_size", None))
        starting_token = cast(str | None, given.pop("starting_token", None))
        params: dict[str, object] = {}
        if input_json is not None:
            params = parameters_from_input_json(str(input_json), self.fields, self.member_names)
        # Values on the command line take precedence over --cli-input-json's.
        params.update({name: value for name, value in given.items() if value is not None})
        # MaxItems, from the line or the input JSON, is the aws CLI's --max-items.
        max_items = params.get(_LIMIT) if self.paginated else None
        if max_items is not None and (not isinstance(max_items, int) or max_items < 1):
            raise usage_error(f"MaxItems must be a positive integer, got `{max_items}`")
        try:
            starting_marker = None if starting_token is None else decode_token(starting_token)
        except PaginationError as error:
            raise usage_error(str(error)) from None
        paging = PagingOptions(
            max_items=max_items, page_size=page_size, starting_marker=starting_marker
        )
        missing = [name for name in self._required() if params.get(name) is None]
        if missing:
            flags = ", ".join(f"--{kebab_case(name)}" for name in missing)
            raise usage_error(f"the following arguments are required: {flags}")
        result = self._call(invocation, params, paging)
        if result is None:
            return
        if self.spec is not None:
            result = decode_policy_documents(result, self.spec.policy_document_paths)
        invocation.print(result, self.operation.name)

    def _call(
        self, invocation: Invocation, params: dict[str, object], paging: PagingOptions
    ) -> Json:
        sensitive = [
            self.member_names[member]
            for member, spec in (self.spec.members.items() if self.spec else ())
            if spec.sensitive and member in self.member_names
        ]
        with invocation.calls(self.operation, sensitive) as call:
            # An explicit marker, or --no-paginate, means one call (the aws CLI's rule).
            pagination = self.pagination
            if pagination is None or not invocation.paginate or params.get(_MARKER) is not None:
                return self._single_call(call, params, paging)
            params.pop(_LIMIT, None)

            def fetch(marker: str | None, limit: int | None) -> Json:
                return call({**params, _MARKER: marker, _LIMIT: limit})

            try:
                return paginate(fetch, pagination, paging)
            except PaginationError as error:
                fail(str(error))

    def _single_call(self, call: Caller, params: dict[str, object], paging: PagingOptions) -> Json:
        if self.paginated:
            if params.get(_MARKER) is None:
                params[_MARKER] = paging.starting_marker
            if params.get(_LIMIT) is None:
                params[_LIMIT] = paging.page_size
        return call(params)

    def _skeleton(self, kind: str) -> str:
        if self.spec is None:
            raise usage_error(f"{self.operation.name} has no skeleton: it is not in AWS's model")
        if kind == "output":
            return json.dumps(self.spec.output_skeleton, indent=4)
        template: Json = self.spec.input_skeleton(self.member_names)
        if kind == "yaml-input":
            return render_yaml(template)
        return render(template, OutputFormat.JSON, self.operation.name)


class OperationGroup(click.Group):
    """`iam` or `sts`: a command per operation, built on demand from the operation table."""

    def __init__(self, service: Service, operations: Sequence[Operation[object]], help_text: str):
        super().__init__(name=service, help=help_text)
        self.service: Service = service
        self._operations = {kebab_case(op.python_name): op for op in operations}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self._operations)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        operation = self._operations.get(cmd_name) or self._operations.get(
            kebab_case(snake_case(cmd_name))
        )
        return None if operation is None else OperationCommand(operation, self.service)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args[:1] == ["help"]:  # the aws CLI's `aws iam help`
            click.echo(self.get_help(ctx))
            ctx.exit(0)
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as error:
            raise usage_error(error.message, error.ctx) from None
