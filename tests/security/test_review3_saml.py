"""Findings of the third adversarial review: AssumeRoleWithSAML's record of used assertions.

Each test reproduced a bug against a real node (then marked xfail(strict=True)); the bugs are
fixed, and the tests keep them fixed (docs/testing.md, "Bugs the tests found").
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from iamstore.client import Client, Credentials
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster import saml_idp as idp
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node.api import sts_saml
from iamstore.node.auth.assertion_ids import AssertionIds
from iamstore.node.config import NodeConfig

TEN_YEARS_S = 10 * 365 * 24 * 3600


@dataclass(frozen=True, slots=True)
class Tenant:
    """An account with its own IdP (a SAML provider and its key) and a role trusting it."""

    provider_arn: str
    role_arn: str
    keys: tuple[bytes, bytes]

    def assertion(self, **changes: object) -> str:
        spec = idp.AssertionSpec(
            role_arn=self.role_arn, provider_arn=self.provider_arn, subject="someone"
        )
        for name, value in changes.items():
            setattr(spec, name, value)
        return idp.signed_response(spec, *self.keys, time.time())

    def redeem(self, anonymous: Client, assertion: str) -> str:
        made = anonymous.assume_role_with_saml(
            role_arn=self.role_arn, principal_arn=self.provider_arn, saml_assertion=assertion
        )
        return made.assumed_role_user.arn


def _tenant(node: InProcessNode, management: Client, name: str) -> Tenant:
    made = management.create_account(account_name=name).root_credentials
    assert made is not None
    keys = idp.key_pair()
    with Client(
        node.address, credentials=Credentials(made.access_key_id, made.secret_access_key)
    ) as root:
        provider = root.create_saml_provider(
            name="Corp", saml_metadata_document=idp.metadata([keys[1]])
        ).saml_provider_arn
        assert provider is not None
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": provider},
                    "Action": "sts:AssumeRoleWithSAML",
                }
            ],
        }
        role = root.create_role(
            role_name="Federated", assume_role_policy_document=json.dumps(trust)
        ).role.arn
    return Tenant(provider, role, keys)


def _serve(tmp_path: Path) -> Iterator[tuple[InProcessNode, Client, Client]]:
    with InProcessNode(NodeConfig(data_dir=tmp_path / "node", listen="127.0.0.1:0")) as node:
        credentials = resolve_credentials(credentials_file=str(node.credentials_file))
        with (
            Client(node.address, credentials=credentials) as management,
            # The call is unsigned; these credentials exist nowhere and the node ignores them.
            Client(node.address, credentials=Credentials("AKIANOBODY", "x" * 40)) as anonymous,
        ):
            yield node, management, anonymous


@pytest.fixture
def small_record_node(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[InProcessNode, Client, Client]]:
    """A node whose record of used assertions holds 2 ids (100,000 in production): what one
    tenant does to the real record with 100,000 redemptions, it does here with 2."""
    monkeypatch.setattr(sts_saml, "AssertionIds", functools.partial(AssertionIds, capacity=2))
    yield from _serve(tmp_path)


@pytest.fixture
def plain_node(tmp_path: Path) -> Iterator[tuple[InProcessNode, Client, Client]]:
    yield from _serve(tmp_path)


def test_review3_one_tenant_cannot_fill_the_record_of_used_assertions(
    small_record_node: tuple[InProcessNode, Client, Client],
) -> None:
    node, management, anonymous = small_record_node
    attacker = _tenant(node, management, "attacker")
    victim = _tenant(node, management, "victim")
    for _ in range(2):
        attacker.redeem(anonymous, attacker.assertion(lifetime_s=TEN_YEARS_S))
    try:
        victim.redeem(anonymous, victim.assertion())
    except Exception as err:
        refused = str(err)
    else:
        refused = ""
    assert "too many SAML assertions" not in refused


def test_review3_an_assertion_id_used_by_one_provider_does_not_block_another(
    plain_node: tuple[InProcessNode, Client, Client],
) -> None:
    node, management, anonymous = plain_node
    attacker = _tenant(node, management, "attacker")
    victim = _tenant(node, management, "victim")
    taken = "_0123456789abcdef0123456789abcdef"
    attacker.redeem(anonymous, attacker.assertion(assertion_id=taken))
    try:
        victim.redeem(anonymous, victim.assertion(assertion_id=taken))
    except Exception as err:
        refused = str(err)
    else:
        refused = ""
    assert "already used" not in refused
