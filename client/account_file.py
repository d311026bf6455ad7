"""The document `aws iam get-account-authorization-details` prints: read (one merged document
or its pages) into ImportAccount's parts, and written back from GetAccountAuthorizationDetails.

Reading checks the document's shape only (objects where AWS has structures, strings, numbers,
booleans and dates where it has those), naming the place of anything else; the node checks
every value as the Create* operations would. Members iamstore does not keep (RoleLastUsed)
and members it does not know are ignored.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast
from urllib.parse import unquote

from google.protobuf.descriptor import Descriptor, FieldDescriptor

from iamstore.client._operation import snake_case
from iamstore.client._sync import Client
from iamstore.client.results import ImportAccountResponse
from iamstore.v1 import iam_pb2

Json = None | bool | int | float | str | list["Json"] | dict[str, "Json"]

# The document's lists, in the order the aws CLI prints them, with their protobuf messages.
LISTS: tuple[tuple[str, Descriptor], ...] = tuple(
    (member, cast(Descriptor, message.DESCRIPTOR))
    for member, message in (
        ("UserDetailList", iam_pb2.UserDetail),
        ("GroupDetailList", iam_pb2.GroupDetail),
        ("RoleDetailList", iam_pb2.RoleDetail),
        ("Policies", iam_pb2.ManagedPolicyDetail),
    )
)
# Members holding a policy document: the aws CLI prints them as objects; IAM takes text.
_DOCUMENTS = frozenset({"policy_document", "assume_role_policy_document", "document"})
# How much of the document one ImportAccount request carries (a node takes 4 MiB at most).
PART_CHARS = 1_500_000


class AccountFileError(ValueError):
    """The document is not what get-account-authorization-details prints; says where."""


@dataclass(frozen=True, slots=True)
class AccountDocument:
    """The entities of one account, each as ImportAccount's parameters take it."""

    lists: dict[str, list[dict[str, object]]]

    def count(self) -> int:
        return sum(len(items) for items in self.lists.values())

    def parts(self, part_chars: int = PART_CHARS) -> Iterator[tuple[dict[str, list[object]], int]]:
        """ImportAccount's list parameters, a request's worth at a time, with the number of
        entities in each."""
        current: dict[str, list[object]] = {}
        size = count = 0
        for member, _ in LISTS:
            for item in self.lists[member]:
                chars = len(json.dumps(item, default=str))
                if count and size + chars > part_chars:
                    yield current, count
                    current, size, count = {}, 0, 0
                current.setdefault(snake_case(member), []).append(item)
                size += chars
                count += 1
        yield current, count


def read_documents(texts: Sequence[tuple[str, str]]) -> AccountDocument:
    """One account from one or more documents (name, JSON text): a merged document, or the
    pages of a paginated call, whose lists are joined."""
    lists: dict[str, list[dict[str, object]]] = {member: [] for member, _ in LISTS}
    for name, text in texts:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as error:
            raise AccountFileError(f"{name}: not JSON: {error}") from None
        if not isinstance(data, dict):
            raise AccountFileError(f"{name}: expected a JSON object at the top")
        if not any(member in data for member, _ in LISTS):
            raise AccountFileError(
                f"{name}: none of {', '.join(m for m, _ in LISTS)}: not the output of "
                "get-account-authorization-details"
            )
        for member, descriptor in LISTS:
            items = data.get(member, [])
            if not isinstance(items, list):
                raise AccountFileError(f"{name}: {member}: expected a list")
            for item in items:
                where = f"{name}: {member}[{len(lists[member])}]"
                lists[member].append(_message(item, descriptor, where))
    return AccountDocument(lists)


def _message(value: Json, descriptor: Descriptor, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise AccountFileError(f"{where}: expected an object")
    out: dict[str, object] = {}
    for key, item in value.items():
        field = descriptor.fields_by_name.get(snake_case(key))
        if field is None or item is None:
            continue
        out[field.name] = _value(item, field, f"{where}.{key}")
    return out


def _value(value: Json, field: FieldDescriptor, where: str) -> object:
    if field.is_repeated:
        if not isinstance(value, list):
            raise AccountFileError(f"{where}: expected a list")
        return [_single(item, field, f"{where}[{i}]") for i, item in enumerate(value)]
    return _single(value, field, where)


def _single(value: Json, field: FieldDescriptor, where: str) -> object:
    nested = field.message_type
    if nested is not None and nested.full_name == "google.protobuf.Timestamp":
        if not isinstance(value, str):
            raise AccountFileError(f"{where}: expected a date, got {json.dumps(value)}")
        try:
            stamp = datetime.fromisoformat(value)
        except ValueError:
            raise AccountFileError(f"{where}: `{value}` is not an ISO 8601 date") from None
        if stamp.tzinfo is None:
            raise AccountFileError(f"{where}: `{value}` has no time zone")
        return stamp
    if nested is not None:
        return _message(value, nested, where)
    if field.name in _DOCUMENTS:
        return _document(value, where)
    if field.type == FieldDescriptor.TYPE_BOOL:
        if not isinstance(value, bool):
            raise AccountFileError(f"{where}: expected true or false, got {json.dumps(value)}")
        return value
    if field.type in (FieldDescriptor.TYPE_INT32, FieldDescriptor.TYPE_INT64):
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) >= 2**31:
            raise AccountFileError(f"{where}: expected an integer, got {json.dumps(value)}")
        return value
    if not isinstance(value, str):
        raise AccountFileError(f"{where}: expected a string, got {json.dumps(value)[:80]}")
    return value


def _document(value: Json, where: str) -> str:
    """A policy document as IAM takes it: the aws CLI's object back as JSON text; text as IAM
    returns it (URL-encoded) decoded."""
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        return unquote(value) if value.startswith("%7B") else value
    raise AccountFileError(f"{where}: expected a policy document object")


def merged(pages: Sequence[Mapping[str, Json]]) -> dict[str, Json]:
    """The pages of GetAccountAuthorizationDetails (as the CLI prints each) as one document,
    as the aws CLI merges them: the four lists, in its order, without IsTruncated or Marker."""
    out: dict[str, Json] = {}
    for member, _ in LISTS:
        items: list[Json] = []
        for page in pages:
            found = page.get(member)
            if isinstance(found, list):
                items += found
        out[member] = items
    return out


def import_document(
    client: Client,
    document: AccountDocument,
    account_id: str,
    *,
    replace: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    part_chars: int = PART_CHARS,
) -> ImportAccountResponse:
    """Sends the document to the node in parts and commits it with the last one (nothing is
    written before: a refused part leaves the account as it was). `progress(sent, total)`
    is called after each part."""
    import_id = secrets.token_hex(8)
    parts = list(document.parts(part_chars))
    total = document.count()
    sent = 0
    result: ImportAccountResponse | None = None
    for index, (lists, count) in enumerate(parts):
        last = index == len(parts) - 1
        result = client.import_account(
            import_id=import_id,
            account_id=account_id,
            commit=True if last else None,
            replace=replace if last else None,
            dry_run=dry_run if last else None,
            part_number=index + 1,
            part_count=len(parts),
            **lists,  # type: ignore[arg-type]
        )
        sent += count
        if progress is not None:
            progress(sent, total)
    assert result is not None  # parts() yields at least one part
    return result
