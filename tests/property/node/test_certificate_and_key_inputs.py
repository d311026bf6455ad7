"""Random text as certificates, chains, private keys and SSH keys: the checks answer an AWS
error or accept, and never fail any other way (a ServiceFailure on the wire)."""

from __future__ import annotations

import base64
import contextlib

from hypothesis import given, settings
from hypothesis import strategies as st

from iamstore.node.domain import certificates
from iamstore.node.domain.errors import IamError
from iamstore.node.domain.ssh_keys import load_public_key as load_ssh_key

PEM_HEAD = "-----BEGIN CERTIFICATE-----\n"
PEM_TAIL = "\n-----END CERTIFICATE-----"
texts = (
    st.text(max_size=300)
    | st.binary(max_size=200).map(lambda b: PEM_HEAD + base64.b64encode(b).decode() + PEM_TAIL)
    | st.binary(max_size=200).map(lambda b: "ssh-rsa " + base64.b64encode(b).decode())
    | st.binary(max_size=200).map(
        lambda b: "-----BEGIN PUBLIC KEY-----\n" + base64.b64encode(b).decode()
        + "\n-----END PUBLIC KEY-----"
    )
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(body=texts, key=texts, chain=st.none() | texts)
def test_server_certificate_checks_only_raise_aws_errors(
    body: str, key: str, chain: str | None
) -> None:
    with contextlib.suppress(IamError):  # anything else fails the test
        certificates.check_server_certificate(body, key, chain, now_ms=1_700_000_000_000)


@settings(max_examples=300, deadline=None)
@given(body=texts)
def test_signing_certificate_and_ssh_key_checks_only_raise_aws_errors(body: str) -> None:
    for check in (
        lambda: certificates.check_signing_certificate(body, now_ms=1_700_000_000_000),
        lambda: load_ssh_key(body),
    ):
        with contextlib.suppress(IamError):  # anything else fails the test
            check()
