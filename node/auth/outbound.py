"""The node's outbound HTTP(S): where it may connect (public addresses only) and for how long.

The node connects out for one reason: to fetch an OpenID Connect provider's discovery
document and key set. The provider URL is chosen by a tenant (CreateOpenIDConnectProvider)
and the fetch is started by an unauthenticated caller (AssumeRoleWithWebIdentity), so without
rules a member account could make the node connect to its own loopback, the cluster's private
network or a cloud metadata address, and learn from the answers which ports are open.

The rules, checked for every connection (the first and each redirect):
- https only (plain http only to loopback, and only when the node allows insecure loopback
  issuers for tests);
- every address the host name resolves to must be public: loopback, private, shared, link-
  local, multicast, reserved, unspecified and documentation ranges are refused, for IPv4 and
  IPv6, IPv4 embedded in IPv6 (mapped, 6to4, NAT64) included, unless the operator listed the
  network (`--oidc-allow-network`, for air-gapped issuers);
- the connection goes to the address that was checked (the name is not resolved again, so a
  second DNS answer cannot swap in an internal address), with the certificate checked for the
  host name;
- bounded connect and read time (one deadline for the whole fetch), response size and
  number of redirects.
Every failure raises OutboundError, whose detail is for the node's log only: callers get one
generic answer, so the error cannot tell an open port from a closed or a non-TLS one.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urljoin, urlsplit

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_SHARED = ipaddress.IPv4Network("100.64.0.0/10")  # carrier-grade NAT: not public
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 65_536


class OutboundError(Exception):
    """A refused or failed outbound fetch; the message is for the node's log, not a caller."""


@dataclass(frozen=True, slots=True)
class OutboundPolicy:
    """Where and how long the node may fetch. Networks in `allowed_networks` are reachable
    even when private (an operator's explicit choice for an air-gapped issuer)."""

    allowed_networks: tuple[IpNetwork, ...] = ()
    # Tests serve keys on 127.0.0.1 over http: only then is loopback (and http to it) allowed.
    allow_insecure_loopback: bool = False
    connect_timeout_s: float = 5.0
    # With connect_timeout_s, one deadline for the whole fetch, redirects included: a slow or
    # trickling server cannot hold a worker thread longer than their sum.
    read_timeout_s: float = 5.0
    max_response_bytes: int = 1_000_000
    max_redirects: int = 3


def parse_networks(texts: Sequence[str]) -> tuple[IpNetwork, ...]:
    """CIDRs (`10.20.0.0/16`, `fd00::/8`, or one address); ValueError naming a bad entry."""
    parsed: list[IpNetwork] = []
    for text in texts:
        try:
            parsed.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise ValueError(f"`{text}` is not an ip network (CIDR)") from None
    return tuple(parsed)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _is_public(address: IpAddress) -> bool:
    if isinstance(address, ipaddress.IPv4Address) and address in _SHARED:
        return False
    return not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv6Address) and address.is_site_local)
        or not address.is_global
    )


def address_allowed(address: IpAddress, policy: OutboundPolicy) -> bool:
    """Whether the node may connect to `address` under `policy` (any embedded IPv4 counts)."""
    candidates: list[IpAddress] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            candidates.append(embedded)
    if any(c in network for c in candidates for network in policy.allowed_networks):
        return True
    if policy.allow_insecure_loopback and any(c.is_loopback for c in candidates):
        return True
    return all(_is_public(c) for c in candidates)


@dataclass(frozen=True, slots=True)
class Target:
    """One connection to make: the checked address, and the name the certificate must carry."""

    scheme: str
    host: str
    port: int
    address: str
    path: str


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    location: str | None
    body: bytes


class Connector(Protocol):
    """Makes one request to `target.address` and reads at most `limit` + 1 bytes of body
    before `deadline` (a time.monotonic value); raises OSError on any network failure."""

    def __call__(
        self, target: Target, policy: OutboundPolicy, deadline: float, limit: int
    ) -> Response: ...


Resolver = Callable[[str, int], list[str]]


def resolve_host(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (the system resolver)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


class _PinnedHttps(http.client.HTTPSConnection):
    """HTTPS to a fixed address, with the certificate checked for the host name."""

    def __init__(self, target: Target, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=context)
        self._target = target
        self._tls = context

    def connect(self) -> None:
        raw = socket.create_connection((self._target.address, self._target.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self._target.host)


class _PinnedHttp(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._target = target

    def connect(self) -> None:
        self.sock = socket.create_connection(
            (self._target.address, self._target.port), self.timeout
        )


def connect_and_get(
    target: Target, policy: OutboundPolicy, deadline: float, limit: int
) -> Response:
    """The real Connector: one GET over a pinned connection, body read against the deadline."""
    connection: http.client.HTTPConnection
    connect_s = max(min(policy.connect_timeout_s, deadline - time.monotonic()), 0.001)
    if target.scheme == "https":
        connection = _PinnedHttps(target, connect_s, ssl.create_default_context())
    else:
        connection = _PinnedHttp(target, connect_s)
    try:
        connection.request("GET", target.path, headers={"Accept": "application/json"})
        if connection.sock is not None:
            connection.sock.settimeout(max(deadline - time.monotonic(), 0.001))
        answer = connection.getresponse()
        body = bytearray()
        while len(body) <= limit:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the response took longer than the read deadline")
            if connection.sock is not None:
                connection.sock.settimeout(remaining)
            # read1: at most one receive, so the deadline is checked between small reads
            chunk = answer.read1(min(_CHUNK, limit + 1 - len(body)))
            if not chunk:
                break
            body += chunk
        return Response(answer.status, answer.getheader("Location"), bytes(body))
    except (http.client.HTTPException, ssl.SSLError, ValueError) as exc:
        # ValueError: http.client's InvalidURL (control characters), a bad certificate name.
        raise OSError(str(exc)) from None
    finally:
        connection.close()


@dataclass(frozen=True, slots=True)
class Fetcher:
    """GETs a URL under an OutboundPolicy. Resolver, connector and clock are injectable (the
    clock is what the connector's deadline is measured on: time.monotonic for the real one)."""

    policy: OutboundPolicy = field(default_factory=OutboundPolicy)
    resolve: Resolver = resolve_host
    connect: Connector = connect_and_get
    clock: Callable[[], float] = time.monotonic

    def get(self, url: str) -> bytes:
        """The body of a 200 answer for `url`, after at most `max_redirects` redirects."""
        deadline = self.clock() + self.policy.connect_timeout_s + self.policy.read_timeout_s
        for _ in range(self.policy.max_redirects + 1):
            target = self._target(url)
            if self.clock() >= deadline:
                raise OutboundError(f"fetching `{url}` ran past its deadline")
            limit = self.policy.max_response_bytes
            try:
                response = self.connect(target, self.policy, deadline, limit)
            except OSError as exc:
                raise OutboundError(f"fetching `{url}` failed: {exc}") from None
            if response.status in _REDIRECTS and response.location:
                url = urljoin(url, response.location)
                continue
            if response.status != 200:
                raise OutboundError(f"`{url}` answered http status {response.status}")
            if len(response.body) > limit:
                raise OutboundError(f"`{url}` answered more than {limit} bytes")
            return response.body
        raise OutboundError(f"more than {self.policy.max_redirects} redirects from `{url}`")

    def _target(self, url: str) -> Target:
        """The checked connection for `url`, or OutboundError (nothing is connected to)."""
        try:
            parts = urlsplit(url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise OutboundError(f"`{url}` is not a usable url") from None
        host = parts.hostname
        if not host or parts.scheme not in ("https", "http"):
            raise OutboundError(f"`{url}` is not an https url")
        try:
            literal: IpAddress | None = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        try:
            resolved = [str(literal)] if literal is not None else self.resolve(host, port)
        except (OSError, UnicodeError) as exc:  # UnicodeError: a name IDNA cannot encode
            raise OutboundError(f"cannot resolve `{host}`: {exc}") from None
        addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in resolved]
        if not addresses:
            raise OutboundError(f"`{host}` resolves to no address")
        # INVARIANT: every address the name has is allowed, not only the one used, so which
        # answer the resolver puts first cannot matter.
        refused = [str(a) for a in addresses if not address_allowed(a, self.policy)]
        if refused:
            raise OutboundError(
                f"`{host}` resolves to an address the node may not reach: {refused}"
            )
        if parts.scheme == "http" and not (
            self.policy.allow_insecure_loopback and all(a.is_loopback for a in addresses)
        ):
            raise OutboundError(f"`{url}` is not an https url")
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        return Target(parts.scheme, host, port, str(addresses[0]), path)
