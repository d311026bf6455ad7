"""How a client verifies nodes over TLS: the CA setting, read once, and its channel credentials."""

from __future__ import annotations

import os
from typing import TypeAlias

import grpc

# A CA certificate file (path) or its PEM bytes, or True for the system's root certificates.
# None (the default) talks plaintext.
TlsCa: TypeAlias = "str | os.PathLike[str] | bytes | bool | None"

# What `load_tls_ca` makes of a TlsCa: PEM bytes, True (system roots) or None (plaintext).
LoadedTlsCa: TypeAlias = "bytes | bool | None"


def load_tls_ca(tls_ca: TlsCa) -> LoadedTlsCa:
    """Reads a CA file now, so a wrong path fails at construction rather than on a call."""
    if tls_ca is None or tls_ca is False:
        return None
    if tls_ca is True or isinstance(tls_ca, bytes):
        return tls_ca
    try:
        with open(os.fspath(tls_ca), "rb") as source:
            pem = source.read()
    except OSError as err:
        raise ValueError(f"cannot read the tls ca `{os.fspath(tls_ca)}`: {err.strerror}") from None
    if b"-----BEGIN CERTIFICATE-----" not in pem:
        raise ValueError(f"the tls ca `{os.fspath(tls_ca)}` holds no pem certificate")
    return pem


def channel_credentials(tls_ca: LoadedTlsCa) -> grpc.ChannelCredentials | None:
    """TLS credentials for a channel, or None for plaintext."""
    if tls_ca is None or tls_ca is False:
        return None
    if tls_ca is True:
        return grpc.ssl_channel_credentials()
    return grpc.ssl_channel_credentials(root_certificates=tls_ca)
