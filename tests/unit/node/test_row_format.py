"""A data folder written by an earlier iamstore: the row format is stamped in the database,
checked at open, and a replica in the format before the policy split is rewritten into the
current one (before the stamp, its managed policies silently vanished on upgrade)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import msgpack
import pytest

from iamstore.node.commits.codec import encode_row
from iamstore.node.domain import invariants, versions
from iamstore.node.domain.entities import EntityField, PolicyVersion, User
from iamstore.node.domain.rules import Quotas
from iamstore.node.domain.write_context import WriteContext
from iamstore.node.state import State
from iamstore.node.storage.database import Database, StorageError
from iamstore.node.storage.row_format import ROW_FORMAT, ROW_FORMAT_KEY

ACCOUNT = "123456789012"
POLICY_ID = "ANPAOLD000000001"
ARN = f"arn:aws:iam::{ACCOUNT}:policy/old"


def _doc(action: str) -> str:
    statement = {"Effect": "Allow", "Action": action, "Resource": "*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _old_policy_record(default_version: str, next_version: int) -> bytes:
    """A policy record as iamstore wrote it before the split (row format 1)."""
    record = {
        "policy_id": POLICY_ID,
        "account_id": ACCOUNT,
        "name": "old",
        "path": "/",
        "created_ms": 1_000,
        "updated_ms": 5_000,
        "default_version": default_version,
        "next_version": next_version,
        "description": None,
        "tags": [["team", "a"]],
    }
    return msgpack.packb(record, use_bin_type=True)  # type: ignore[no-any-return]


async def _database(path: Path, rows: list[tuple[str, str, bytes]], stamp: str | None) -> None:
    """A database with `rows` (stamped hlc 7, origin `nold`) and the row-format stamp given."""
    db = await Database.open(path)
    await db.close()
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM meta WHERE key = ?", (ROW_FORMAT_KEY,))
        if stamp is not None:
            conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (ROW_FORMAT_KEY, stamp))
        for table, key, body in rows:
            conn.execute(
                "INSERT INTO rows (tbl, key, hlc, origin, body) VALUES (?, ?, 7, 'nold', ?)",
                (table, key, body),
            )
    conn.close()


def _version(version_id: str, action: str, created_ms: int) -> tuple[str, str, bytes]:
    row = PolicyVersion(POLICY_ID, version_id, _doc(action), created_ms)
    return (row.TABLE, row.key, encode_row(row))


def _stamp(path: Path) -> str | None:
    with sqlite3.connect(path) as conn:
        found = conn.execute("SELECT value FROM meta WHERE key = ?", (ROW_FORMAT_KEY,)).fetchone()
    conn.close()
    return None if found is None else str(found[0])


async def test_policies_of_a_replica_from_before_the_split_are_rewritten_and_stay_visible(
    tmp_path: Path,
) -> None:
    path = tmp_path / "iamstore.db"
    rows = [
        ("policy", POLICY_ID, _old_policy_record("v2", next_version=4)),  # v3 was deleted
        _version("v1", "s3:GetObject", 2_000),
        _version("v2", "s3:PutObject", 3_000),
    ]
    await _database(path, rows, stamp=None)
    db = await Database.open(path)
    try:
        view = (await State.load(db)).view
        policy = view.policy_by_arn(ARN)
        assert policy is not None  # before the rewrite: None, the policy had vanished
        assert policy.tags == (("team", "a"),)
        default = view.default_version(POLICY_ID)
        assert default is not None
        assert (default.version_id, default.document) == ("v2", _doc("s3:PutObject"))
        assert sorted(view.versions_of(POLICY_ID)) == ["v1", "v2"]
        assert invariants.violations(view) == []
        # v3 was handed out before: the next version is numbered above it, never v3 again.
        ctx = WriteContext(ACCOUNT, 9_000, Quotas(), lambda prefix: f"{prefix}1", origin="nnew")
        _, made = versions.create(view, ctx, ARN, _doc("s3:ListBucket"), False)
        assert made.version_id.split(".")[0] == "v4"
    finally:
        await db.close()
    assert _stamp(path) == str(ROW_FORMAT)


async def test_a_default_whose_version_row_is_gone_falls_back_to_the_newest_version(
    tmp_path: Path,
) -> None:
    """The bug the split fixed could leave a format-1 default naming a deleted version."""
    path = tmp_path / "iamstore.db"
    rows = [
        ("policy", POLICY_ID, _old_policy_record("v2", next_version=4)),
        _version("v1", "s3:GetObject", 2_000),
        _version("v3", "s3:DeleteObject", 4_000),
    ]
    await _database(path, rows, stamp=None)
    db = await Database.open(path)
    try:
        view = (await State.load(db)).view
        default = view.default_version(POLICY_ID)
        assert default is not None
        assert default.version_id == "v3"
        assert invariants.violations(view) == []
    finally:
        await db.close()


@pytest.mark.parametrize("stamp", [str(ROW_FORMAT + 1), "2b", ""])
async def test_a_newer_or_unknown_format_refuses_to_open_and_changes_nothing(
    tmp_path: Path, stamp: str
) -> None:
    path = tmp_path / "iamstore.db"
    user = User("AIDA1", ACCOUNT, "alice", "/", 1)
    await _database(path, [(user.TABLE, user.key, encode_row(user))], stamp=stamp)
    with pytest.raises(StorageError) as refused:
        await Database.open(path)
    message = str(refused.value)
    assert f"format `{stamp}`" in message
    assert "newer iamstore" in message
    assert "fresh data folder" in message
    assert _stamp(path) == stamp


async def test_an_unstamped_replica_in_the_current_format_is_stamped_and_kept(
    tmp_path: Path,
) -> None:
    path = tmp_path / "iamstore.db"
    user = User("AIDA1", ACCOUNT, "alice", "/", 1)
    await _database(path, [(user.TABLE, user.key, encode_row(user))], stamp=None)
    db = await Database.open(path)
    try:
        assert [r[:2] for r in await db.load_rows()] == [("user", "AIDA1")]
    finally:
        await db.close()
    assert _stamp(path) == str(ROW_FORMAT)


async def test_a_new_database_is_stamped_with_the_current_format(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "iamstore.db")
    await db.close()
    assert _stamp(tmp_path / "iamstore.db") == str(ROW_FORMAT)


@pytest.mark.parametrize("stamp", ["2", None])
async def test_field_rows_of_format_2_move_under_keys_with_their_incarnation(
    tmp_path: Path, stamp: str | None
) -> None:
    """Format 2 keyed a field row by entity and name alone, so two incarnations of one entity
    shared it; format 3 names the incarnation. An upgraded replica keeps every field: the
    same rows, stamps and bodies, under the new keys, and the old keys are gone."""
    path = tmp_path / "iamstore.db"
    user = User("AIDAOLD000000000001", ACCOUNT, "alice", "/", 1_000)
    tag = EntityField(User.TABLE, user.key, "tag:team", "a", 1_000)
    old_key = f"{User.TABLE}|{user.key}|tag:team"
    await _database(
        path,
        [(User.TABLE, user.key, encode_row(user)), (tag.TABLE, old_key, encode_row(tag))],
        stamp,
    )
    db = await Database.open(path)
    try:
        state = await State.load(db)
        shown = state.view.users.get(user.key)
        assert shown is not None
        assert shown.tags == (("team", "a"),)
    finally:
        await db.close()
    assert _stamp(path) == str(ROW_FORMAT)
    with sqlite3.connect(path) as conn:
        keys = [k for (k,) in conn.execute("SELECT key FROM rows WHERE tbl = 'entity_field'")]
        stamps = conn.execute("SELECT hlc, origin FROM rows WHERE tbl = 'entity_field'").fetchall()
    conn.close()
    assert keys == [tag.key] == [f"{User.TABLE}|{user.key}|1000|tag:team"]
    assert stamps == [(7, "nold")]
