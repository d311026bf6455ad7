"""What the sync and async clients share: settings, endpoint failover order, signing, errors."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

import grpc

from iamstore.client._operation import Operation
from iamstore.client._tls import LoadedTlsCa, TlsCa, channel_credentials, load_tls_ca
from iamstore.client.credentials import Credentials
from iamstore.client.errors import IamError, error_from_wire
from iamstore.client.providers import CredentialProvider, frozen_credentials, resolve
from iamstore.wire.consistency import (
    AT_LEAST_KEY,
    TOKEN_KEY,
    TokenFormatError,
    format_token,
    merge_tokens,
    parse_token,
)
from iamstore.wire.errors import decode_error
from iamstore.wire.sigv4 import DEFAULT_HOST, DEFAULT_REGION, sign_grpc

DEFAULT_ENDPOINT = "127.0.0.1:7001"

# A node takes a few streams per connection at once (node/server.py): calls started on a new
# connection before its limit has arrived are refused (RST_STREAM REFUSED_STREAM, never seen
# by a handler) and end UNAVAILABLE. UNAVAILABLE means the call never reached a node (as
# `is_unavailable` has it), so gRPC itself tries again, briefly, on the same connection.
_RETRY_REFUSED = json.dumps(
    {
        "methodConfig": [
            {
                "name": [{}],
                "retryPolicy": {
                    "maxAttempts": 4,
                    "initialBackoff": "0.05s",
                    "maxBackoff": "0.5s",
                    "backoffMultiplier": 2,
                    "retryableStatusCodes": ["UNAVAILABLE"],
                },
            }
        ]
    }
)
# gRPC's default reconnect backoff grows to two minutes: a client would keep failing fast
# long after a restarted node is back. Retry the connection within a second instead.
CHANNEL_OPTIONS = (
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.min_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 1000),
    ("grpc.enable_retries", 1),
    ("grpc.service_config", _RETRY_REFUSED),
)
DEFAULT_TIMEOUT = 30.0

__all__ = ["DEFAULT_ENDPOINT", "DEFAULT_HOST", "DEFAULT_REGION", "DEFAULT_TIMEOUT", "TlsCa"]


def parse_endpoints(endpoints: str | Sequence[str]) -> tuple[str, ...]:
    """`"h:1,h:2"` or `["h:1", "h:2"]` -> `("h:1", "h:2")`; empty entries are dropped."""
    items = [endpoints] if isinstance(endpoints, str) else list(endpoints)
    parsed = tuple(part.strip() for item in items for part in item.split(",") if part.strip())
    if not parsed:
        raise ValueError("at least one endpoint is required, got none")
    return parsed


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a client needs to make a call, fixed at construction."""

    endpoints: tuple[str, ...]
    # Static keys, or a provider whose keys change (client.providers.AssumeRoleCredentials).
    credentials: CredentialProvider
    # IAM is a global service: AWS signs every IAM request for us-east-1, whatever the
    # caller's region, so the default does not read AWS_REGION.
    region: str
    host: str
    timeout: float | None
    # PEM bytes of the CA to verify nodes with; True: system roots; None: no TLS.
    tls_ca: LoadedTlsCa = None

    @classmethod
    def build(
        cls,
        endpoints: str | Sequence[str],
        credentials: CredentialProvider | None,
        region: str,
        host: str,
        timeout: float | None,
        tls_ca: TlsCa = None,
    ) -> Settings:
        parsed = parse_endpoints(endpoints)
        loaded = load_tls_ca(tls_ca)
        if credentials is None:  # role profiles assume their role through these endpoints
            credentials = resolve(endpoints=parsed, region=region, host=host, tls_ca=loaded)
        return cls(
            endpoints=parsed,
            credentials=credentials,
            region=region,
            host=host,
            timeout=timeout,
            tls_ca=loaded,
        )

    def channel_credentials(self) -> grpc.ChannelCredentials | None:
        """TLS credentials for the channels, or None for plaintext."""
        return channel_credentials(self.tls_ca)

    def sign(
        self, operation: Operation[object], body: bytes, credentials: Credentials | None = None
    ) -> tuple[tuple[str, str], ...]:
        """The signature metadata for these exact request bytes, dated now; with `credentials`,
        a snapshot already taken, else one taken now."""
        if credentials is None:
            credentials = frozen_credentials(self.credentials)  # one snapshot, never mixed
        metadata = sign_grpc(
            method_path=operation.method_path,
            body=body,
            access_key_id=credentials.access_key_id,
            secret_access_key=credentials.secret_access_key,
            session_token=credentials.session_token,
            region=self.region,
            host=self.host,
            now=datetime.now(UTC),
        )
        return tuple(metadata)


class FailoverOrder:
    """Which endpoint to try first: the last one that answered, then the rest in order.

    Only UNAVAILABLE moves on to the next endpoint: it means the call never reached a node
    able to process it, so retrying elsewhere cannot apply a write twice.
    """

    def __init__(self, count: int) -> None:
        self._count = count
        self._preferred = 0

    def attempts(self) -> Iterator[int]:
        start = self._preferred
        return iter([(start + offset) % self._count for offset in range(self._count)])

    def answered(self, index: int) -> None:
        self._preferred = index


def identity(body: bytes) -> bytes:
    """The request serializer: the bytes were serialized (and signed) before the call."""
    return body


def is_unavailable(status: grpc.StatusCode | None) -> bool:
    return status == grpc.StatusCode.UNAVAILABLE


def error_for_status(
    operation: Operation[object],
    status: grpc.StatusCode | None,
    details: str | None,
    trailers: object,
) -> IamError:
    """The typed exception for a failed call, from its status and trailing metadata."""
    if trailers is not None and not isinstance(trailers, tuple | list):
        # grpc.aio hands over a Metadata object; decode_error reads (key, value) sequences.
        trailers = tuple(cast(Iterable[tuple[str, str]], trailers))
    wire = decode_error(status or grpc.StatusCode.UNKNOWN, details, trailers)
    return error_from_wire(wire, operation.name)


def unavailable_error(
    operation: Operation[object], endpoints: Sequence[str], details: str | None
) -> IamError:
    reason = f": {details}" if details else ""
    message = f"no endpoint answered ({', '.join(f'`{e}`' for e in endpoints)}){reason}"
    wire = decode_error(grpc.StatusCode.UNAVAILABLE, message, ())
    return error_from_wire(wire, operation.name)


class ConsistencyTokens:
    """The writes a client has seen, as the highest sequence per origin node.

    Rendered as `origin:seq,origin:seq`: a node covers it once it has applied each of them.
    """

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def merge(self, token: str | None) -> None:
        """Adds a token's writes; a malformed token (never sent by a node) is ignored."""
        with contextlib.suppress(TokenFormatError):
            self._seen = merge_tokens((self._seen, parse_token(token or "")))

    def merge_trailers(self, trailers: object) -> None:
        for key, value in cast(Iterable[tuple[str, str]], trailers or ()):
            if key == TOKEN_KEY:
                self.merge(value)

    def encode(self) -> str | None:
        return format_token(self._seen) if self._seen else None


def at_least_metadata(
    at_least: str | None, seen: ConsistencyTokens | None
) -> tuple[tuple[str, str], ...]:
    """The AT_LEAST_KEY entry for a call: the explicit token, plus all seen if read-your-writes."""
    tokens = ConsistencyTokens()
    tokens.merge(at_least)
    if seen is not None:
        tokens.merge(seen.encode())
    encoded = tokens.encode()
    return () if encoded is None else ((AT_LEAST_KEY, encoded),)
