"""Unit tests for client.credentials: the AWS SDK provider chain and the 0600 file writer."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iamstore.client.credentials import (
    Credentials,
    NoCredentialsError,
    PartialCredentialsError,
    resolve_credentials,
    write_credentials_file,
)

KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "FwoGZXIvYXdzEXAMPLEtoken=="


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty home folder: no ~/.aws files unless a test writes them."""
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


def _env(home: Path, **variables: str) -> dict[str, str]:
    return {"HOME": str(home), **variables}


# ---------------------------------------------------------------- the value type


def test_repr_hides_secret_and_token() -> None:
    text = repr(Credentials(KEY, SECRET, TOKEN))
    assert KEY in text
    assert SECRET not in text
    assert TOKEN not in text


def test_credentials_are_immutable_values() -> None:
    credentials = Credentials(KEY, SECRET)
    assert credentials == Credentials(KEY, SECRET, None)
    with pytest.raises(AttributeError):
        credentials.access_key_id = "other"  # type: ignore[misc]


# ---------------------------------------------------------------- environment


def test_environment_comes_first(home: Path) -> None:
    _write(
        home / ".aws/credentials",
        f"[default]\naws_access_key_id = FILE\naws_secret_access_key = {SECRET}\n",
    )
    env = _env(home, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET, AWS_SESSION_TOKEN=TOKEN)
    assert resolve_credentials(environ=env) == Credentials(KEY, SECRET, TOKEN)


def test_environment_legacy_security_token_is_read(home: Path) -> None:
    env = _env(home, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET, AWS_SECURITY_TOKEN=TOKEN)
    assert resolve_credentials(environ=env).session_token == TOKEN


@pytest.mark.parametrize(
    ("variables", "missing"),
    [
        ({"AWS_ACCESS_KEY_ID": KEY}, "AWS_SECRET_ACCESS_KEY"),
        ({"AWS_SECRET_ACCESS_KEY": SECRET}, "AWS_ACCESS_KEY_ID"),
    ],
)
def test_half_a_key_pair_in_environment_is_partial(
    home: Path, variables: dict[str, str], missing: str
) -> None:
    # botocore's EnvProvider raises PartialCredentialsError rather than moving on.
    with pytest.raises(PartialCredentialsError, match=missing):
        resolve_credentials(environ=_env(home, **variables))


def test_partial_credentials_is_a_no_credentials_error() -> None:
    assert issubclass(PartialCredentialsError, NoCredentialsError)


def test_explicit_profile_skips_environment(home: Path) -> None:
    _write(
        home / ".aws/credentials",
        f"[dev]\naws_access_key_id = DEV\naws_secret_access_key = {SECRET}\n",
    )
    env = _env(home, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET)
    assert resolve_credentials(profile="dev", environ=env).access_key_id == "DEV"


def test_explicit_credentials_file_skips_environment(home: Path, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "creds.ini",
        f"[default]\naws_access_key_id = FILE\naws_secret_access_key = {SECRET}\n",
    )
    env = _env(home, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET)
    found = resolve_credentials(credentials_file=str(path), environ=env)
    assert found.access_key_id == "FILE"


# ---------------------------------------------------------------- shared credentials file


def test_default_profile_of_home_credentials_file(home: Path) -> None:
    _write(
        home / ".aws/credentials",
        f"[default]\naws_access_key_id = {KEY}\n"
        f"aws_secret_access_key = {SECRET}\naws_session_token = {TOKEN}\n",
    )
    assert resolve_credentials(environ=_env(home)) == Credentials(KEY, SECRET, TOKEN)


def test_aws_profile_selects_the_section(home: Path) -> None:
    _write(
        home / ".aws/credentials",
        "[default]\naws_access_key_id = D\n"
        "aws_secret_access_key = d\n[work]\naws_access_key_id = W\n"
        "aws_secret_access_key = w\n",
    )
    assert resolve_credentials(environ=_env(home, AWS_PROFILE="work")) == Credentials("W", "w")


def test_explicit_profile_beats_aws_profile(home: Path) -> None:
    _write(
        home / ".aws/credentials",
        "[a]\naws_access_key_id = A\naws_secret_access_key = a\n"
        "[b]\naws_access_key_id = B\naws_secret_access_key = b\n",
    )
    found = resolve_credentials(profile="b", environ=_env(home, AWS_PROFILE="a"))
    assert found.access_key_id == "B"


def test_shared_credentials_file_variable(home: Path, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "elsewhere", "[default]\naws_access_key_id = E\naws_secret_access_key = e\n"
    )
    env = _env(home, AWS_SHARED_CREDENTIALS_FILE=str(path))
    assert resolve_credentials(environ=env).access_key_id == "E"


def test_tilde_expands_to_home_of_the_given_environment(home: Path) -> None:
    _write(home / "creds", "[default]\naws_access_key_id = T\naws_secret_access_key = t\n")
    env = _env(home, AWS_SHARED_CREDENTIALS_FILE="~/creds")
    assert resolve_credentials(environ=env).access_key_id == "T"


def test_secret_with_percent_and_hash_is_read_verbatim(home: Path) -> None:
    # No interpolation, no inline comments: a secret is taken byte for byte.
    secret = "ab%(x)s%%cd #not-a-comment ;nor-this"
    _write(
        home / ".aws/credentials",
        f"[default]\naws_access_key_id = {KEY}\naws_secret_access_key = {secret}\n",
    )
    assert resolve_credentials(environ=_env(home)).secret_access_key == secret


def test_partial_profile_in_file_is_partial(home: Path) -> None:
    _write(home / ".aws/credentials", f"[default]\naws_access_key_id = {KEY}\n")
    with pytest.raises(PartialCredentialsError, match="aws_secret_access_key"):
        resolve_credentials(environ=_env(home))


def test_unparsable_file_is_a_clear_error(home: Path) -> None:
    _write(home / ".aws/credentials", "aws_access_key_id = no section header\n")
    with pytest.raises(NoCredentialsError, match="unable to parse"):
        resolve_credentials(environ=_env(home))


# ---------------------------------------------------------------- config file


def test_config_file_profile_section(home: Path) -> None:
    _write(
        home / ".aws/config",
        "[profile dev]\nregion = us-east-1\naws_access_key_id = C\naws_secret_access_key = c\n",
    )
    assert resolve_credentials(profile="dev", environ=_env(home)) == Credentials("C", "c")


def test_config_file_default_section(home: Path) -> None:
    _write(home / ".aws/config", "[default]\naws_access_key_id = C\naws_secret_access_key = c\n")
    assert resolve_credentials(environ=_env(home)).access_key_id == "C"


def test_config_file_bare_section_name_is_not_a_named_profile(home: Path) -> None:
    # AWS: in the config file a named profile's section is `[profile NAME]`; `[NAME]` is not it.
    _write(home / ".aws/config", "[dev]\naws_access_key_id = C\naws_secret_access_key = c\n")
    with pytest.raises(NoCredentialsError, match="`dev`"):
        resolve_credentials(profile="dev", environ=_env(home))


def test_config_file_variable(home: Path, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "cfg", "[profile x]\naws_access_key_id = X\naws_secret_access_key = x\n"
    )
    env = _env(home, AWS_CONFIG_FILE=str(path), AWS_PROFILE="x")
    assert resolve_credentials(environ=env).access_key_id == "X"


def test_credentials_file_beats_config_file(home: Path) -> None:
    _write(
        home / ".aws/credentials", "[default]\naws_access_key_id = S\naws_secret_access_key = s\n"
    )
    _write(home / ".aws/config", "[default]\naws_access_key_id = C\naws_secret_access_key = c\n")
    assert resolve_credentials(environ=_env(home)).access_key_id == "S"


def test_profile_found_in_neither_file_falls_through_to_error(home: Path) -> None:
    _write(home / ".aws/credentials", "[other]\naws_access_key_id = O\naws_secret_access_key = o\n")
    with pytest.raises(NoCredentialsError) as excinfo:
        resolve_credentials(environ=_env(home))
    message = str(excinfo.value)
    assert "`default`" in message
    assert str(home / ".aws/credentials") in message
    assert str(home / ".aws/config") in message


def test_nothing_anywhere_is_no_credentials(home: Path) -> None:
    with pytest.raises(NoCredentialsError, match="unable to locate credentials"):
        resolve_credentials(environ=_env(home))


# ---------------------------------------------------------------- writing


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_written_file_is_0600_and_resolves(home: Path) -> None:
    path = home / ".aws" / "credentials"
    write_credentials_file(path, Credentials(KEY, SECRET, TOKEN))
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    assert resolve_credentials(environ=_env(home)) == Credentials(KEY, SECRET, TOKEN)


def test_file_is_0600_from_creation_even_with_a_permissive_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Snapshot the file's mode at the instant before it gets its final name: it must already
    # be private (never world-readable, even briefly).
    seen: list[int] = []
    real_replace = os.replace

    def spying_replace(source: str, destination: Path) -> None:
        seen.append(stat.S_IMODE(os.stat(source).st_mode))
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", spying_replace)
    previous = os.umask(0)
    try:
        write_credentials_file(tmp_path / "credentials", Credentials(KEY, SECRET))
    finally:
        os.umask(previous)
    assert seen == [0o600]
    assert _mode(tmp_path / "credentials") == 0o600


def test_overwriting_a_world_readable_file_makes_it_private(tmp_path: Path) -> None:
    path = _write(tmp_path / "credentials", "[default]\naws_access_key_id = OLD\n")
    path.chmod(0o644)
    write_credentials_file(path, Credentials(KEY, SECRET))
    assert _mode(path) == 0o600


def test_writing_keeps_other_profiles_and_replaces_the_named_one(home: Path) -> None:
    path = home / ".aws" / "credentials"
    write_credentials_file(path, Credentials("A", "a", "old-token"), profile="alpha")
    write_credentials_file(path, Credentials("B", "b"), profile="beta")
    write_credentials_file(path, Credentials("A2", "a2"), profile="alpha")
    env = _env(home)
    assert resolve_credentials(profile="alpha", environ=env) == Credentials("A2", "a2")
    assert resolve_credentials(profile="beta", environ=env) == Credentials("B", "b")


def test_no_temporary_file_is_left_behind(tmp_path: Path) -> None:
    write_credentials_file(tmp_path / "credentials", Credentials(KEY, SECRET))
    assert [p.name for p in tmp_path.iterdir()] == ["credentials"]


@pytest.mark.parametrize("profile", ["", "a]b", "a[b", "two\nlines", " padded"])
def test_invalid_profile_names_are_refused(tmp_path: Path, profile: str) -> None:
    with pytest.raises(ValueError, match="invalid profile name"):
        write_credentials_file(tmp_path / "credentials", Credentials(KEY, SECRET), profile)
    assert not (tmp_path / "credentials").exists()


_VALUE = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+=%#;:-_",
    min_size=1,
    max_size=60,
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    key=_VALUE,
    secret=_VALUE,
    token=st.none() | _VALUE,
    profile=st.from_regex(r"[a-z][a-z0-9_-]{0,15}", fullmatch=True),
)
def test_write_then_resolve_round_trips(
    tmp_path: Path, key: str, secret: str, token: str | None, profile: str
) -> None:
    path = tmp_path / "round-trip"
    credentials = Credentials(key, secret, token)
    write_credentials_file(path, credentials, profile)
    found = resolve_credentials(profile=profile, credentials_file=str(path), environ={})
    assert found == credentials
