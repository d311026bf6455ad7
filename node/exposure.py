"""Start-up check of how clients reach the node: plaintext beyond loopback is warned about.

Client calls carry SigV4 signatures (which an on-path attacker cannot forge or reuse after
five minutes) but also answers that must stay secret: secret access keys from CreateAccessKey,
session credentials from STS and SignIn, MFA seeds, and SignIn's password on the way in. Over
plaintext anyone on the path reads them, so a node that serves clients without TLS on an
address other hosts can reach says so, once, when it starts.
"""

from __future__ import annotations

import ipaddress
import logging

UNIX_PREFIX = "unix:"
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def is_loopback_listen(listen: str) -> bool:
    """Whether `listen` (HOST:PORT, [V6]:PORT or unix:PATH) is reachable from this host only.

    A host name other than localhost counts as reachable from elsewhere: what it resolves to
    can change, so the check fails towards warning.
    """
    if listen.startswith(UNIX_PREFIX):
        return True
    host = listen.rpartition(":")[0].strip("[]").lower()
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name, or "" (every interface)
        return False


def warn_if_plaintext_beyond_loopback(listen: str, tls: bool, log: logging.Logger) -> bool:
    """Logs one warning when clients are served without TLS on a non-loopback address;
    returns whether it warned."""
    if tls or is_loopback_listen(listen):
        return False
    log.warning(
        "serving clients in plaintext on %s, an address other hosts can reach: secret keys, "
        "session credentials and sign-in passwords cross the network readable; give the node "
        "--tls-cert, --tls-key and --tls-ca, or listen on 127.0.0.1 behind a TLS proxy",
        listen,
    )
    return True
