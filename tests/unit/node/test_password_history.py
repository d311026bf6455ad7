"""Password history (PasswordReusePrevention): what a profile remembers, kept in its row."""

from __future__ import annotations

from pathlib import Path

import pytest

from iamstore.node.auth.passwords import hash_password, matches_any
from iamstore.node.commits.codec import Commit, decode_row, encode_row, row_from_wire
from iamstore.node.domain import passwords
from iamstore.node.domain.entities import Change, LoginProfile, PasswordPolicy, User
from iamstore.node.domain.errors import PasswordPolicyViolation
from iamstore.node.domain.rules import Quotas
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext
from iamstore.node.state import State
from iamstore.node.storage.database import Database

ACCOUNT = "123456789012"
ALICE = User("AIDA1", ACCOUNT, "alice", "/", 1)
CHANGED_AT_MS = 5_000
CTX = WriteContext(ACCOUNT, CHANGED_AT_MS, Quotas(), lambda prefix: f"{prefix}1")


def _view(reuse_prevention: int | None, profile: LoginProfile) -> View:
    view = View()
    view.apply(Change.put(ALICE))
    view.apply(Change.put(profile))
    if reuse_prevention is not None:
        policy = PasswordPolicy(ACCOUNT, password_reuse_prevention=reuse_prevention)
        view.apply(Change.put(policy))
    return view


def _update(view: View, new_hash: str | None, reset_required: bool | None) -> LoginProfile:
    # The update writes field rows (password and its history; the flag), laid over the profile.
    for change in passwords.update_profile(view, CTX, ALICE, new_hash, reset_required):
        view.apply(change)
    return view.login_profiles[ALICE.user_id]


def _change(view: View, new_hash: str) -> LoginProfile:
    return _update(view, new_hash, None)


def test_the_last_n_passwords_are_remembered_current_included() -> None:
    # "Prevent password reuse": the policy remembers N passwords; the current one is one of them.
    view = _view(3, LoginProfile(ALICE.user_id, "h1", False, 1))
    for new in ("h2", "h3", "h4"):
        profile = _change(view, new)
    assert profile.password_hash == "h4"
    assert profile.previous_hashes == ("h3", "h2")
    assert passwords.remembered_hashes(view, ACCOUNT, profile) == ("h4", "h3", "h2")


def test_a_new_password_starts_its_age_over() -> None:
    # MaxPasswordAge counts from when the password was last set, not from the profile's creation.
    view = _view(None, LoginProfile(ALICE.user_id, "h1", False, 1))
    assert view.login_profiles[ALICE.user_id].password_age_from_ms == 1
    profile = _change(view, "h2")
    assert (profile.created_ms, profile.password_age_from_ms) == (1, CHANGED_AT_MS)
    flagged = _update(view, None, True)
    assert (flagged.reset_required, flagged.password_age_from_ms) == (True, CHANGED_AT_MS)


def test_without_reuse_prevention_no_history_is_kept() -> None:
    # PasswordReusePrevention omitted (AWS's default 0): users may reuse previous passwords.
    for policy in (None, 0):
        view = _view(policy, LoginProfile(ALICE.user_id, "h1", False, 1))
        profile = _change(view, "h2")
        assert profile.previous_hashes == ()
        assert passwords.remembered_hashes(view, ACCOUNT, profile) == ()


def test_a_smaller_policy_trims_the_history_on_the_next_change() -> None:
    view = _view(1, LoginProfile(ALICE.user_id, "h3", False, 1, ("h2", "h1")))
    profile = view.login_profiles[ALICE.user_id]
    assert passwords.remembered_hashes(view, ACCOUNT, profile) == ("h3",)
    assert _change(view, "h4").previous_hashes == ()


def test_a_flag_only_update_keeps_password_and_history() -> None:
    view = _view(3, LoginProfile(ALICE.user_id, "h2", False, 1, ("h1",)))
    assert _update(view, None, True) == LoginProfile(ALICE.user_id, "h2", True, 1, ("h1",))


def test_reuse_is_refused_with_aws_error_code() -> None:
    view = _view(5, LoginProfile(ALICE.user_id, "h1", False, 1))
    with pytest.raises(PasswordPolicyViolation, match="previous 5 passwords") as refused:
        passwords.refuse_reuse(view, ACCOUNT)
    assert refused.value.code == "PasswordPolicyViolation"


def test_matches_any_finds_a_password_among_hashes() -> None:
    hashes = [hash_password("first-Passw0rd"), hash_password("second-Passw0rd")]
    assert matches_any(hashes, "second-Passw0rd")
    assert matches_any(hashes, "first-Passw0rd")
    assert not matches_any(hashes, "third-Passw0rd")
    assert not matches_any([], "first-Passw0rd")
    assert not matches_any(["not-an-argon2-hash"], "first-Passw0rd")


def test_history_travels_in_the_row_and_old_rows_decode_without_it() -> None:
    profile = LoginProfile(ALICE.user_id, "h3", False, 1, ("h2", "h1"))
    assert decode_row(LoginProfile.TABLE, encode_row(profile)) == profile
    # A row written before the history existed (or by a node that predates it).
    old = {
        "user_id": ALICE.user_id,
        "password_hash": "h1",
        "reset_required": False,
        "created_ms": 1,
    }
    assert row_from_wire(LoginProfile.TABLE, old) == LoginProfile(ALICE.user_id, "h1", False, 1)


async def test_history_is_stored_and_deleted_with_the_profile(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "db.sqlite")
    try:
        state = await State.load(db)
        profile = LoginProfile(ALICE.user_id, "h2", False, 1, ("h1",))
        changes = (Change.put(ALICE), Change.put(profile))
        await state.apply(Commit("n1", 1, 10, "root", "x", changes))
    finally:
        await db.close()
    db = await Database.open(tmp_path / "db.sqlite")
    try:
        state = await State.load(db)
        assert state.view.login_profiles[ALICE.user_id].previous_hashes == ("h1",)
        await state.apply(Commit("n1", 2, 20, "root", "x", (Change.delete(profile),)))
        assert ALICE.user_id not in state.view.login_profiles
    finally:
        await db.close()
