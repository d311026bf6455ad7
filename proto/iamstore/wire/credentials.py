"""Credentials: the value type, the AWS SDK provider chain, and the shared-file format.

The chain follows the AWS SDKs and CLI ("Configuration and credential file settings",
"Environment variables to configure the AWS CLI"): environment variables, then the shared
credentials file, then the config file, for one profile.
"""

from __future__ import annotations

import configparser
import contextlib
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_PROFILE = "default"

ENV_ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID"
ENV_SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY"
ENV_SESSION_TOKEN = "AWS_SESSION_TOKEN"
ENV_SECURITY_TOKEN = "AWS_SECURITY_TOKEN"  # legacy name the AWS SDKs still read
ENV_PROFILE = "AWS_PROFILE"
ENV_DEFAULT_PROFILE = "AWS_DEFAULT_PROFILE"  # legacy name the AWS SDKs still read
ENV_SHARED_CREDENTIALS_FILE = "AWS_SHARED_CREDENTIALS_FILE"
ENV_CONFIG_FILE = "AWS_CONFIG_FILE"

KEY_ACCESS_KEY_ID = "aws_access_key_id"
KEY_SECRET_ACCESS_KEY = "aws_secret_access_key"
KEY_SESSION_TOKEN = "aws_session_token"
KEY_SECURITY_TOKEN = "aws_security_token"  # legacy name the AWS SDKs still read


@dataclass(frozen=True, slots=True)
class Credentials:
    """An access key pair and, for temporary credentials, a session token.

    The secret and the token never appear in repr(), so logging a Credentials is safe.
    """

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str | None = field(default=None, repr=False)


class NoCredentialsError(Exception):
    """No source in the chain held credentials for the profile."""


class PartialCredentialsError(NoCredentialsError):
    """A source held only part of a key pair (an access key id without its secret, say)."""


def _home(environ: Mapping[str, str]) -> Path:
    home = environ.get("HOME")
    return Path(home) if home else Path.home()


def _expand(path: str, environ: Mapping[str, str]) -> Path:
    if path == "~" or path.startswith("~/"):
        return _home(environ) / path[2:]
    return Path(path).expanduser()


def _from_environment(environ: Mapping[str, str]) -> Credentials | None:
    access_key_id = environ.get(ENV_ACCESS_KEY_ID, "")
    secret = environ.get(ENV_SECRET_ACCESS_KEY, "")
    if not access_key_id and not secret:
        return None
    if not access_key_id or not secret:
        missing = ENV_SECRET_ACCESS_KEY if access_key_id else ENV_ACCESS_KEY_ID
        raise PartialCredentialsError(f"partial credentials found in env, missing: `{missing}`")
    token = environ.get(ENV_SESSION_TOKEN) or environ.get(ENV_SECURITY_TOKEN) or None
    return Credentials(access_key_id, secret, token)


def _read_ini(path: Path) -> configparser.ConfigParser | None:
    """The parsed file, or None when it does not exist (the SDKs skip missing files)."""
    # No interpolation: secrets may contain `%`. Not strict: the SDKs tolerate repeats.
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        with path.open(encoding="utf-8") as handle:
            parser.read_file(handle)
    except FileNotFoundError:
        return None
    except (configparser.Error, UnicodeDecodeError) as error:
        reason = str(error).splitlines()[0]
        raise NoCredentialsError(f"unable to parse `{path}`: {reason}") from None
    return parser


def _from_section(
    parser: configparser.ConfigParser, section: str, path: Path
) -> Credentials | None:
    if not parser.has_section(section):
        return None
    values = parser[section]
    access_key_id = values.get(KEY_ACCESS_KEY_ID, "")
    secret = values.get(KEY_SECRET_ACCESS_KEY, "")
    if not access_key_id and not secret:
        return None
    if not access_key_id or not secret:
        missing = KEY_SECRET_ACCESS_KEY if access_key_id else KEY_ACCESS_KEY_ID
        raise PartialCredentialsError(
            f"partial credentials found in `{path}` [{section}], missing: `{missing}`"
        )
    token = values.get(KEY_SESSION_TOKEN) or values.get(KEY_SECURITY_TOKEN) or None
    return Credentials(access_key_id, secret, token)


def resolve_credentials(
    *,
    profile: str | None = None,
    credentials_file: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Credentials:
    """Finds credentials the way the AWS SDKs do; raises NoCredentialsError when none exist.

    1. The environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`),
       unless a profile or a credentials file is named explicitly (as with the SDKs, where
       naming a profile skips the environment's keys).
    2. The shared credentials file (`credentials_file`, else `AWS_SHARED_CREDENTIALS_FILE`,
       else `~/.aws/credentials`), section `[profile]`.
    3. The config file (`AWS_CONFIG_FILE`, else `~/.aws/config`), section `[profile NAME]`,
       or `[default]` for the default profile.

    The profile is `profile`, else `AWS_PROFILE`, else `default`.
    """
    env = os.environ if environ is None else environ
    if profile is None and credentials_file is None:
        found = _from_environment(env)
        if found is not None:
            return found
    name = profile or env.get(ENV_PROFILE) or env.get(ENV_DEFAULT_PROFILE) or DEFAULT_PROFILE

    shared_path = _expand(
        credentials_file or env.get(ENV_SHARED_CREDENTIALS_FILE) or "~/.aws/credentials", env
    )
    shared = _read_ini(shared_path)
    if shared is not None:
        found = _from_section(shared, name, shared_path)
        if found is not None:
            return found

    config_path = _expand(env.get(ENV_CONFIG_FILE) or "~/.aws/config", env)
    config = _read_ini(config_path)
    if config is not None:
        # The config file names sections `[profile NAME]`; the default profile is `[default]`
        # (the CLI also accepts `[profile default]`).
        sections = (
            [f"profile {name}"] if name != DEFAULT_PROFILE else ["default", "profile default"]
        )
        for section in sections:
            found = _from_section(config, section, config_path)
            if found is not None:
                return found

    raise NoCredentialsError(
        f"unable to locate credentials for profile `{name}` "
        f"(looked in the environment, `{shared_path}` and `{config_path}`)"
    )


def _check_profile_name(profile: str) -> None:
    if not profile or profile != profile.strip() or any(c in profile for c in "[]\r\n"):
        raise ValueError(f"invalid profile name `{profile}`")


def write_credentials_file(
    path: str | os.PathLike[str], credentials: Credentials, profile: str = DEFAULT_PROFILE
) -> None:
    """Writes `credentials` as section `[profile]` of an AWS shared credentials file.

    Other profiles already in the file are kept (comments are not). The file is written to a
    temporary file created with mode 0600 in the same folder, then renamed over `path`, so it
    is never readable by others, even for an instant, and never seen half-written. A missing
    folder is created with mode 0700, as the CLI does for `~/.aws`.
    """
    _check_profile_name(profile)
    target = Path(path)
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    parser = _read_ini(target) or configparser.ConfigParser(interpolation=None, strict=False)
    if parser.has_section(profile):
        parser.remove_section(profile)
    parser.add_section(profile)
    parser.set(profile, KEY_ACCESS_KEY_ID, credentials.access_key_id)
    parser.set(profile, KEY_SECRET_ACCESS_KEY, credentials.secret_access_key)
    if credentials.session_token is not None:
        parser.set(profile, KEY_SESSION_TOKEN, credentials.session_token)

    # INVARIANT: mkstemp creates the file with O_EXCL and mode 0600, whatever the umask.
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            parser.write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
