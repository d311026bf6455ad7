"""The aws CLI's global options, accepted anywhere on a command line, and `--endpoint-url`
mapped onto a node's gRPC endpoint.

The aws CLI reads its global options before or after the command
(https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-options.html); click reads a
group's options only before its subcommand, so they are moved there first.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


def hoist_global_options(
    args: Sequence[str], takes_value: Mapping[str, bool], commands: Collection[str]
) -> list[str]:
    """`args` with every global option (a key of `takes_value`, True when it takes a value)
    that follows one of `commands` moved before that command.

    Lines of other commands are left alone (their own options may share a global's name), and
    so is everything after `--`.
    """
    index = _command_index(args, takes_value)
    if index is None or args[index] not in commands:
        return list(args)
    hoisted: list[str] = []
    rest: list[str] = []
    position = index + 1
    while position < len(args):
        arg = args[position]
        if arg == "--":
            rest += args[position:]
            break
        name, equals, _ = arg.partition("=")
        if name not in takes_value:
            rest.append(arg)
        elif not takes_value[name] or equals:
            hoisted.append(arg)
        elif position + 1 < len(args):
            hoisted += [arg, args[position + 1]]
            position += 1
        else:
            rest.append(arg)  # a missing value: click reports it where it was written
        position += 1
    return [*args[:index], *hoisted, args[index], *rest]


def _command_index(args: Sequence[str], takes_value: Mapping[str, bool]) -> int | None:
    """Where the subcommand is: the first argument that is neither an option nor its value."""
    position = 0
    while position < len(args):
        arg = args[position]
        if not arg.startswith("-"):
            return position
        if arg == "--":
            return position + 1 if position + 1 < len(args) else None
        if "=" not in arg and takes_value.get(arg, False):
            position += 1
        position += 1
    return None


@dataclass(frozen=True, slots=True)
class EndpointUrl:
    """Where `--endpoint-url` points: a node's gRPC `host:port`, with TLS or without."""

    endpoint: str
    tls: bool


def parse_endpoint_url(url: str) -> EndpointUrl:
    """`http://host:port` is the node's gRPC port in plaintext, `https://host:port` with TLS;
    without a port, 80 and 443. Raises ValueError for anything else (a path, a query, user
    information), so a mistyped URL never silently reaches some other address."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise ValueError(f"invalid endpoint URL `{url}`: {error}") from None
    if parts.scheme not in _DEFAULT_PORTS:
        raise ValueError(f"invalid endpoint URL `{url}`: the scheme must be http or https")
    if not parts.hostname:
        raise ValueError(f"invalid endpoint URL `{url}`: it names no host")
    if parts.username is not None or parts.password is not None:
        raise ValueError(f"invalid endpoint URL `{url}`: user information is not allowed")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"invalid endpoint URL `{url}`: a node's endpoint has no path or query")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    port = port if port is not None else _DEFAULT_PORTS[parts.scheme]
    if port == 0:
        raise ValueError(f"invalid endpoint URL `{url}`: port 0 names no listener")
    return EndpointUrl(endpoint=f"{host}:{port}", tls=parts.scheme == "https")
