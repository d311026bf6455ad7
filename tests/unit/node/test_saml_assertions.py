"""SAML responses: what verifies, and every way a forged or stale one is refused."""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from lxml import etree

from iamstore.cluster import saml_idp as idp
from iamstore.node.auth import saml
from iamstore.node.auth.assertion_ids import AssertionIds, ReplayRefused
from iamstore.node.commits import codec
from iamstore.node.domain.entities import SamlProvider
from iamstore.node.domain.errors import InvalidInput
from iamstore.node.domain.saml_metadata import parse_metadata

NOW = 1_800_000_000.0
ACCOUNT = "123456789012"
PROVIDER_ARN = f"arn:aws:iam::{ACCOUNT}:saml-provider/Corp"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/Engineers"
NS = {"saml": idp.ASSERTION, "samlp": idp.PROTOCOL, "ds": idp.DS}
POLICY = saml.SamlPolicy()

KeyPair = tuple[bytes, bytes]


@pytest.fixture(scope="module")
def keys() -> KeyPair:
    return idp.key_pair()


@pytest.fixture(scope="module")
def other_keys() -> KeyPair:
    return idp.key_pair("someone else")


def provider_for(*certs: bytes) -> SamlProvider:
    document = idp.metadata(list(certs))
    parsed = parse_metadata(document, 1_000_000, 10)
    return SamlProvider(
        PROVIDER_ARN,
        ACCOUNT,
        "Corp",
        "SAMLP" + "A" * 17,
        document,
        parsed.entity_id,
        parsed.certificates,
        parsed.valid_until_ms,
        0,
    )


def spec(**changes: object) -> idp.AssertionSpec:
    made = idp.AssertionSpec(role_arn=ROLE_ARN, provider_arn=PROVIDER_ARN, subject="alice")
    for name, value in changes.items():
        setattr(made, name, value)
    return made


def signed_response(keys: KeyPair, **changes: object) -> etree._Element:
    signed = idp.sign(idp.assertion(spec(**changes), NOW), *keys)
    return idp.response(signed, idp.DEFAULT_ENTITY_ID, idp.AWS_SAML_ENDPOINT, NOW)


def to_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root)


def refused(
    xml: bytes, provider: SamlProvider, now: float = NOW, policy: saml.SamlPolicy = POLICY
) -> saml.SamlError:
    with pytest.raises(saml.SamlError) as error:
        saml.verify(xml, provider, now, policy)
    return error.value


def only_assertion(root: etree._Element) -> etree._Element:
    found = root.find("saml:Assertion", NS)
    assert found is not None
    return found


# --- what verifies ----------------------------------------------------------------------


def test_a_signed_assertion_gives_its_claims(keys: KeyPair) -> None:
    root = signed_response(keys, principal_tags={"Dept": "eng"}, source_identity="alice")
    claims = saml.verify(to_bytes(root), provider_for(keys[1]), NOW, POLICY)
    assert claims.subject == "alice"
    assert claims.subject_type == "persistent"  # the SAML 2.0 prefix is removed (AWS)
    assert claims.issuer == idp.DEFAULT_ENTITY_ID
    assert claims.recipient == saml.AWS_SAML_ENDPOINT
    assert claims.roles == ((ROLE_ARN, PROVIDER_ARN),)
    assert claims.session_name == "alice"
    assert claims.principal_tags == (("Dept", "eng"),)
    assert claims.source_identity == "alice"
    assert claims.expires_at == NOW + 300 + POLICY.skew_s


def test_the_role_attribute_pair_may_come_in_either_order(keys: KeyPair) -> None:
    attributes = {idp.ATTRIBUTES + "Role": [f"{PROVIDER_ARN},{ROLE_ARN}"]}
    root = signed_response(keys, attributes=attributes)
    claims = saml.verify(to_bytes(root), provider_for(keys[1]), NOW, POLICY)
    assert claims.roles == ((ROLE_ARN, PROVIDER_ARN), (ROLE_ARN, PROVIDER_ARN))


def test_a_second_certificate_verifies_during_a_key_rollover(
    keys: KeyPair, other_keys: KeyPair
) -> None:
    root = signed_response(other_keys)  # the IdP already signs with its new key
    claims = saml.verify(to_bytes(root), provider_for(keys[1], other_keys[1]), NOW, POLICY)
    assert claims.subject == "alice"


def test_the_certificate_the_signature_names_is_tried_first(
    keys: KeyPair, other_keys: KeyPair
) -> None:
    provider = provider_for(keys[1], other_keys[1])
    signed = only_assertion(signed_response(other_keys))
    assert saml.candidates(signed, provider.certificates) == [
        provider.certificates[1],
        provider.certificates[0],
    ]
    key_info = signed.find("ds:Signature/ds:KeyInfo", NS)
    assert key_info is not None
    key_info.getparent().remove(key_info)  # type: ignore[union-attr]
    assert saml.candidates(signed, provider.certificates) == list(provider.certificates)


def test_the_node_endpoint_is_accepted_when_configured(keys: KeyPair) -> None:
    own = "https://iam.corp.example/saml"
    root = signed_response(keys, recipient=own, audience=own)
    policy = saml.SamlPolicy(endpoints=(saml.AWS_SAML_ENDPOINT, own))
    assert saml.verify(to_bytes(root), provider_for(keys[1]), NOW, policy).recipient == own
    assert "Recipient" in refused(to_bytes(root), provider_for(keys[1])).message


def test_trust_keys_follow_aws_names(keys: KeyPair) -> None:
    affiliation = "urn:oid:1.3.6.1.4.1.5923.1.1.1.1"
    root = signed_response(
        keys, attributes={affiliation: ["staff", "member"], "urn:oid:2.5.4.3": ["Alice"]}
    )
    provider = provider_for(keys[1])
    keys_ = saml.trust_keys(saml.verify(to_bytes(root), provider, NOW, POLICY), provider)
    assert keys_["saml:edupersonaffiliation"] == ("staff", "member")
    assert keys_["saml:cn"] == "Alice"
    assert keys_["saml:commonname"] == "Alice"
    assert keys_["saml:aud"] == saml.AWS_SAML_ENDPOINT
    assert keys_["saml:sub"] == "alice"
    assert keys_["saml:sub_type"] == "persistent"
    assert keys_["saml:doc"] == f"{ACCOUNT}/Corp"
    qualifier = keys_["saml:namequalifier"]
    assert isinstance(qualifier, str)
    assert len(base64.b64decode(qualifier)) == 20
    # it depends on the provider's name: another provider of the same IdP differs
    assert saml.name_qualifier(idp.DEFAULT_ENTITY_ID, ACCOUNT, "Other") != qualifier


# --- refused: the signature -------------------------------------------------------------


def test_signed_by_another_key_is_refused(keys: KeyPair, other_keys: KeyPair) -> None:
    error = refused(to_bytes(signed_response(other_keys)), provider_for(keys[1]))
    assert error.code == "InvalidIdentityToken"
    assert "signature invalid" in error.message


def test_a_value_changed_after_signing_is_refused(keys: KeyPair) -> None:
    root = signed_response(keys)
    name_id = only_assertion(root).find("saml:Subject/saml:NameID", NS)
    assert name_id is not None
    name_id.text = "admin"
    error = refused(to_bytes(root), provider_for(keys[1]))
    assert error.code == "InvalidIdentityToken"


def test_an_unsigned_assertion_is_refused(keys: KeyPair) -> None:
    unsigned = idp.assertion(spec(), NOW)
    placeholder = unsigned.find("ds:Signature", NS)
    assert placeholder is not None
    unsigned.remove(placeholder)
    root = idp.response(unsigned, idp.DEFAULT_ENTITY_ID, idp.AWS_SAML_ENDPOINT, NOW)
    assert "not signed" in refused(to_bytes(root), provider_for(keys[1])).message


def test_an_unsigned_assertion_inside_a_signed_response_is_refused(keys: KeyPair) -> None:
    unsigned = idp.assertion(spec(), NOW)
    placeholder = unsigned.find("ds:Signature", NS)
    assert placeholder is not None
    unsigned.remove(placeholder)
    response = idp.response(unsigned, idp.DEFAULT_ENTITY_ID, idp.AWS_SAML_ENDPOINT, NOW)
    signed_response_only = idp.sign(response, *keys)  # the Response, not the Assertion
    error = refused(to_bytes(signed_response_only), provider_for(keys[1]))
    assert "not signed" in error.message


def test_a_signed_response_around_a_signed_assertion_must_verify_too(
    keys: KeyPair, other_keys: KeyPair
) -> None:
    signed = idp.sign(idp.assertion(spec(), NOW), *keys)
    response = idp.response(signed, idp.DEFAULT_ENTITY_ID, idp.AWS_SAML_ENDPOINT, NOW)
    outer = idp.sign(response, *other_keys)  # by a key the provider does not hold
    assert "signature invalid" in refused(to_bytes(outer), provider_for(keys[1])).message
    good = idp.sign(
        idp.response(
            idp.sign(idp.assertion(spec(), NOW), *keys),
            idp.DEFAULT_ENTITY_ID,
            idp.AWS_SAML_ENDPOINT,
            NOW,
        ),
        *keys,
    )
    assert saml.verify(to_bytes(good), provider_for(keys[1]), NOW, POLICY).subject == "alice"


def _evil_assertion(signed: etree._Element) -> etree._Element:
    evil = copy.deepcopy(signed)
    signature = evil.find("ds:Signature", NS)
    assert signature is not None
    evil.remove(signature)
    name_id = evil.find("saml:Subject/saml:NameID", NS)
    assert name_id is not None
    name_id.text = "admin"
    return evil


def test_signature_wrapping_with_the_signed_assertion_hidden_is_refused(keys: KeyPair) -> None:
    # XSW: the forged assertion takes the signed one's place (and its ID); the signed
    # original is tucked away in an Extensions element where a naive verifier finds it.
    root = signed_response(keys)
    signed = only_assertion(root)
    evil = _evil_assertion(signed)
    root.remove(signed)
    extensions = etree.SubElement(root, f"{{{idp.PROTOCOL}}}Extensions")
    extensions.append(signed)
    root.append(evil)
    error = refused(to_bytes(root), provider_for(keys[1]))
    assert "exactly one Assertion" in error.message


def test_signature_wrapping_with_a_second_assertion_is_refused(keys: KeyPair) -> None:
    root = signed_response(keys)
    signed = only_assertion(root)
    evil = _evil_assertion(signed)
    evil.set("ID", "_evil")
    signed.addprevious(evil)  # the forged one first, the signed one still valid
    assert "exactly one Assertion" in refused(to_bytes(root), provider_for(keys[1])).message


def test_signature_wrapping_inside_the_signature_is_refused(keys: KeyPair) -> None:
    # XSW variant: the forged assertion is the posted one; the signed original sits in the
    # forged assertion's own ds:Signature/ds:Object, so its reference still resolves.
    root = signed_response(keys)
    signed = only_assertion(root)
    evil = copy.deepcopy(signed)
    name_id = evil.find("saml:Subject/saml:NameID", NS)
    assert name_id is not None
    name_id.text = "admin"
    signature = evil.find("ds:Signature", NS)
    assert signature is not None
    holder = etree.SubElement(signature, f"{{{idp.DS}}}Object")
    holder.append(copy.deepcopy(signed))
    root.replace(signed, evil)
    assert "exactly one Assertion" in refused(to_bytes(root), provider_for(keys[1])).message


def test_a_comment_inside_a_signed_value_is_refused(keys: KeyPair) -> None:
    # Comments are not part of the canonical form, so the signature still verifies; a
    # reader taking the first text node would see `alice` of `alice.evil.example`.
    root = signed_response(keys, subject="alice.evil.example")
    name_id = only_assertion(root).find("saml:Subject/saml:NameID", NS)
    assert name_id is not None
    name_id.text = "alice"
    comment = etree.Comment("")
    comment.tail = ".evil.example"
    name_id.append(comment)
    error = refused(to_bytes(root), provider_for(keys[1]))
    assert "comment" in error.message


def test_a_second_signature_on_the_assertion_is_refused(keys: KeyPair) -> None:
    root = signed_response(keys)
    assertion = only_assertion(root)
    signature = assertion.find("ds:Signature", NS)
    assert signature is not None
    signature.addnext(copy.deepcopy(signature))
    assert "more than one signature" in refused(to_bytes(root), provider_for(keys[1])).message


def test_an_unexpected_transform_is_refused(keys: KeyPair) -> None:
    root = signed_response(keys)
    transforms = only_assertion(root).find(
        "ds:Signature/ds:SignedInfo/ds:Reference/ds:Transforms", NS
    )
    assert transforms is not None
    etree.SubElement(
        transforms,
        f"{{{idp.DS}}}Transform",
        Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116",
    )
    assert "transform" in refused(to_bytes(root), provider_for(keys[1])).message


def test_a_reference_to_another_element_is_refused(keys: KeyPair) -> None:
    root = signed_response(keys)
    reference = only_assertion(root).find("ds:Signature/ds:SignedInfo/ds:Reference", NS)
    assert reference is not None
    reference.set("URI", "")  # the whole document instead of the assertion
    assert "reference" in refused(to_bytes(root), provider_for(keys[1])).message


def test_sha1_is_refused_unless_configured(keys: KeyPair) -> None:
    signed = idp.sign(idp.assertion(spec(), NOW), *keys, "rsa-sha1", "sha1")
    root = idp.response(signed, idp.DEFAULT_ENTITY_ID, idp.AWS_SAML_ENDPOINT, NOW)
    error = refused(to_bytes(root), provider_for(keys[1]))
    assert "SHA1" in error.message
    allowed = saml.SamlPolicy(allow_sha1=True)
    assert saml.verify(to_bytes(root), provider_for(keys[1]), NOW, allowed).subject == "alice"


# --- refused: the XML itself ------------------------------------------------------------


def test_a_dtd_with_entities_is_refused(keys: KeyPair) -> None:
    body = to_bytes(signed_response(keys))
    bomb = b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
    error = refused(bomb + body, provider_for(keys[1]))
    assert "DTD" in error.message


def test_an_external_entity_is_refused(keys: KeyPair, tmp_path: object) -> None:
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&x;</samlp:Response>'
    )
    assert "DTD" in refused(xxe, provider_for(keys[1])).message


def test_an_encrypted_assertion_is_refused(keys: KeyPair) -> None:
    root = signed_response(keys)
    root.replace(only_assertion(root), etree.Element(f"{{{idp.ASSERTION}}}EncryptedAssertion"))
    assert "encrypted" in refused(to_bytes(root), provider_for(keys[1])).message


def test_not_a_response_is_refused(keys: KeyPair) -> None:
    signed = idp.sign(idp.assertion(spec(), NOW), *keys)  # a bare assertion, no Response
    assert "samlp:Response" in refused(to_bytes(signed), provider_for(keys[1])).message


def test_an_idp_failure_status_is_idp_rejected_claim(keys: KeyPair) -> None:
    root = signed_response(keys)
    code = root.find("samlp:Status/samlp:StatusCode", NS)
    assert code is not None
    code.set("Value", "urn:oasis:names:tc:SAML:2.0:status:Responder")
    assert refused(to_bytes(root), provider_for(keys[1])).code == "IDPRejectedClaim"


def test_base64_is_bounded_and_checked() -> None:
    with pytest.raises(saml.SamlError) as error:
        saml.decode("A" * (saml.MAX_ASSERTION_CHARS + 1))
    assert error.value.code == "ValidationError"
    with pytest.raises(saml.SamlError) as error:
        saml.decode("not base64!")
    assert error.value.code == "InvalidIdentityToken"


# --- refused: what the signed assertion says --------------------------------------------


def test_an_expired_assertion_is_refused(keys: KeyPair) -> None:
    late = NOW + 300 + POLICY.skew_s
    error = refused(to_bytes(signed_response(keys)), provider_for(keys[1]), now=late)
    assert error.code == "ExpiredTokenException"


def test_an_assertion_within_the_skew_is_accepted(keys: KeyPair) -> None:
    root = to_bytes(signed_response(keys))
    assert saml.verify(root, provider_for(keys[1]), NOW + 300 + POLICY.skew_s - 1, POLICY)


def test_an_assertion_not_valid_yet_is_refused(keys: KeyPair) -> None:
    early = NOW - POLICY.skew_s - 1
    error = refused(to_bytes(signed_response(keys)), provider_for(keys[1]), now=early)
    assert "not valid yet" in error.message


def test_a_wrong_audience_is_refused(keys: KeyPair) -> None:
    root = signed_response(keys, audience="https://elsewhere.example/saml")
    assert "Audience" in refused(to_bytes(root), provider_for(keys[1])).message


def test_aws_service_provider_entity_id_is_an_accepted_audience(keys: KeyPair) -> None:
    # AD FS, Keycloak and Google Workspace set up from AWS's SP metadata use it.
    root = signed_response(keys, audience="urn:amazon:webservices")
    claims = saml.verify(to_bytes(root), provider_for(keys[1]), NOW, POLICY)
    assert claims.audiences == ("urn:amazon:webservices",)


def test_a_wrong_recipient_is_refused(keys: KeyPair) -> None:
    root = signed_response(keys, recipient="https://elsewhere.example/saml")
    assert "Recipient" in refused(to_bytes(root), provider_for(keys[1])).message


def test_another_issuer_is_refused_even_when_signed_by_the_provider_key(keys: KeyPair) -> None:
    root = signed_response(keys, issuer="https://other-idp.example/saml")
    error = refused(to_bytes(root), provider_for(keys[1]))
    assert error.message == "Issuer not present in specified provider"


def test_a_non_bearer_confirmation_is_refused(keys: KeyPair) -> None:
    assertion = idp.assertion(spec(), NOW)
    confirmation = assertion.find("saml:Subject/saml:SubjectConfirmation", NS)
    assert confirmation is not None
    confirmation.set("Method", "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key")
    root = idp.response(idp.sign(assertion, *keys), idp.DEFAULT_ENTITY_ID, "x", NOW)
    assert "bearer" in refused(to_bytes(root), provider_for(keys[1])).message


@pytest.mark.parametrize(
    ("session_name", "message"),
    [
        ("", "RoleSessionName is required in AuthnResponse"),
        ("bad name!", "RoleSessionName in AuthnResponse must match"),
    ],
)
def test_the_role_session_name_is_checked(keys: KeyPair, session_name: str, message: str) -> None:
    assertion = idp.assertion(spec(session_name=session_name or "x"), NOW)
    if not session_name:
        for attribute in assertion.iterfind("saml:AttributeStatement/saml:Attribute", NS):
            if attribute.get("Name", "").endswith("RoleSessionName"):
                attribute.getparent().remove(attribute)  # type: ignore[union-attr]
    root = idp.response(idp.sign(assertion, *keys), idp.DEFAULT_ENTITY_ID, "x", NOW)
    assert message in refused(to_bytes(root), provider_for(keys[1])).message


def test_session_duration_out_of_range_is_refused(keys: KeyPair) -> None:
    root = signed_response(keys, session_duration=60)
    assert "SessionDuration" in refused(to_bytes(root), provider_for(keys[1])).message


# --- metadata -----------------------------------------------------------------------------


def _metadata_refusal(document: str) -> str:
    with pytest.raises(InvalidInput) as error:
        parse_metadata(document, 1_000_000, 10)
    assert error.value.field == "SAMLMetadataDocument"
    return error.value.message


def test_metadata_keeps_every_signing_certificate(keys: KeyPair, other_keys: KeyPair) -> None:
    parsed = parse_metadata(idp.metadata([keys[1], other_keys[1]]), 1_000_000, 10)
    assert len(parsed.certificates) == 2
    assert parsed.entity_id == idp.DEFAULT_ENTITY_ID


@pytest.mark.parametrize(
    ("mangle", "reason"),
    [
        (lambda d: d.replace("IDPSSODescriptor", "SPSSODescriptor"), "IDPSSODescriptor"),
        (lambda d: d.replace('use="signing"', 'use="encryption"'), "no signing certificate"),
        (lambda d: d.replace("entityID=", "entityId="), "entityID"),
        (lambda d: d[: len(d) // 2], "not well-formed"),
        (lambda d: "<!DOCTYPE x>" + d.split("?>", 1)[1], "DTD"),
        (lambda d: d.replace("EntityDescriptor", "Other"), "not SAML 2.0 metadata"),
    ],
)
def test_unusable_metadata_is_refused(
    keys: KeyPair, mangle: Callable[[str], str], reason: str
) -> None:
    message = _metadata_refusal(mangle(idp.metadata([keys[1]])))
    assert message.startswith("Could not parse metadata")
    assert reason in message


def test_a_corrupt_certificate_in_metadata_is_refused(keys: KeyPair) -> None:
    document = idp.metadata([keys[1]])
    start = document.index("<ds:X509Certificate>") + len("<ds:X509Certificate>")
    broken = document[:start] + "AAAA" + document[start + 40 :]
    assert "not a valid certificate" in _metadata_refusal(broken)


def test_too_many_certificates_are_refused(keys: KeyPair) -> None:
    extra = [idp.key_pair(f"k{i}")[1] for i in range(3)]
    with pytest.raises(InvalidInput):
        parse_metadata(idp.metadata([keys[1], *extra]), 1_000_000, 3)


# --- replay -------------------------------------------------------------------------------


def test_an_assertion_id_is_accepted_once_until_it_expires() -> None:
    ids = AssertionIds()
    ids.claim(PROVIDER_ARN, "_a", expires_at=NOW + 60, now=NOW)
    with pytest.raises(ReplayRefused):
        ids.claim(PROVIDER_ARN, "_a", expires_at=NOW + 60, now=NOW + 1)
    ids.claim(PROVIDER_ARN, "_a", expires_at=NOW + 200, now=NOW + 61)  # expired: forgotten
    assert len(ids) == 1


def test_a_full_replay_record_fails_closed() -> None:
    ids = AssertionIds(capacity=2)
    ids.claim(PROVIDER_ARN, "_a", NOW + 60, NOW)
    ids.claim(PROVIDER_ARN, "_b", NOW + 60, NOW)
    with pytest.raises(ReplayRefused):
        ids.claim(PROVIDER_ARN, "_c", NOW + 60, NOW)
    ids.claim(PROVIDER_ARN, "_c", NOW + 120, NOW + 60)  # room again once the others expired


def test_an_assertion_id_is_recorded_per_provider() -> None:
    ids = AssertionIds()
    other = "arn:aws:iam::210987654321:saml-provider/Corp"
    ids.claim(other, "_a", NOW + 60, NOW)
    ids.claim(PROVIDER_ARN, "_a", NOW + 60, NOW)  # another IdP's id is not this one's replay
    with pytest.raises(ReplayRefused):
        ids.claim(PROVIDER_ARN, "_a", NOW + 60, NOW)


def test_each_account_has_its_own_share_of_the_record() -> None:
    ids = AssertionIds(capacity=2)
    attacker = "arn:aws:iam::210987654321:saml-provider/Evil"
    ids.claim(attacker, "_a", NOW + 60, NOW)
    ids.claim(f"{attacker}2", "_b", NOW + 60, NOW)  # a second provider of the same account
    with pytest.raises(ReplayRefused, match="too many"):
        ids.claim(attacker, "_c", NOW + 60, NOW)
    ids.claim(PROVIDER_ARN, "_c", NOW + 60, NOW)  # another account is untouched
    ids.claim(PROVIDER_ARN, "_d", NOW + 60, NOW)
    assert len(ids) == 4


def test_a_long_lived_assertion_is_kept_and_accepted_only_up_to_the_maximum_age(
    keys: KeyPair,
) -> None:
    ten_years = 10 * 365 * 24 * 3600
    root = to_bytes(signed_response(keys, lifetime_s=ten_years))
    claims = saml.verify(root, provider_for(keys[1]), NOW, POLICY)
    # The id is remembered no longer than the assertion is accepted...
    assert claims.expires_at == NOW + POLICY.max_assertion_age_s + POLICY.skew_s
    # ...and once it is forgotten, the assertion itself is refused: no replay after that.
    late = refused(root, provider_for(keys[1]), now=claims.expires_at)
    assert late.code == "ExpiredTokenException"


def test_an_assertion_issued_in_the_future_is_refused(keys: KeyPair) -> None:
    unsigned = idp.assertion(spec(), NOW)  # its conditions hold now; its IssueInstant not
    later = datetime.fromtimestamp(NOW + POLICY.skew_s + 60, UTC)
    unsigned.set("IssueInstant", later.strftime("%Y-%m-%dT%H:%M:%SZ"))
    signed = idp.sign(unsigned, *keys)
    root = idp.response(signed, idp.DEFAULT_ENTITY_ID, idp.AWS_SAML_ENDPOINT, NOW)
    assert "not valid yet" in refused(to_bytes(root), provider_for(keys[1])).message


def test_an_assertion_without_issue_instant_is_refused(keys: KeyPair) -> None:
    unsigned = idp.assertion(spec(), NOW)
    del unsigned.attrib["IssueInstant"]
    signed = idp.sign(unsigned, *keys)
    root = idp.response(signed, idp.DEFAULT_ENTITY_ID, idp.AWS_SAML_ENDPOINT, NOW)
    assert "IssueInstant" in refused(to_bytes(root), provider_for(keys[1])).message


# --- replication --------------------------------------------------------------------------


@pytest.mark.parametrize("valid_until_ms", [None, 1_900_000_000_000])
def test_a_provider_row_survives_the_commit_codec(
    keys: KeyPair, valid_until_ms: int | None
) -> None:
    provider = replace(provider_for(keys[1]), valid_until_ms=valid_until_ms, tags=(("a", "1"),))
    assert codec.decode_row(provider.TABLE, codec.encode_row(provider)) == provider
    assert codec.row_from_wire(provider.TABLE, codec.row_to_wire(provider)) == provider
