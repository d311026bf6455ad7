"""Each stopped node's replica read from its data folder, checked against the merge invariants
the model checker keeps (node/domain/invariants.py), so a chaos run checks them on real files."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from iamstore.node.config import DATABASE_FILE
from iamstore.node.domain import invariants
from iamstore.node.state import State
from iamstore.node.storage.database import Database


async def replica_violations(data_dirs: Mapping[str, Path]) -> list[str]:
    """Every invariant a node's stored replica breaks, as `node: problem`; a node whose
    database cannot be read is a problem too (its replica was meant to be checked)."""
    problems: list[str] = []
    for name, data_dir in sorted(data_dirs.items()):
        path = data_dir / DATABASE_FILE
        if not path.exists():
            problems.append(f"{name}: no database at {path}")
            continue
        db = await Database.open(path)
        try:
            state = await State.load(db)
            problems += [f"{name}: {problem}" for problem in invariants.violations(state.view)]
        finally:
            await db.close()
    return problems
