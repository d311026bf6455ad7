"""The asyncio client: one method per operation, with endpoint failover.

_async.py is written by hand and is the source of _sync.py (scripts/genclient).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import TypeVar

from iamstore.client._async_operations import AsyncOperations
from iamstore.client._channels import AsyncChannels, CallFailed
from iamstore.client._convert import MalformedResponse, build_request, to_result
from iamstore.client._operation import Operation
from iamstore.client._transport import (
    DEFAULT_ENDPOINT,
    DEFAULT_HOST,
    DEFAULT_REGION,
    DEFAULT_TIMEOUT,
    ConsistencyTokens,
    FailoverOrder,
    Settings,
    TlsCa,
    at_least_metadata,
    error_for_status,
    is_unavailable,
    unavailable_error,
)
from iamstore.client.errors import ServiceFailureError
from iamstore.client.providers import CredentialProvider

R = TypeVar("R")


class AsyncClient(AsyncOperations):
    """An asyncio iamstore client; methods and parameters follow boto3's IAM and STS clients.

    `AsyncClient("127.0.0.1:7001", credentials=Credentials(key_id, secret))`, or a list of
    endpoints to fail over between. Without `credentials`, they are resolved like the AWS
    SDKs do (environment, shared credentials file, config file). `tls_ca` (a CA file, its PEM
    bytes, or True for the system roots) makes every channel TLS; by default they are plaintext.
    Channels open on first use; close them with `close()` or by using the client as a context
    manager (`async with AsyncClient(...) as client`).
    """

    def __init__(
        self,
        endpoints: str | Sequence[str] = DEFAULT_ENDPOINT,
        *,
        credentials: CredentialProvider | None = None,
        region: str = DEFAULT_REGION,
        host: str = DEFAULT_HOST,
        timeout: float | None = DEFAULT_TIMEOUT,
        read_your_writes: bool = False,
        tls_ca: TlsCa = None,
    ) -> None:
        self._settings = Settings.build(endpoints, credentials, region, host, timeout, tls_ca)
        # Every write's token is remembered; with read_your_writes, every call sends them all,
        # so any node answers only once it has applied this client's own writes.
        self._tokens = ConsistencyTokens()
        self._read_your_writes = read_your_writes
        self._order = FailoverOrder(len(self._settings.endpoints))
        self._channels = AsyncChannels(self._settings)

    @property
    def endpoints(self) -> tuple[str, ...]:
        return self._settings.endpoints

    @property
    def consistency_token(self) -> str | None:
        """The tokens of every write this client made: pass as `at_least=` to another client."""
        return self._tokens.encode()

    async def close(self) -> None:
        await self._channels.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def _call(self, operation: Operation[R], params: Mapping[str, object]) -> R:
        """Sends one signed request, failing over to the next endpoint on UNAVAILABLE."""
        arguments = {
            name: value for name, value in params.items() if name not in ("self", "at_least")
        }
        at_least = params.get("at_least")
        wait_for = at_least_metadata(
            at_least if isinstance(at_least, str) else None,
            self._tokens if self._read_your_writes else None,
        )
        body = build_request(operation, arguments).SerializeToString()
        snapshot = await self._channels.credentials(self._settings.credentials)
        last_details: str | None = None
        for index in self._order.attempts():
            # Signed per attempt: the signature is dated, and a failover may come much later.
            metadata = self._settings.sign(operation, body, snapshot) + wait_for
            try:
                response, trailers = await self._channels.call(index, operation, body, metadata)
            except CallFailed as failed:
                if is_unavailable(failed.code):
                    last_details = failed.details
                    continue
                raise error_for_status(
                    operation, failed.code, failed.details, failed.trailers
                ) from None
            self._tokens.merge_trailers(trailers)
            self._order.answered(index)
            try:
                return to_result(operation, response)
            except MalformedResponse as malformed:
                raise ServiceFailureError(
                    "ServiceFailure", str(malformed), operation_name=operation.name
                ) from None
        raise unavailable_error(operation, self._settings.endpoints, last_details)
