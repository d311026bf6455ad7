"""Paginators like boto3's: walk every page of a Marker/MaxItems/IsTruncated list operation."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from typing import Generic, Protocol, TypeVar

from iamstore.client.errors import ServiceFailureError


class Page(Protocol):
    """What every paginated result carries (AWS: `IsTruncated` and `Marker`)."""

    @property
    def is_truncated(self) -> bool | None: ...

    @property
    def marker(self) -> str | None: ...


P_co = TypeVar("P_co", bound=Page, covariant=True)


class _Pages:
    """The page-walking rule both paginators share.

    AWS: while `IsTruncated` is true, call again with `Marker` set to the returned `Marker`.
    A marker seen twice would loop forever, so it ends the walk with an error instead.
    """

    def __init__(self, operation_name: str, params: Mapping[str, object]) -> None:
        self._operation_name = operation_name
        self.params = dict(params)
        self._seen: set[str] = set()

    def advance(self, page: Page) -> bool:
        """Whether there is a next page; if so `params` now asks for it."""
        if not page.is_truncated or not page.marker:
            return False
        if page.marker in self._seen:
            raise ServiceFailureError(
                "ServiceFailure",
                f"pagination stalled: marker `{page.marker}` was returned twice",
                operation_name=self._operation_name,
            )
        self._seen.add(page.marker)
        self.params["marker"] = page.marker
        return True


class Paginator(Generic[P_co]):
    """`paginate(**params)` yields every page; `max_items` is the size of each page."""

    def __init__(self, operation_name: str, fetch: Callable[[Mapping[str, object]], P_co]) -> None:
        self._operation_name = operation_name
        self._fetch = fetch

    def paginate(self, **params: object) -> Iterator[P_co]:
        pages = _Pages(self._operation_name, params)
        while True:
            page = self._fetch(pages.params)
            yield page
            if not pages.advance(page):
                return


class AsyncPaginator(Generic[P_co]):
    """`async for page in paginate(**params)` yields every page."""

    def __init__(
        self, operation_name: str, fetch: Callable[[Mapping[str, object]], Awaitable[P_co]]
    ) -> None:
        self._operation_name = operation_name
        self._fetch = fetch

    async def paginate(self, **params: object) -> AsyncIterator[P_co]:
        pages = _Pages(self._operation_name, params)
        while True:
            page = await self._fetch(pages.params)
            yield page
            if not pages.advance(page):
                return
