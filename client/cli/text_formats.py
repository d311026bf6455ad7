"""The aws CLI's `text` and `yaml` output formats, rendered from the JSON value of a result.

text (https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-output-format.html): one
tab-separated line per object, its scalar members in the order of their names; the objects of
a list share the columns of every scalar member any of them has; a nested object or list is
written after its parent's line, each line of a list item prefixed with the upper-cased name of
the member that holds it.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # output.py renders through this module: no import cycle at run time
    from iamstore.client.cli.output import Json

# A string YAML reads back as the same string when written bare: no indicator first, nothing
# YAML would take as a number, boolean, null, date or comment.
_PLAIN_YAML = re.compile(r"[A-Za-z_/][A-Za-z0-9_./@+=,-]*")
_YAML_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "null", "y", "n"})


def _text_scalar(value: Json) -> str:
    # The aws CLI writes Python's spelling of each scalar (True, None).
    return str(value)


def _is_scalar(value: Json) -> bool:
    return not isinstance(value, dict | list)


def render_text(data: Json) -> str:
    lines: list[str] = []
    _text(data, None, None, lines)
    return "\n".join(lines)


def _text(data: Json, identifier: str | None, columns: list[str] | None, lines: list[str]) -> None:
    if isinstance(data, dict):
        _text_object(data, identifier, columns, lines)
    elif isinstance(data, list):
        _text_list(data, identifier, lines)
    else:
        lines.append(_text_scalar(data))


def _text_object(
    data: dict[str, Json], identifier: str | None, columns: list[str] | None, lines: list[str]
) -> None:
    if columns is None:
        columns = sorted(key for key, value in data.items() if _is_scalar(value))
        nested = sorted(key for key, value in data.items() if not _is_scalar(value))
    else:
        nested = sorted(key for key in data if key not in columns)
    if columns:
        cells = [_text_scalar(data.get(column, "")) for column in columns]
        lines.append("\t".join(([identifier.upper()] if identifier else []) + cells))
    for key in nested:
        _text(data[key], key, None, lines)


def _text_list(data: list[Json], identifier: str | None, lines: list[str]) -> None:
    if not data:
        return
    if any(isinstance(item, dict) for item in data):
        # INVARIANT: every object of the list is written with the same columns.
        columns = sorted(
            {
                key
                for item in data
                if isinstance(item, dict)
                for key, value in item.items()
                if _is_scalar(value)
            }
        )
        for item in data:
            _text(item, identifier, columns if isinstance(item, dict) else None, lines)
        return
    scalars = [item for item in data if _is_scalar(item)]
    if scalars:
        if identifier is None:
            lines.append("\t".join(_text_scalar(item) for item in scalars))
        else:
            lines += [f"{identifier.upper()}\t{_text_scalar(item)}" for item in scalars]
    for item in data:
        if not _is_scalar(item):
            _text(item, identifier, None, lines)


def render_yaml(data: Json) -> str:
    """YAML for a JSON value: block style, strings bare where YAML reads them back unchanged
    and double-quoted (JSON's escapes, which YAML shares) everywhere else."""
    return "\n".join(_yaml(data, 0))


def _yaml_scalar(value: Json) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    assert isinstance(value, str)
    if _PLAIN_YAML.fullmatch(value) and value.lower() not in _YAML_WORDS:
        return value
    return json.dumps(value, ensure_ascii=False)


def _yaml(data: Json, indent: int) -> list[str]:
    pad = " " * indent
    if isinstance(data, dict):
        if not data:
            return [pad + "{}"]
        lines: list[str] = []
        for key, value in data.items():
            label = pad + _yaml_scalar(key) + ":"
            if isinstance(value, dict) and value:
                lines += [label, *_yaml(value, indent + 2)]
            elif isinstance(value, list) and value:
                lines += [label, *_yaml(value, indent)]
            else:
                lines.append(f"{label} {_yaml(value, 0)[0]}")
        return lines
    if isinstance(data, list):
        if not data:
            return [pad + "[]"]
        lines = []
        for item in data:
            nested = _yaml(item, indent + 2)
            # The first line of the item goes after the dash, the rest keep their indent.
            lines.append(pad + "- " + nested[0][indent + 2 :])
            lines += nested[1:]
        return lines
    return [pad + _yaml_scalar(data)]
