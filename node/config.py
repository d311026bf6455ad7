"""The node's configuration: where it keeps data, where it listens, how it signs and limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from client.wire.sigv4 import DEFAULT_HOST, DEFAULT_REGION
from node.domain.rules import Quotas


@dataclass(frozen=True, slots=True)
class NodeConfig:
    data_dir: Path
    listen: str = "127.0.0.1:7001"
    # The logical host and region every signature is scoped to (both sides must agree).
    host: str = DEFAULT_HOST
    region: str = DEFAULT_REGION
    quotas: Quotas = field(default_factory=Quotas)
    # SQLite's synchronous mode: FULL survives power loss; NORMAL survives only `kill -9`.
    synchronous: str = "FULL"
    key_usage_flush_s: float = 5.0
    grace_s: float = 5.0

    @property
    def database_path(self) -> Path:
        return self.data_dir / "iamstore.db"

    @property
    def secrets_key_path(self) -> Path:
        return self.data_dir / "secrets.key"

    @property
    def root_credentials_path(self) -> Path:
        return self.data_dir / "root-credentials"

    @property
    def endpoint_path(self) -> Path:
        """Written once the node listens: its actual address (useful with port 0)."""
        return self.data_dir / "endpoint"
