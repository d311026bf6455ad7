"""The gRPC channels of a client and one unary call on them, once for asyncio, once blocking.

The only client code that differs between the two flavours beyond `async`/`await`: everything
else is written once, in _async.py, and generated for the blocking client.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import cast

import grpc
import grpc.aio
from google.protobuf.message import Message

from iamstore.client._operation import Operation
from iamstore.client._transport import CHANNEL_OPTIONS, Settings, identity
from iamstore.client.credentials import Credentials
from iamstore.client.providers import CredentialProvider, frozen_credentials, refresh_blocks

Metadata = tuple[tuple[str, str], ...]


class CallFailed(Exception):
    """A call answered with a status other than OK."""

    def __init__(self, code: grpc.StatusCode | None, details: str | None, trailers: Metadata):
        super().__init__(details)
        self.code = code
        self.details = details
        self.trailers = trailers


def _metadata(pairs: object) -> Metadata:
    # grpc.aio hands over a Metadata object, the blocking stack a tuple: both iterate pairs.
    return tuple(cast(Iterable[tuple[str, str]], pairs or ()))


class AsyncChannels:
    """One grpc.aio channel per endpoint, opened on first use inside the running event loop."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._open: dict[int, grpc.aio.Channel] = {}

    def _channel(self, index: int) -> grpc.aio.Channel:
        channel = self._open.get(index)
        if channel is None:
            endpoint = self._settings.endpoints[index]
            tls = self._settings.channel_credentials()
            if tls is None:
                channel = grpc.aio.insecure_channel(endpoint, options=CHANNEL_OPTIONS)
            else:
                channel = grpc.aio.secure_channel(endpoint, tls, options=CHANNEL_OPTIONS)
            self._open[index] = channel
        return channel

    async def credentials(self, provider: CredentialProvider) -> Credentials | None:
        """A snapshot of the credentials when taking one blocks, else None (sign takes it)."""
        if refresh_blocks(provider):
            # A refresh the credentials must wait for (they are about to expire) is a blocking
            # AssumeRole call: wait for it in a worker thread, never on the event loop.
            return await asyncio.to_thread(frozen_credentials, provider)
        return None

    async def call(
        self, index: int, operation: Operation[object], body: bytes, metadata: Metadata
    ) -> tuple[Message, Metadata]:
        """The response and trailing metadata of one call; CallFailed for any other status."""
        rpc = self._channel(index).unary_unary(
            operation.method_path,
            request_serializer=identity,
            response_deserializer=operation.response_type.FromString,
        )
        try:
            call = rpc(body, metadata=metadata, timeout=self._settings.timeout)
            response = await call
            trailers = await call.trailing_metadata()
        except grpc.aio.AioRpcError as error:
            raise CallFailed(
                error.code(), error.details(), _metadata(error.trailing_metadata())
            ) from None
        return cast(Message, response), _metadata(trailers)

    async def close(self) -> None:
        channels = list(self._open.values())
        self._open.clear()
        for channel in channels:
            await channel.close(None)  # None: cancel calls in flight at once


class SyncChannels:
    """One blocking grpc channel per endpoint, opened on first use."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._open: dict[int, grpc.Channel] = {}

    def _channel(self, index: int) -> grpc.Channel:
        channel = self._open.get(index)
        if channel is None:
            endpoint = self._settings.endpoints[index]
            tls = self._settings.channel_credentials()
            if tls is None:
                channel = grpc.insecure_channel(endpoint, options=CHANNEL_OPTIONS)
            else:
                channel = grpc.secure_channel(endpoint, tls, options=CHANNEL_OPTIONS)
            self._open[index] = channel
        return channel

    def credentials(self, provider: CredentialProvider) -> Credentials | None:
        """None: a blocking client may block while sign takes the snapshot."""
        return None

    def call(
        self, index: int, operation: Operation[object], body: bytes, metadata: Metadata
    ) -> tuple[Message, Metadata]:
        rpc = self._channel(index).unary_unary(
            operation.method_path,
            request_serializer=identity,
            response_deserializer=operation.response_type.FromString,
        )
        try:
            response, call = rpc.with_call(body, metadata=metadata, timeout=self._settings.timeout)
        except grpc.RpcError as error:
            # A blocking channel's failed call raises an object that is also a grpc.Call.
            failed = cast(grpc.Call, error)
            raise CallFailed(
                failed.code(), failed.details(), _metadata(failed.trailing_metadata())
            ) from None
        return cast(Message, response), _metadata(call.trailing_metadata())

    def close(self) -> None:
        channels = list(self._open.values())
        self._open.clear()
        for channel in channels:
            channel.close()
