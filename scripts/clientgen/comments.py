"""The comments of the .proto files, by message, field and method, for the generated docstrings.

The compiled descriptors iamstore.v1 holds carry no comments, so the .proto files are compiled
once more with their source info.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from google.protobuf import descriptor_pb2

# Paths into a FileDescriptorProto (descriptor.proto's field numbers).
_MESSAGE = 4
_SERVICE = 6
_FIELD = 2
_METHOD = 2


@dataclass(frozen=True, slots=True)
class Comments:
    """Comment text by full name: `iamstore.v1.User`, `iamstore.v1.User.path`,
    `iamstore.v1.Authz.Authorize`. Empty when a .proto says nothing."""

    by_name: dict[str, str] = field(default_factory=dict)

    def of(self, full_name: str) -> str | None:
        return self.by_name.get(full_name)


def _text(location: descriptor_pb2.SourceCodeInfo.Location) -> str | None:
    parts = [location.leading_comments, location.trailing_comments]
    lines = [" ".join(part.split()) for part in parts if part.strip()]
    return " ".join(lines) or None


def comments_of(files: descriptor_pb2.FileDescriptorSet) -> Comments:
    found: dict[str, str] = {}
    for file in files.file:
        for location in file.source_code_info.location:
            text = _text(location)
            if text is None:
                continue
            path = list(location.path)
            name = _name_at(file, path)
            if name is not None:
                found[name] = text
    return Comments(found)


def _name_at(file: descriptor_pb2.FileDescriptorProto, path: list[int]) -> str | None:
    """The full name of the top-level message, its field, the service or its method at `path`."""
    package = file.package
    if len(path) >= 2 and path[0] == _MESSAGE:
        message = file.message_type[path[1]]
        if len(path) == 2:
            return f"{package}.{message.name}"
        if len(path) == 4 and path[2] == _FIELD:
            return f"{package}.{message.name}.{message.field[path[3]].name}"
    if len(path) >= 2 and path[0] == _SERVICE:
        service = file.service[path[1]]
        if len(path) == 2:
            return f"{package}.{service.name}"
        if len(path) == 4 and path[2] == _METHOD:
            return f"{package}.{service.name}.{service.method[path[3]].name}"
    return None


def read_comments(proto_root: Path) -> Comments:
    """The comments of every .proto under `proto_root`/iamstore/v1 (needs grpcio-tools)."""
    sources = sorted(str(p.relative_to(proto_root)) for p in proto_root.glob("iamstore/v1/*.proto"))
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "set.pb"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "grpc_tools.protoc",
                "-I",
                str(proto_root),
                "--include_source_info",
                f"--descriptor_set_out={out}",
                *sources,
            ],
            check=True,
            cwd=proto_root,
        )
        files = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())
    return comments_of(files)
