"""OIDC fetches cannot be aimed at internal addresses, and their errors tell nothing apart.

No test here sends traffic off the host: the resolver and the connection are injected, and
where a real socket is needed it listens on 127.0.0.1.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from iamstore.client import Client, Credentials, IamError
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node.auth import webidentity
from iamstore.node.auth.outbound import (
    Fetcher,
    OutboundError,
    OutboundPolicy,
    Response,
    Target,
    parse_networks,
)
from iamstore.node.config import NodeConfig

PUBLIC = "93.184.216.34"
JWKS: dict[str, list[object]] = {"keys": []}


class FakeNetwork:
    """A resolver and a connector that record every connection asked for."""

    def __init__(self, names: dict[str, list[str]], answers: dict[str, Response]) -> None:
        self.names = names
        self.answers = answers
        self.connections: list[Target] = []

    def resolve(self, host: str, port: int) -> list[str]:
        if host not in self.names:
            raise socket.gaierror("unknown name")
        return self.names[host]

    def connect(
        self, target: Target, policy: OutboundPolicy, deadline: float, limit: int
    ) -> Response:
        self.connections.append(target)
        return self.answers.get(target.path, Response(404, None, b""))


def _fetcher(network: FakeNetwork, **policy: object) -> Fetcher:
    return Fetcher(OutboundPolicy(**policy), network.resolve, network.connect)  # type: ignore[arg-type]


def _ok(body: object) -> Response:
    return Response(200, None, json.dumps(body).encode())


INTERNAL = [
    "127.0.0.1",
    "127.1.2.3",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # shared address space
    "0.0.0.0",
    "224.0.0.1",  # multicast
    "240.0.0.1",  # reserved
    "255.255.255.255",
    "192.0.2.1",  # documentation
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "::ffff:10.0.0.1",  # IPv4-mapped
    "::ffff:127.0.0.1",
    "2002:a00:1::1",  # 6to4 of 10.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "2001:db8::1",  # documentation
]


@pytest.mark.parametrize("address", INTERNAL)
def test_internal_literal_addresses_are_refused_without_connecting(address: str) -> None:
    network = FakeNetwork({}, {"/x": _ok(JWKS)})
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(OutboundError):
        _fetcher(network).get(f"https://{host}/x")
    assert network.connections == []


@pytest.mark.parametrize("address", INTERNAL)
def test_names_resolving_to_internal_addresses_are_refused(address: str) -> None:
    network = FakeNetwork({"idp.example": [address]}, {"/x": _ok(JWKS)})
    with pytest.raises(OutboundError):
        _fetcher(network).get("https://idp.example/x")
    assert network.connections == []


def test_one_internal_address_among_public_ones_refuses_the_name() -> None:
    network = FakeNetwork({"idp.example": [PUBLIC, "10.0.0.7"]}, {"/x": _ok(JWKS)})
    with pytest.raises(OutboundError, match="may not reach"):
        _fetcher(network).get("https://idp.example/x")
    assert network.connections == []


def test_a_public_name_is_fetched_from_the_address_that_was_checked() -> None:
    network = FakeNetwork({"idp.example": [PUBLIC]}, {"/x": _ok(JWKS)})
    assert json.loads(_fetcher(network).get("https://idp.example/x")) == JWKS
    [target] = network.connections
    # Pinned: the checked address is the one connected to; the name is kept for TLS.
    assert (target.address, target.host, target.scheme) == (PUBLIC, "idp.example", "https")


def test_a_redirect_to_an_internal_address_is_refused() -> None:
    network = FakeNetwork(
        {"idp.example": [PUBLIC]},
        {"/x": Response(302, "https://169.254.169.254/latest/meta-data/", b"")},
    )
    with pytest.raises(OutboundError):
        _fetcher(network).get("https://idp.example/x")
    assert [t.address for t in network.connections] == [PUBLIC]


def test_a_redirect_to_plain_http_is_refused() -> None:
    network = FakeNetwork(
        {"idp.example": [PUBLIC]}, {"/x": Response(301, "http://idp.example/y", b"")}
    )
    with pytest.raises(OutboundError, match="not an https url"):
        _fetcher(network).get("https://idp.example/x")


def test_redirects_are_bounded() -> None:
    network = FakeNetwork({"idp.example": [PUBLIC]}, {"/x": Response(302, "/x", b"")})
    with pytest.raises(OutboundError, match="redirects"):
        _fetcher(network, max_redirects=3).get("https://idp.example/x")
    assert len(network.connections) == 4


def test_the_response_size_is_bounded() -> None:
    network = FakeNetwork({"idp.example": [PUBLIC]}, {"/x": Response(200, None, b"x" * 101)})
    with pytest.raises(OutboundError, match="more than 100 bytes"):
        _fetcher(network, max_response_bytes=100).get("https://idp.example/x")


def test_an_operator_allow_list_opens_a_private_network_and_only_it() -> None:
    network = FakeNetwork(
        {"idp.corp": ["10.20.0.5"], "other.corp": ["10.30.0.5"]}, {"/x": _ok(JWKS)}
    )
    fetcher = _fetcher(network, allowed_networks=parse_networks(["10.20.0.0/16"]))
    assert json.loads(fetcher.get("https://idp.corp/x")) == JWKS
    with pytest.raises(OutboundError):
        fetcher.get("https://other.corp/x")
    with pytest.raises(ValueError, match="not an ip network"):
        parse_networks(["10.20.0.0/33"])


# --- one generic answer ---------------------------------------------------------------------


def _cache_failing_with(error: Exception) -> webidentity.JwksCache:
    def fetch(url: str, timeout_s: float) -> bytes:
        raise error

    return webidentity.JwksCache(fetch=fetch)


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connection refused"),  # a closed port
        TimeoutError("timed out"),  # a filtered port
        OSError("[SSL: WRONG_VERSION_NUMBER] wrong version number"),  # a port without TLS
        OutboundError("`10.0.0.1` is an address the node may not reach"),
        ValueError("Expecting value: line 1 column 1"),  # an open port answering non-json
    ],
)
async def test_every_fetch_failure_reads_the_same_to_the_caller(error: Exception) -> None:
    with pytest.raises(webidentity.WebIdentityError) as refused:
        await _cache_failing_with(error).key("https://idp.example", "k1")
    assert (refused.value.code, refused.value.message) == (
        "IDPCommunicationError",
        webidentity.IDP_UNREACHABLE,
    )


async def test_answers_that_are_not_key_sets_read_the_same_too() -> None:
    answers = {
        "https://idp.example/.well-known/openid-configuration": b'{"jwks_uri": "https://idp.example/k"}',
        "https://idp.example/k": b'["not", "an", "object"]',
    }
    cache = webidentity.JwksCache(fetch=lambda url, _t: answers[url])
    with pytest.raises(webidentity.WebIdentityError) as refused:
        await cache.key("https://idp.example", "k1")
    assert refused.value.message == webidentity.IDP_UNREACHABLE


# --- real sockets on 127.0.0.1 ---------------------------------------------------------------


class Listener:
    """A TCP listener on 127.0.0.1 that counts connections and says nothing back."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.accepted += 1
            self._held.append(conn)  # silent: never answers

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        for conn in self._held:
            conn.close()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    served = Listener()
    yield served
    served.close()


def test_a_silent_server_costs_at_most_the_deadline(listener: Listener) -> None:
    policy = OutboundPolicy(
        allowed_networks=parse_networks(["127.0.0.1/32"]), connect_timeout_s=0.5, read_timeout_s=0.5
    )
    with pytest.raises(OutboundError):
        Fetcher(policy).get(f"https://127.0.0.1:{listener.port}/.well-known/openid-configuration")
    assert listener.accepted == 1  # reached (it is allowed), then given up on


def test_the_real_resolver_and_connector_refuse_loopback_by_default(listener: Listener) -> None:
    for url in (
        f"https://127.0.0.1:{listener.port}/",
        f"https://localhost:{listener.port}/",
        f"http://127.0.0.1:{listener.port}/",
    ):
        with pytest.raises(OutboundError):
            Fetcher().get(url)
    time.sleep(0.3)  # let the listener's accept loop run once more
    assert listener.accepted == 0


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessNode]:
    data_dir: Path = tmp_path_factory.mktemp("outbound-node")
    with InProcessNode(NodeConfig(data_dir=data_dir, listen="127.0.0.1:0")) as running:
        yield running


def test_a_tenant_cannot_make_the_node_probe_its_loopback(
    node: InProcessNode, listener: Listener
) -> None:
    """The attack: a member account registers an internal address as its provider and asks,
    unauthenticated, for a role; the node must not connect, and the answer is the generic one
    whether the port is open (the listener) or closed."""
    credentials = resolve_credentials(credentials_file=str(node.credentials_file))
    with Client(node.address, credentials=credentials) as management:
        root = management.create_account(account_name="prober").root_credentials
    assert root is not None
    closed = socket.create_server(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    answers = []
    with Client(
        node.address, credentials=Credentials(root.access_key_id, root.secret_access_key)
    ) as tenant:
        for port in (listener.port, closed_port):
            issuer = f"https://127.0.0.1:{port}"
            provider = tenant.create_open_id_connect_provider(
                url=issuer, client_id_list=["aud"], thumbprint_list=["a" * 40]
            ).open_id_connect_provider_arn
            role = tenant.create_role(
                role_name=f"probe-{port}",
                assume_role_policy_document=json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Federated": provider},
                                "Action": "sts:AssumeRoleWithWebIdentity",
                            }
                        ],
                    }
                ),
            ).role.arn
            now = int(time.time())
            token = jwt.encode(
                {"iss": issuer, "sub": "s", "aud": "aud", "iat": now, "exp": now + 300},
                key,
                algorithm="RS256",
                headers={"kid": "k1"},
            )
            with pytest.raises(IamError) as refused:
                tenant.assume_role_with_web_identity(
                    role_arn=role, role_session_name="probe", web_identity_token=token
                )
            answers.append((refused.value.code, refused.value.message))
    time.sleep(0.3)
    assert listener.accepted == 0
    assert answers[0] == answers[1] == ("IDPCommunicationError", webidentity.IDP_UNREACHABLE)


def test_a_trickling_answer_is_cut_at_the_deadline() -> None:
    """Headers at once, then one byte every 50 ms forever: each read is quick, so only a
    deadline for the whole answer stops it (the test's own timeout catches a regression)."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    stop = threading.Event()

    def trickle() -> None:
        conn, _ = server.accept()
        with conn:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n")
            while not stop.is_set():
                try:
                    conn.sendall(b"x")
                except OSError:
                    return
                time.sleep(0.05)

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    policy = OutboundPolicy(allow_insecure_loopback=True, connect_timeout_s=0.5, read_timeout_s=0.5)
    try:
        with pytest.raises(OutboundError, match=r"deadline|timed out"):
            Fetcher(policy).get(f"http://127.0.0.1:{port}/jwks")
    finally:
        stop.set()
        thread.join()
        server.close()


def test_one_deadline_covers_every_redirect() -> None:
    now = [0.0]

    class SlowRedirects(FakeNetwork):
        def connect(
            self, target: Target, policy: OutboundPolicy, deadline: float, limit: int
        ) -> Response:
            now[0] += 4.0  # each hop takes 4 of the 10 seconds allowed
            return super().connect(target, policy, deadline, limit)

    network = SlowRedirects({"idp.example": [PUBLIC]}, {"/x": Response(302, "/x", b"")})
    fetcher = Fetcher(
        OutboundPolicy(connect_timeout_s=5, read_timeout_s=5, max_redirects=10),
        network.resolve,
        network.connect,
        clock=lambda: now[0],
    )
    with pytest.raises(OutboundError, match="deadline"):
        fetcher.get("https://idp.example/x")
    assert len(network.connections) == 3


@pytest.mark.parametrize(
    "url",
    [
        "https://idp.example:99999/x",  # no such port
        "https://idp..example/x",  # a name IDNA cannot encode
        "ftp://idp.example/x",
        "https:///x",
        "file:///etc/passwd",
    ],
)
def test_unusable_urls_are_refused_as_outbound_errors(url: str) -> None:
    network = FakeNetwork({"idp.example": [PUBLIC]}, {"/x": _ok(JWKS)})

    def real_resolver_rules(host: str, port: int) -> list[str]:
        host.encode("idna")  # what the system resolver does first
        return network.resolve(host, port)

    fetcher = Fetcher(OutboundPolicy(), real_resolver_rules, network.connect)
    with pytest.raises(OutboundError):
        fetcher.get(url)
    assert network.connections == []
