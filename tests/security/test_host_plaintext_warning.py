"""A node serving clients in plaintext beyond loopback warns once, at start."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node.config import NodeConfig
from iamstore.node.exposure import is_loopback_listen, warn_if_plaintext_beyond_loopback

LOG = logging.getLogger("iamstore.node")


@pytest.mark.parametrize(
    "listen",
    ["0.0.0.0:7001", "10.1.2.3:7001", "[::]:7001", "[2001:db8::1]:7001", "node1.example:7001"],
)
def test_reachable_addresses_in_plaintext_warn(
    listen: str, caplog: pytest.LogCaptureFixture
) -> None:
    assert not is_loopback_listen(listen)
    with caplog.at_level(logging.WARNING, logger="iamstore.node"):
        assert warn_if_plaintext_beyond_loopback(listen, False, LOG)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "plaintext" in warnings[0].getMessage()
    assert listen in warnings[0].getMessage()


@pytest.mark.parametrize(
    "listen", ["127.0.0.1:7001", "127.8.9.10:0", "[::1]:7001", "localhost:7001", "unix:/run/x"]
)
def test_loopback_in_plaintext_does_not_warn(listen: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="iamstore.node"):
        assert not warn_if_plaintext_beyond_loopback(listen, False, LOG)
    assert caplog.records == []


def test_tls_does_not_warn(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="iamstore.node"):
        assert not warn_if_plaintext_beyond_loopback("0.0.0.0:7001", True, LOG)
    assert caplog.records == []


def test_a_node_on_loopback_starts_without_the_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.WARNING, logger="iamstore.node"),
        InProcessNode(NodeConfig(data_dir=tmp_path / "data", listen="127.0.0.1:0")),
    ):
        pass
    assert not any("plaintext" in r.getMessage() for r in caplog.records)
