"""The aws CLI's pagination (https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-pagination.html):
every page fetched and the result lists joined, `--max-items` stopping early with a `NextToken`
that `--starting-token` resumes from, `--page-size` setting the size of each call."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass

from iamstore.client.cli.output import Json
from iamstore.client.cli.service_model import PaginationSpec

NEXT_TOKEN = "NextToken"
# A starting token is a few hundred characters; anything much longer is not one of ours.
MAX_TOKEN_LENGTH = 4096
# A node answering "truncated" forever with fresh markers must not keep the CLI busy forever:
# 10,000 pages is ten million items at IAM's largest page size.
MAX_PAGES = 10_000


class PaginationError(Exception):
    """A starting token that is not one this CLI wrote, or a node that pages without end."""


@dataclass(frozen=True, slots=True)
class PagingOptions:
    max_items: int | None = None
    page_size: int | None = None
    # The marker inside --starting-token (decode_token), checked before any call.
    starting_marker: str | None = None


def encode_token(marker: str) -> str:
    """The NextToken for a marker: base64 of a JSON object, as botocore writes its tokens."""
    return base64.b64encode(json.dumps({"Marker": marker}).encode()).decode()


def decode_token(token: str) -> str:
    """The marker inside a NextToken; raises PaginationError for anything else."""
    if len(token) > MAX_TOKEN_LENGTH:
        raise PaginationError(f"bad starting token: longer than {MAX_TOKEN_LENGTH} characters")
    try:
        decoded = json.loads(base64.b64decode(token, validate=True))
    except (binascii.Error, ValueError):
        raise PaginationError(f"bad starting token `{token}`: not a NextToken") from None
    if not isinstance(decoded, dict) or set(decoded) != {"Marker"}:
        raise PaginationError(f"bad starting token `{token}`: not a NextToken")
    marker = decoded["Marker"]
    if not isinstance(marker, str) or not marker:
        raise PaginationError(f"bad starting token `{token}`: not a NextToken")
    return marker


# Fetches one page: (marker or None for the first page, the page's item limit or None for
# the service's default) -> the page as the aws CLI's JSON.
FetchPage = Callable[[str | None, int | None], Json]


def paginate(fetch: FetchPage, spec: PaginationSpec, options: PagingOptions) -> dict[str, Json]:
    """Every page from the starting marker on, joined, up to `--max-items` items.

    Each call asks for no more items than are still wanted, so a page never has to be cut and
    the NextToken is always a marker the node itself returned.
    """
    marker = options.starting_marker
    joined: dict[str, Json] = {}
    collected = 0
    seen: set[str] = set()
    for _ in range(MAX_PAGES):
        limit = options.page_size
        if options.max_items is not None:
            remaining = options.max_items - collected
            limit = remaining if limit is None else min(limit, remaining)
        page = fetch(marker, limit)
        if not isinstance(page, dict):
            raise PaginationError(f"a page of results is not an object: `{page!r}`")
        for key, value in page.items():
            if key in spec.result_keys:
                items = value if isinstance(value, list) else []
                previous = joined.setdefault(key, [])
                assert isinstance(previous, list)
                previous += items
                # INVARIANT: collected counts every item of every result list printed.
                collected += len(items)
            elif key not in (spec.output_token, spec.more_results):
                joined.setdefault(key, value)  # the rest as the first page has it
        following = page.get(spec.output_token) if page.get(spec.more_results) else None
        if not isinstance(following, str) or not following:
            return joined
        if following in seen:
            raise PaginationError(f"pagination stalled: marker `{following}` was returned twice")
        seen.add(following)
        if options.max_items is not None and collected >= options.max_items:
            joined[NEXT_TOKEN] = encode_token(following)
            return joined
        marker = following
    raise PaginationError(f"the node returned more than {MAX_PAGES} pages")
