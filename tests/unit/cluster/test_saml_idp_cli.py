"""`iamstore saml keygen|metadata|idp`: what the developer IdP prints, the node accepts."""

from __future__ import annotations

import time
from pathlib import Path

from click.testing import CliRunner

from iamstore.cluster.saml_idp import saml_group
from iamstore.node.auth import saml
from iamstore.node.domain.entities import SamlProvider
from iamstore.node.domain.saml_metadata import parse_metadata

ROLE = "arn:aws:iam::123456789012:role/Engineers"
PROVIDER = "arn:aws:iam::123456789012:saml-provider/Corp"


def test_keygen_metadata_and_idp_produce_an_assertion_the_node_accepts(tmp_path: Path) -> None:
    runner = CliRunner()
    key, cert = tmp_path / "idp.key", tmp_path / "idp.pem"
    made = runner.invoke(saml_group, ["keygen", "--key", str(key), "--cert", str(cert)])
    assert made.exit_code == 0, made.output
    assert key.stat().st_mode & 0o077 == 0  # the private key is private
    printed = runner.invoke(saml_group, ["metadata", "--cert", str(cert)])
    assert printed.exit_code == 0
    metadata = parse_metadata(printed.output, 1_000_000, 10)
    provider = SamlProvider(
        PROVIDER,
        "123456789012",
        "Corp",
        "SAMLP" + "A" * 17,
        printed.output,
        metadata.entity_id,
        metadata.certificates,
        None,
        0,
    )
    signed = runner.invoke(
        saml_group,
        [
            "idp",
            "--key",
            str(key),
            "--cert",
            str(cert),
            "--role-arn",
            ROLE,
            "--provider-arn",
            PROVIDER,
            "--subject",
            "alice",
            "--tag",
            "Dept=eng",
        ],
    )
    assert signed.exit_code == 0
    claims = saml.verify(saml.decode(signed.output), provider, time.time(), saml.SamlPolicy())
    assert claims.subject == "alice"
    assert claims.roles == ((ROLE, PROVIDER),)
    assert claims.principal_tags == (("Dept", "eng"),)


def test_keygen_never_overwrites_a_key(tmp_path: Path) -> None:
    key = tmp_path / "idp.key"
    key.write_text("precious")
    result = CliRunner().invoke(
        saml_group, ["keygen", "--key", str(key), "--cert", str(tmp_path / "c.pem")]
    )
    assert result.exit_code == 2
    assert "never overwrites" in result.output
    assert key.read_text() == "precious"
