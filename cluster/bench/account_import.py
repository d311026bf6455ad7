"""`scripts/bench import`: importing a realistic account (AWS's default quotas: 5,000 users,
300 groups, 1,000 roles, 1,500 policies with versions) into a 1-node cluster, then again
(nothing to write) and exporting it back, against CreateUser one call at a time; meanwhile a
health checker asks the node again and again, and the longest wait for its answer is printed.

The node runs as its own process; the client reads and sends the document as `iamstore
import` does, and the import is timed from the JSON text to the last commit. The baseline is
users created per second through ordinary CreateUser calls on the same node, in the same run.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from iamstore.client import Client
from iamstore.client.account_file import import_document, read_documents
from iamstore.client.cli.account_transfer import export_document
from iamstore.client.credentials import Credentials, resolve_credentials
from iamstore.cluster.bench.account_gen import Sizes, generate
from iamstore.cluster.bench.health_probe import HealthProbe, ProbeResult
from iamstore.cluster.bench.stats import Result, table
from iamstore.cluster.process import NodeProcess


def _timed(name: str, entities: int, run: object) -> Result:
    started = time.perf_counter()
    assert callable(run)
    run()
    elapsed = time.perf_counter() - started
    return Result(name, entities, elapsed, (elapsed,))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="scripts/bench import", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full account")
    parser.add_argument("--baseline-users", type=int, default=300)
    args = parser.parse_args(argv)
    sizes = Sizes().scaled(args.scale)
    with tempfile.TemporaryDirectory(prefix="iamstore-bench-") as tmp:
        node = NodeProcess(Path(tmp) / "node")
        with node:
            assert node.address is not None
            management = resolve_credentials(credentials_file=str(node.credentials_file))
            with Client(node.address, credentials=management) as admin:
                made = admin.create_account(account_name="imported")
            assert made.root_credentials is not None
            root = Credentials(
                made.root_credentials.access_key_id, made.root_credentials.secret_access_key
            )
            account = made.account.account_id
            text = json.dumps(generate(account, sizes), indent=4)
            document = read_documents([("account.json", text)])
            entities = document.count()
            results: list[Result] = []
            with Client(node.address, credentials=root, timeout=600) as client:
                results.append(
                    _timed(
                        "CreateUser, one by one",
                        args.baseline_users,
                        lambda: [
                            client.create_user(user_name=f"baseline-{i}")
                            for i in range(args.baseline_users)
                        ],
                    )
                )
                for i in range(args.baseline_users):
                    client.delete_user(user_name=f"baseline-{i}")
                outcome: list[int] = []
                results.append(
                    _timed(
                        "  of which reading the file",
                        entities,
                        lambda: read_documents([("account.json", text)]),
                    )
                )
                probes: list[ProbeResult] = []
                with HealthProbe(node.address) as probe:
                    results.append(
                        _timed(
                            "import (read, send, write)",
                            entities,
                            lambda: outcome.append(
                                import_document(
                                    client, read_documents([("account.json", text)]), account
                                ).commits
                            ),
                        )
                    )
                probes.append(probe.result())
                with HealthProbe(node.address) as probe:
                    results.append(
                        _timed(
                            "import again (no change)",
                            entities,
                            lambda: outcome.append(
                                import_document(client, document, account).commits
                            ),
                        )
                    )
                probes.append(probe.result())
                results.append(_timed("export", entities, lambda: export_document(client)))
    print(
        f"import benchmark: {sizes.users} users, {sizes.groups} groups, {sizes.roles} roles, "
        f"{sizes.policies} policies ({entities} entities in the file, {len(text) / 1e6:.1f} MB), "
        "1-node cluster, node in its own process\n"
    )
    print(table(results, results[0], unit="entities/s"))
    print(f"\nimport: {results[2].seconds:.1f} s (goal: under 30 s), {outcome[0]} commits; ")
    print(f"the second import wrote {outcome[1]} commits (idempotent: goal 0)")
    # A health check answered late means the node's event loop was busy with something else
    # for that long: every caller of that node waited as long (goal: a few tens of ms).
    for name, seen in zip(("import", "import again"), probes, strict=True):
        print(
            f"{name}: {seen.answered} health checks answered meanwhile, the longest waited "
            f"{seen.longest_s * 1000:,.0f} ms"
        )
