"""Any change to a signed SAML response is refused cleanly or changes nothing it vouches for."""

from __future__ import annotations

import functools

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from iamstore.cluster import saml_idp as idp
from iamstore.node.auth import saml
from iamstore.node.domain.entities import SamlProvider
from iamstore.node.domain.errors import InvalidInput
from iamstore.node.domain.saml_metadata import parse_metadata

NOW = 1_800_000_000.0
PROVIDER_ARN = "arn:aws:iam::123456789012:saml-provider/Corp"
ROLE_ARN = "arn:aws:iam::123456789012:role/Engineers"


@functools.cache
def _signed() -> tuple[bytes, SamlProvider]:
    key, cert = idp.key_pair()
    spec = idp.AssertionSpec(
        role_arn=ROLE_ARN, provider_arn=PROVIDER_ARN, subject="alice", principal_tags={"D": "x"}
    )
    response = idp.response(
        idp.sign(idp.assertion(spec, NOW), key, cert), idp.DEFAULT_ENTITY_ID, "x", NOW
    )
    document = idp.metadata([cert])
    parsed = parse_metadata(document, 1_000_000, 10)
    provider = SamlProvider(
        PROVIDER_ARN,
        "123456789012",
        "Corp",
        "SAMLP" + "A" * 17,
        document,
        parsed.entity_id,
        parsed.certificates,
        None,
        0,
    )
    return etree.tostring(response), provider


@functools.cache
def _original_claims() -> saml.SamlClaims:
    xml, provider = _signed()
    return saml.verify(xml, provider, NOW, saml.SamlPolicy())


edits = st.tuples(
    st.floats(min_value=0, max_value=1, exclude_max=True),
    st.integers(min_value=0, max_value=8),
    st.text(st.sampled_from("a<>/=\"' \n-_#:0Z9"), max_size=6),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(edits, min_size=1, max_size=3))
def test_a_mutated_response_is_refused_or_vouches_for_the_same_claims(
    changes: list[tuple[float, int, str]],
) -> None:
    xml, provider = _signed()
    text = xml.decode()
    for where, cut, insert in changes:
        at = int(where * len(text))
        text = text[:at] + insert + text[at + cut :]
    try:
        claims = saml.verify(text.encode(), provider, NOW, saml.SamlPolicy())
    except saml.SamlError:
        return  # refused, with an AWS error code: the only acceptable failure
    assert claims == _original_claims()


@functools.cache
def _metadata() -> str:
    return idp.metadata([idp.key_pair()[1]])


@settings(max_examples=300, deadline=None)
@given(st.lists(edits, min_size=1, max_size=3))
def test_mutated_metadata_parses_or_is_refused_as_invalid_input(
    changes: list[tuple[float, int, str]],
) -> None:
    text = _metadata()
    for where, cut, insert in changes:
        at = int(where * len(text))
        text = text[:at] + insert + text[at + cut :]
    field: str | None = None
    try:
        parsed = parse_metadata(text, 1_000_000, 10)
    except InvalidInput as error:
        field = error.field
    else:
        assert parsed.certificates  # accepted metadata always has a signing certificate
        return
    assert field == "SAMLMetadataDocument"
