"""AWS managed policies: the catalog AWS publishes, shared read-only by every account.

The catalog is a constant of the program, like a module: a packaged data file refreshed by
`scripts/refresh-aws-managed-policies` from a maintained public source, read once per process
on first use (start-up pays nothing) and shared by every account and every view, so it costs
no memory per account. Its policies are not replicated rows: they are the same on every node
because every node ships the same file; only attachments and boundaries that name them are
rows. Their documents are compiled once, by the authorization index, when first used.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any

from iamstore.node.domain.entities import ManagedPolicy, PolicyVersion

# The account AWS managed policies live in: their ARNs read arn:aws:iam::aws:policy/...
AWS_ACCOUNT = "aws"
AWS_POLICY_ARN_PREFIX = f"arn:aws:iam::{AWS_ACCOUNT}:policy/"
DATA_FILE = "aws_managed_policies.json.gz"

_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def is_aws_policy_arn(arn: str) -> bool:
    return arn.startswith(AWS_POLICY_ARN_PREFIX)


def policy_id_for(arn: str) -> str:
    """A stable ANPA… id derived from the ARN, the same on every node and in every release.

    The published data does not carry AWS's own ids; a derived one keeps links (attachments,
    boundaries) pointing at the same policy across nodes. 17 characters of a SHA-256 give
    ~88 bits, so a clash with a random customer id is not a practical concern.
    """
    digest = hashlib.sha256(f"aws-managed-policy\0{arn}".encode()).digest()
    return "ANPA" + "".join(_ID_ALPHABET[b % len(_ID_ALPHABET)] for b in digest[:17])


def _epoch_ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp() * 1000)


@dataclass(frozen=True, slots=True)
class AwsPolicyCatalog:
    """Every AWS managed policy, by ARN and by id, with its published (default) version."""

    source: str
    newest_update: str
    by_arn: Mapping[str, ManagedPolicy]
    by_id: Mapping[str, ManagedPolicy]
    # INVARIANT: every policy has exactly its default version here (the published data holds
    # the current document only; earlier versions AWS keeps are not published).
    versions: Mapping[str, Mapping[str, PolicyVersion]]

    @property
    def policies(self) -> Sequence[ManagedPolicy]:
        return tuple(self.by_id.values())

    def default_version(self, policy_id: str) -> PolicyVersion | None:
        """The published (default) version of an AWS managed policy; None for another id."""
        published = self.versions.get(policy_id)
        return None if not published else next(iter(published.values()))

    @staticmethod
    def from_data(data: Mapping[str, Any]) -> AwsPolicyCatalog:
        by_arn: dict[str, ManagedPolicy] = {}
        by_id: dict[str, ManagedPolicy] = {}
        versions: dict[str, Mapping[str, PolicyVersion]] = {}
        for entry in data["policies"]:
            arn = f"{AWS_POLICY_ARN_PREFIX[:-1]}{entry['path']}{entry['name']}"
            policy_id = policy_id_for(arn)
            updated = _epoch_ms(entry["updated"])
            policy = ManagedPolicy(
                policy_id=policy_id,
                account_id=AWS_ACCOUNT,
                name=entry["name"],
                path=entry["path"],
                created_ms=_epoch_ms(entry["created"]),
            )
            # INVARIANT: the derived ARN is the one ManagedPolicy.arn spells.
            assert policy.arn == arn
            by_arn[arn] = by_id[policy_id] = policy
            version = PolicyVersion(policy_id, entry["default_version"], entry["document"], updated)
            versions[policy_id] = {version.version_id: version}
        return AwsPolicyCatalog(
            str(data["source"]), str(data["newest_update"]), by_arn, by_id, versions
        )


_shared: AwsPolicyCatalog | None = None
# The node warms the catalog in a worker thread while the event loop may ask for it too.
_loading = threading.Lock()


def shared_catalog() -> AwsPolicyCatalog:
    """The process's one catalog, read from the packaged file on first use."""
    global _shared
    if _shared is None:
        with _loading:
            if _shared is None:
                packaged = resources.files("iamstore.node.domain").joinpath(DATA_FILE)
                data = json.loads(gzip.decompress(packaged.read_bytes()))
                _shared = AwsPolicyCatalog.from_data(data)
    return _shared
