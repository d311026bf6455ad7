"""Client credentials, resolved the way the AWS SDKs do (the implementation lives in wire:
the node writes the same shared-credentials file format at bootstrap)."""

from iamstore.wire.credentials import (
    DEFAULT_PROFILE,
    Credentials,
    NoCredentialsError,
    PartialCredentialsError,
    resolve_credentials,
    write_credentials_file,
)

__all__ = [
    "DEFAULT_PROFILE",
    "Credentials",
    "NoCredentialsError",
    "PartialCredentialsError",
    "resolve_credentials",
    "write_credentials_file",
]
