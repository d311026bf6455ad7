"""How an operation's parameters are read: options derived from the request message
(`--user-name`, `--set-as-default/--no-set-as-default`, `--tag-keys a b`,
`--tags Key=a,Value=b Key=c,Value=d` or JSON, `file://` values read from the file), and the
same parameters from `--cli-input-json`."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import click
from google.protobuf.descriptor import FieldDescriptor

from iamstore.client.cli.invocation import usage_error

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


def option_for(field: FieldDescriptor, help_text: str | None = None) -> click.Option:
    """The click option for one request field."""
    flag = f"--{kebab_case(field.name)}"
    if field.is_repeated:
        callback = _structure_list if field.message_type is not None else _string_list
        return click.Option([flag, field.name], multiple=True, callback=callback, help=help_text)
    if field.type == FieldDescriptor.TYPE_BOOL:
        return click.Option(
            [f"{flag}/--no-{kebab_case(field.name)}", field.name], default=None, help=help_text
        )
    if field.type == FieldDescriptor.TYPE_STRING:
        return click.Option(
            [flag, field.name], type=click.STRING, callback=_string_value, help=help_text
        )
    # The request messages have strings, bools and integers only.
    return click.Option([flag, field.name], type=click.INT, help=help_text)


def spread_list_values(args: Sequence[str], list_flags: set[str]) -> list[str]:
    """Repeats a list flag before each of the values that follow it, so `--tag-keys a b` is
    read as `--tag-keys a --tag-keys b`, like the aws CLI."""
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


def parameters_from_input_json(
    text: str, fields: Mapping[str, FieldDescriptor], member_names: Mapping[str, str]
) -> dict[str, object]:
    """`--cli-input-json`: a JSON object of the operation's input members (AWS's names,
    `UserName`), as keyword arguments (`user_name`). Unknown members and values of the wrong
    type are usage errors, so nothing is sent that the command line could not have said.

    `fields`: the request fields by Python name; `member_names`: AWS name -> Python name.
    """
    try:
        document = json.loads(read_file_value(text))
    except click.BadParameter as error:
        raise usage_error(f"--cli-input-json: {error.message}") from None
    except json.JSONDecodeError as error:
        raise usage_error(f"invalid JSON in --cli-input-json: {error.msg}") from None
    if not isinstance(document, dict):
        raise usage_error("--cli-input-json must be a JSON object of the operation's parameters")
    parameters: dict[str, object] = {}
    for member, value in document.items():
        name = member_names.get(member)
        if name is None:
            raise usage_error(f"unknown parameter in --cli-input-json: `{member}`")
        if value is not None:
            parameters[name] = _checked(member, value, fields[name])
    return parameters


def _checked(member: str, value: object, field: FieldDescriptor) -> object:
    if field.is_repeated:
        if not isinstance(value, list):
            raise usage_error(f"--cli-input-json: `{member}` must be a list")
        element_type = dict if field.message_type is not None else str
        if not all(isinstance(item, element_type) for item in value):
            kind = "objects" if element_type is dict else "strings"
            raise usage_error(f"--cli-input-json: `{member}` must be a list of {kind}")
        return value
    if field.type == FieldDescriptor.TYPE_BOOL:
        expected: type = bool
    elif field.type == FieldDescriptor.TYPE_STRING:
        expected = str
    else:
        expected = int
    # bool is an int in Python; JSON's true is not a number.
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise usage_error(f"--cli-input-json: `{member}` must be a {expected.__name__}")
    return value
