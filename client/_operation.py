"""What one RPC of the client is: its AWS name, method path, protobuf messages and result type."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Generic, TypeVar

from google.protobuf.message import Message

R_co = TypeVar("R_co", covariant=True)

# An acronym ends where its last capital starts a word ("MFADevice"); a word ends at a capital.
_ACRONYM_END = re.compile(r"([A-Z]+)([A-Z][a-z])")
_WORD_END = re.compile(r"([a-z\d])([A-Z])")


@functools.lru_cache(maxsize=4096)  # called per mapping key of every request item
def snake_case(name: str) -> str:
    """`CreateUser` -> `create_user`, `CreateVirtualMFADevice` -> `create_virtual_mfa_device`.

    The Python and boto3 spelling of an operation or a member (botocore's `xform_name`).
    """
    return _WORD_END.sub(r"\1_\2", _ACRONYM_END.sub(r"\1_\2", name)).lower()


@dataclass(frozen=True, slots=True)
class Operation(Generic[R_co]):
    """One RPC: what to send, where, and which dataclass the response becomes."""

    name: str
    method_path: str
    request_type: type[Message]
    response_type: type[Message]
    # None: the response message is empty and the call returns None.
    result_type: type[R_co] | None

    @property
    def python_name(self) -> str:
        return snake_case(self.name)

    @property
    def paginated(self) -> bool:
        """Whether the request takes Marker/MaxItems and the response says IsTruncated."""
        fields = self.request_type.DESCRIPTOR.fields_by_name
        return "marker" in fields and "max_items" in fields
