"""iamstore: a self-hostable identity and access management service in the style of AWS IAM.

The common names are here (`from iamstore import Client, AsyncClient, Credentials`); the client
library is `iamstore.client`, the server `iamstore.node`, local clusters `iamstore.cluster` and
the generated protobuf code `iamstore.v1`. The names below load `iamstore.client` on first use,
so a node process that imports `iamstore.node` never loads the client library.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from iamstore.client import AsyncClient, Client, Credentials

__all__ = ["AsyncClient", "Client", "Credentials"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("iamstore.client"), name)
    raise AttributeError(f"module 'iamstore' has no attribute {name!r}")
