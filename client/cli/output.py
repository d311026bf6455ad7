"""How the CLI prints results as the aws CLI does: AWS's PascalCase members, ISO 8601 times,
policy documents as objects, in the json, text, table or yaml format."""

from __future__ import annotations

import base64
import dataclasses
import functools
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from enum import Enum
from urllib.parse import unquote

from botocore import xform_name
from botocore.loaders import create_loader

from iamstore.client.cli.text_formats import render_text, render_yaml

Json = None | bool | int | float | str | list["Json"] | dict[str, "Json"]


class OutputFormat(Enum):
    JSON = "json"
    TABLE = "table"
    TEXT = "text"
    YAML = "yaml"


def _naive_pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


@functools.cache
def _aws_spellings() -> dict[str, str]:
    """Members of AWS's IAM and STS models whose spelling plain PascalCase misses, by their
    snake_case name: `saml_provider_arn` -> `SAMLProviderArn`, `mfa_devices` -> `MFADevices`."""
    loader = create_loader()
    spellings: dict[str, set[str]] = {}
    for service in ("iam", "sts"):
        model = loader.load_service_model(service, "service-2")
        for shape in model["shapes"].values():
            for member in shape.get("members", {}):
                spellings.setdefault(xform_name(member), set()).add(member)
    return {
        snake: members.pop()
        for snake, members in spellings.items()
        # INVARIANT: only unambiguous names; `message`/`Message` and the like stay PascalCase.
        if len(members) == 1 and _naive_pascal(snake) not in members
    }


def pascal_case(name: str) -> str:
    """`user_name` -> `UserName`, the member names of AWS's API and of the aws CLI output
    (AWS's own spelling where it keeps an acronym whole: `SAMLProviderArn`)."""
    return _aws_spellings().get(name) or _naive_pascal(name)


def to_aws(value: object, *, top_level: bool = True, exact_times: bool = False) -> Json:
    """A result dataclass as the aws CLI shows it: PascalCase keys, ISO 8601 dates (to the
    second like IAM's; `exact_times` keeps the microseconds, for iamstore's own audit events).

    Absent fields are left out; an empty list is kept at the top level (`"Users": []`) and
    left out inside entities, where AWS omits members it has nothing to say about.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Json] = {}
        for spec in dataclasses.fields(value):
            item = getattr(value, spec.name)
            if item is None or (not top_level and isinstance(item, tuple) and not item):
                continue
            out[pascal_case(spec.name)] = to_aws(item, top_level=False, exact_times=exact_times)
        return out
    if isinstance(value, datetime):
        return value.isoformat() if exact_times else aws_timestamp(value)
    if isinstance(value, Mapping):
        return {
            str(key): to_aws(item, top_level=False, exact_times=exact_times)
            for key, item in value.items()
        }
    if isinstance(value, tuple | list):
        return [to_aws(item, top_level=False, exact_times=exact_times) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, bytes):  # a blob, as the aws CLI prints one: base64
        return base64.b64encode(value).decode()
    raise TypeError(f"cannot print a value of type {type(value).__name__}")


def aws_timestamp(value: datetime) -> str:
    """`2024-05-01T12:30:15+00:00`: the aws CLI v2 prints times in ISO 8601 (its default
    `cli_timestamp_format`, https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html)
    as IAM sends them, in UTC to the second."""
    if value.tzinfo is None:  # the client's datetimes are aware; a naive one is UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def decode_policy_documents(data: Json, paths: Sequence[Sequence[str]]) -> Json:
    """The members at `paths` (member names, `[]` for every list element) decoded from JSON
    text into objects, as the aws CLI prints IAM's policy documents.

    IAM's Query API sends them URL-encoded; botocore decodes them for the aws CLI. A value that
    is not a JSON object is left as it is.
    """
    for path in paths:
        data = _decode_at(data, tuple(path))
    return data


def _decode_at(data: Json, path: tuple[str, ...]) -> Json:
    if not path:
        return _policy_object(data)
    head, rest = path[0], path[1:]
    if head == "[]":
        return [_decode_at(item, rest) for item in data] if isinstance(data, list) else data
    if isinstance(data, dict) and head in data:
        return {**data, head: _decode_at(data[head], rest)}
    return data


def _policy_object(value: Json) -> Json:
    if not isinstance(value, str):
        return value
    for text in (value, unquote(value)):
        try:
            decoded: Json = json.loads(text)
        except (ValueError, RecursionError):  # not JSON, or nested beyond any policy's depth
            continue
        if isinstance(decoded, dict):
            return decoded
    return value


def render(data: Json, output: OutputFormat, title: str) -> str:
    if output is OutputFormat.JSON:
        return json.dumps(data, indent=4, ensure_ascii=False)
    if output is OutputFormat.TEXT:
        return render_text(data)
    if output is OutputFormat.YAML:
        return render_yaml(data)
    return "\n".join(_table_section(title, data))


def _scalar_text(value: Json) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return "" if value is None else str(value)


def _is_scalar(value: Json) -> bool:
    return not isinstance(value, dict | list)


def _table_section(title: str, data: Json) -> list[str]:
    """One box per object: its scalar members as rows, then one box per nested member; an
    object without scalars still gets its title, as the aws CLI's table has the operation's."""
    if isinstance(data, dict):
        rows = [[key, _scalar_text(value)] for key, value in data.items() if _is_scalar(value)]
        nested: list[str] = []
        for key, value in data.items():
            if not _is_scalar(value):
                nested += _table_section(key, value)
        if rows:
            return _box(title, None, rows) + nested
        width = max((len(line) for line in nested), default=len(title) + 4)
        return ["-" * width, "|" + title.center(width - 2) + "|", *nested]
    if isinstance(data, list):
        if all(isinstance(item, dict) for item in data):
            columns: list[str] = []
            for item in data:
                assert isinstance(item, dict)
                columns += [key for key in item if key not in columns]
            rows = [
                [_scalar_text(item.get(column)) for column in columns]
                for item in data
                if isinstance(item, dict)
            ]
            return _box(title, columns, rows)
        return _box(title, None, [[_scalar_text(item)] for item in data])
    return _box(title, None, [[_scalar_text(data)]])


def _box(title: str, header: Sequence[str] | None, rows: Sequence[Sequence[str]]) -> list[str]:
    table = ([list(header)] if header else []) + [list(row) for row in rows]
    count = max((len(row) for row in table), default=1)
    widths = [max((len(row[i]) for row in table if i < len(row)), default=0) for i in range(count)]
    inner = max(sum(widths) + 3 * (count - 1), len(title))
    widths[-1] += inner - (sum(widths) + 3 * (count - 1))
    rule = "+" + "+".join("-" * (width + 2) for width in widths) + "+"

    def line(cells: Sequence[str]) -> str:
        padded = [cell.ljust(width) for cell, width in zip(cells, widths, strict=False)]
        return "| " + " | ".join(padded) + " |"

    lines = ["-" * (inner + 4), "|" + title.center(inner + 2) + "|", rule]
    if header:
        lines += [line(header), rule]
    lines += [line(row) for row in rows]
    lines.append(rule)
    return lines
