"""SAML 2.0 responses (AssumeRoleWithSAML): the signature checked, then only what it covers read.

The order is the defence. The base64 is bounded and decoded; the XML is parsed with the
hardened parser (no DTD, no entities, no network); the shape is checked before any
cryptography (one Response, exactly one Assertion anywhere in it, no encrypted assertion,
no comment anywhere); the assertion's own enveloped signature is verified with signxml
against the provider's certificates, with pinned algorithms (SHA-2 only unless SHA-1 is
configured), exactly one reference naming the assertion's ID, and only the enveloped and
exclusive-canonicalization transforms. Everything afterwards is read from the element
signxml rebuilt from the canonical signed bytes, never from the document that was posted,
so content outside the signature (a wrapped second assertion, a comment splitting a value)
cannot reach a decision. A response-level signature, when present, must verify too.

What AWS checks is then checked the same way ("Configure SAML assertions for the
authentication response", IAM User Guide): the Issuer is the provider's entity id; exactly
one bearer SubjectConfirmation whose Recipient is one of the node's SAML endpoints and whose
NotOnOrAfter has not passed; the Conditions' window and Audience; the Role, RoleSessionName,
SessionDuration, PrincipalTag:*, TransitiveTagKeys and SourceIdentity attributes. Beyond
AWS's list, an assertion is usable at most `max_assertion_age_s` after its IssueInstant, so
the node's record of used ids (node/auth/assertion_ids.py) never has to keep one longer.
Time is an argument: nothing here reads the clock.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from lxml import etree
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod
from signxml.exceptions import (
    InvalidCertificate,
    InvalidDigest,
    InvalidSignature,
    SignXMLException,
)
from signxml.verifier import SignatureConfiguration, XMLVerifier

from iamstore.node.domain.entities import SamlProvider
from iamstore.node.domain.saml_metadata import DS, UnsafeXml, parse_time, parse_xml

PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol"
ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion"
_NS = {"samlp": PROTOCOL, "saml": ASSERTION, "ds": DS}
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
AWS_SAML_ENDPOINT = "https://signin.aws.amazon.com/saml"
# AWS's service-provider entity id: IdPs set up from AWS's own SP metadata (AD FS, Keycloak,
# Google Workspace) name it as the Audience; it is never a Recipient (not a URL to post to).
AWS_SP_ENTITY_ID = "urn:amazon:webservices"
ATTRIBUTE_PREFIX = "https://aws.amazon.com/SAML/Attributes/"
ROLE_ATTRIBUTE = ATTRIBUTE_PREFIX + "Role"
SESSION_NAME_ATTRIBUTE = ATTRIBUTE_PREFIX + "RoleSessionName"
SESSION_DURATION_ATTRIBUTE = ATTRIBUTE_PREFIX + "SessionDuration"
PRINCIPAL_TAG_PREFIX = ATTRIBUTE_PREFIX + "PrincipalTag:"
TRANSITIVE_TAGS_ATTRIBUTE = ATTRIBUTE_PREFIX + "TransitiveTagKeys"
SOURCE_IDENTITY_ATTRIBUTE = ATTRIBUTE_PREFIX + "SourceIdentity"
_NAMEID_PREFIX = "urn:oasis:names:tc:SAML:2.0:nameid-format:"

MAX_ASSERTION_CHARS = 100_000  # AWS's SAMLAssertion maximum (STS API reference)
MAX_ATTRIBUTE_VALUES = 1000  # across all attributes: bounds the work per assertion
_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}\Z", re.ASCII)
_SOURCE_IDENTITY = re.compile(r"[\w+=,.@-]{2,64}\Z", re.ASCII)
_ID = re.compile(r"[A-Za-z_][\w.-]{0,255}\Z", re.ASCII)  # an xs:ID (an NCName), bounded

_EXC_C14N = CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0.value
_ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
# The canonicalizations a SAML signature may use; none "WithComments" (comments would be
# signed as content, and a comment in a signed value is refused anyway).
_C14N_ALLOWED = frozenset(
    {
        _EXC_C14N,
        CanonicalizationMethod.CANONICAL_XML_1_0.value,
        CanonicalizationMethod.CANONICAL_XML_1_1.value,
    }
)
_TRANSFORMS_ALLOWED = frozenset({_ENVELOPED, _EXC_C14N})
_STRONG_SIGNATURES = frozenset(
    {
        SignatureMethod.RSA_SHA256,
        SignatureMethod.RSA_SHA384,
        SignatureMethod.RSA_SHA512,
        SignatureMethod.ECDSA_SHA256,
        SignatureMethod.ECDSA_SHA384,
        SignatureMethod.ECDSA_SHA512,
    }
)
_STRONG_DIGESTS = frozenset(
    {DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512}
)


class SamlError(Exception):
    """A refused SAML response; `code` is AWS STS's error code, `message` says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _invalid(message: str) -> SamlError:
    return SamlError("InvalidIdentityToken", message)


@dataclass(frozen=True, slots=True)
class SamlPolicy:
    """The node's SAML rules: its endpoints (Recipient/Audience), skew, and SHA-1."""

    endpoints: tuple[str, ...] = (AWS_SAML_ENDPOINT,)
    skew_s: int = 300
    allow_sha1: bool = False
    # How long after its IssueInstant an assertion is accepted, whatever its NotOnOrAfter
    # says. SAML assertions are meant to be redeemed at once (IdPs give them minutes); the
    # node remembers a used id at most this long (plus the skew), so it must refuse the
    # assertion itself afterwards, or a replay would pass once the id is forgotten.
    max_assertion_age_s: int = 3600


@dataclass(frozen=True, slots=True)
class SamlClaims:
    """What a verified assertion says, as AWS exposes it to trust policies and the response."""

    assertion_id: str
    issuer: str
    subject: str
    subject_format: str  # the NameID Format as given ("" when absent)
    recipient: str  # AWS's Audience in the response and saml:aud
    audiences: tuple[str, ...]
    expires_at: float  # epoch seconds: when the assertion stops being usable (replay horizon)
    session_not_on_or_after: float | None  # the AuthnStatement's SessionNotOnOrAfter
    roles: tuple[tuple[str, str], ...]  # (role ARN, provider ARN) pairs
    session_name: str
    session_duration: int | None
    principal_tags: tuple[tuple[str, str], ...]
    transitive_tag_keys: tuple[str, ...]
    source_identity: str | None
    attributes: dict[str, tuple[str, ...]]  # by attribute Name, values in order

    @property
    def subject_type(self) -> str:
        """AWS: the Format without the SAML 2.0 nameid-format prefix (`persistent`, ...)."""
        if self.subject_format.startswith(_NAMEID_PREFIX):
            return self.subject_format[len(_NAMEID_PREFIX) :]
        return self.subject_format


def name_qualifier(issuer: str, account_id: str, provider_name: str) -> str:
    """AWS's NameQualifier: BASE64(SHA1(issuer + account id + "/" + provider name)).

    AWS documents it so (AssumeRoleWithSAML API reference, NameQualifier); a fingerprint,
    not a security check, which is why SHA-1 is fine here.
    """
    digest = hashlib.sha1(f"{issuer}{account_id}/{provider_name}".encode()).digest()
    return base64.b64encode(digest).decode()


def decode(assertion: str) -> bytes:
    """The XML bytes of the base64 SAMLAssertion; bounded before any decoding."""
    if len(assertion) > MAX_ASSERTION_CHARS:
        raise SamlError(
            "ValidationError", f"the SAML assertion exceeds {MAX_ASSERTION_CHARS} characters"
        )
    compact = "".join(assertion.split())
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise _invalid("the SAML assertion is not base64") from None


def _only_assertion(root: etree._Element) -> etree._Element:
    """The one Assertion, a child of the Response; anything that hints at wrapping is refused."""
    if root.tag != f"{{{PROTOCOL}}}Response":
        raise _invalid("the SAML document is not a samlp:Response")
    if root.find(".//saml:EncryptedAssertion", _NS) is not None:
        raise _invalid("encrypted assertions are not supported; send the assertion signed")
    # INVARIANT: exactly one Assertion element exists in the whole document, and it is a
    # direct child of the Response: a second, wrapped or nested copy is never ignored.
    everywhere = root.findall(".//saml:Assertion", _NS)
    children = root.findall("saml:Assertion", _NS)
    if len(everywhere) != 1 or len(children) != 1:
        raise _invalid("the SAML response must hold exactly one Assertion")
    for node in root.iter():
        if isinstance(node, etree._Comment):
            raise _invalid("the SAML response contains an XML comment")
        if isinstance(node, etree._ProcessingInstruction):
            raise _invalid("the SAML response contains a processing instruction")
    return children[0]


def _check_signature_shape(element: etree._Element) -> None:
    """The element has one signature of its own, with one reference to its ID and only
    allowed transforms and canonicalization."""
    signatures = element.findall("ds:Signature", _NS)
    if not signatures:
        raise _invalid("the assertion is not signed")
    if len(signatures) > 1:
        raise _invalid("the signed element has more than one signature")
    signature = signatures[0]
    element_id = element.get("ID") or ""
    if not _ID.match(element_id):
        raise _invalid("the signed element has no valid ID")
    signed_info = signature.find("ds:SignedInfo", _NS)
    if signed_info is None:
        raise _invalid("the signature has no SignedInfo")
    c14n = signed_info.find("ds:CanonicalizationMethod", _NS)
    if c14n is None or c14n.get("Algorithm") not in _C14N_ALLOWED:
        raise _invalid("the signature's canonicalization method is not allowed")
    references = signed_info.findall("ds:Reference", _NS)
    if len(references) != 1 or references[0].get("URI") != f"#{element_id}":
        raise _invalid("the signature must reference exactly the signed element")
    for transform in references[0].findall("ds:Transforms/ds:Transform", _NS):
        if transform.get("Algorithm") not in _TRANSFORMS_ALLOWED:
            raise _invalid(f"the signature transform `{transform.get('Algorithm')}` is not allowed")


def candidates(element: etree._Element, certificates: Sequence[str]) -> list[str]:
    """The provider's certificates, the one the signature's (unsigned) KeyInfo names first.

    Only an ordering: every candidate is still verified, and a KeyInfo naming no provider
    certificate changes nothing. It spares the typical response one full verification per
    older certificate (each re-parses and re-canonicalizes the whole assertion).
    """
    named = element.find("ds:Signature/ds:KeyInfo/ds:X509Data/ds:X509Certificate", _NS)
    hint = "".join((named.text or "").split()) if named is not None else ""
    return sorted(certificates, key=lambda text: text != hint)


def _verify(
    element: etree._Element, certificates: Sequence[str], now: datetime, policy: SamlPolicy
) -> etree._Element:
    """The element as signed (rebuilt from the canonical bytes), verified by one certificate."""
    _check_signature_shape(element)
    signatures = set(_STRONG_SIGNATURES)
    digests = set(_STRONG_DIGESTS)
    if policy.allow_sha1:
        signatures |= {SignatureMethod.RSA_SHA1, SignatureMethod.ECDSA_SHA1}
        digests.add(DigestAlgorithm.SHA1)
    config = SignatureConfiguration(
        require_x509=True,
        location="./",  # the element's own Signature child, never one nested deeper
        expect_references=1,
        signature_methods=frozenset(signatures),
        digest_algorithms=frozenset(digests),
        verification_time=now,
    )
    data = etree.tostring(element)
    reason = "the signature does not verify with the provider's certificates"
    for text in candidates(element, certificates):
        certificate = x509.load_der_x509_certificate(base64.b64decode(text))
        try:
            result = XMLVerifier().verify(
                data, x509_cert=certificate, expect_config=config, id_attribute="ID"
            )
        except (InvalidSignature, InvalidDigest):
            continue  # signed with another key: the next certificate may be the one (rotation)
        except InvalidCertificate as err:
            reason = f"the provider's certificate is not valid now ({err})"
            continue
        except (SignXMLException, etree.LxmlError, ValueError) as err:
            # The same for every certificate: a malformed signature (signxml's schema check
            # raises lxml's DocumentInvalid, an unknown algorithm URI a ValueError).
            reason = str(err).splitlines()[0][:200] if str(err) else type(err).__name__
            raise _invalid(f"Response signature invalid: {reason}") from None
        signed = result.signed_xml if not isinstance(result, list) else None
        if signed is None or signed.tag != element.tag or signed.get("ID") != element.get("ID"):
            raise _invalid("the signature does not cover the assertion")
        return signed
    raise _invalid(f"Response signature invalid: {reason}")


def _text(element: etree._Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _time(value: str | None, what: str) -> float | None:
    if value is None:
        return None
    try:
        return parse_time(value).timestamp()
    except ValueError:
        raise _invalid(f"the assertion's {what} `{value}` is not a dateTime") from None


def _issued_at(assertion: etree._Element, now: float, policy: SamlPolicy) -> float:
    """The assertion's IssueInstant (required by SAML core 2.3.3), not in the future."""
    issued = _time(assertion.get("IssueInstant"), "IssueInstant")
    if issued is None:
        raise _invalid("the assertion has no IssueInstant")
    if now + policy.skew_s < issued:
        raise _invalid("the SAML assertion is not valid yet")
    return issued


def _subject(
    assertion: etree._Element, now: float, policy: SamlPolicy
) -> tuple[str, str, str, float]:
    """(NameID, its Format, Recipient, NotOnOrAfter) of the one bearer confirmation."""
    name_id = assertion.find("saml:Subject/saml:NameID", _NS)
    subject = _text(name_id)
    if not subject:
        raise _invalid("the assertion has no Subject NameID")
    confirmations = assertion.findall("saml:Subject/saml:SubjectConfirmation", _NS)
    if len(confirmations) != 1 or confirmations[0].get("Method") != BEARER:
        raise _invalid("the assertion needs exactly one bearer SubjectConfirmation")
    data = confirmations[0].find("saml:SubjectConfirmationData", _NS)
    if data is None:
        raise _invalid("the SubjectConfirmation has no SubjectConfirmationData")
    recipient = data.get("Recipient") or ""
    if recipient not in policy.endpoints:
        raise _invalid(f"the Recipient `{recipient}` is not this service's SAML endpoint")
    not_on_or_after = _time(data.get("NotOnOrAfter"), "SubjectConfirmationData NotOnOrAfter")
    if not_on_or_after is None:
        raise _invalid("the SubjectConfirmationData has no NotOnOrAfter")
    if now >= not_on_or_after + policy.skew_s:
        raise SamlError("ExpiredTokenException", "the SAML assertion has expired")
    not_before = _time(data.get("NotBefore"), "SubjectConfirmationData NotBefore")
    if not_before is not None and now + policy.skew_s < not_before:
        raise _invalid("the SAML assertion is not valid yet")
    assert name_id is not None
    return subject, name_id.get("Format") or "", recipient, not_on_or_after


def _conditions(
    assertion: etree._Element, now: float, policy: SamlPolicy
) -> tuple[tuple[str, ...], float | None]:
    """(Audiences, Conditions NotOnOrAfter) once the window and the audience check."""
    conditions = assertion.find("saml:Conditions", _NS)
    if conditions is None:
        raise _invalid("the assertion has no Conditions")
    not_before = _time(conditions.get("NotBefore"), "Conditions NotBefore")
    if not_before is not None and now + policy.skew_s < not_before:
        raise _invalid("the SAML assertion is not valid yet")
    not_on_or_after = _time(conditions.get("NotOnOrAfter"), "Conditions NotOnOrAfter")
    if not_on_or_after is not None and now >= not_on_or_after + policy.skew_s:
        raise SamlError("ExpiredTokenException", "the SAML assertion has expired")
    restrictions = conditions.findall("saml:AudienceRestriction", _NS)
    audiences = tuple(
        _text(a) for a in conditions.findall("saml:AudienceRestriction/saml:Audience", _NS)
    )
    # SAML core 2.5.1.4: every AudienceRestriction must name us (they are ANDed).
    ours = {*policy.endpoints, AWS_SP_ENTITY_ID}
    for restriction in restrictions:
        named = {_text(a) for a in restriction.findall("saml:Audience", _NS)}
        if not named & ours:
            raise _invalid("the assertion's Audience is not this service's SAML endpoint")
    if not restrictions:
        raise _invalid("the assertion has no AudienceRestriction")
    return audiences, not_on_or_after


def _attributes(assertion: etree._Element) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    count = 0
    for attribute in assertion.findall("saml:AttributeStatement/saml:Attribute", _NS):
        name = attribute.get("Name") or ""
        values = [_text(v) for v in attribute.findall("saml:AttributeValue", _NS)]
        count += len(values)
        if count > MAX_ATTRIBUTE_VALUES:
            raise _invalid(f"the assertion has more than {MAX_ATTRIBUTE_VALUES} attribute values")
        found.setdefault(name, []).extend(values)
    return {name: tuple(values) for name, values in found.items()}


def _roles(values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Role attribute values: `role-arn,provider-arn` in either order (AWS accepts both)."""
    pairs: list[tuple[str, str]] = []
    for value in values:
        parts = [p.strip() for p in value.split(",")]
        if len(parts) != 2:
            continue
        first, second = parts
        if ":saml-provider/" in first:
            first, second = second, first
        if ":role/" in first and ":saml-provider/" in second:
            pairs.append((first, second))
    return tuple(pairs)


def _single(attributes: dict[str, tuple[str, ...]], name: str) -> str | None:
    values = attributes.get(name)
    if not values:
        return None
    if len(values) != 1:
        raise _invalid(f"the attribute `{name}` must have exactly one value")
    return values[0]


def _session_facts(
    attributes: dict[str, tuple[str, ...]],
) -> tuple[str, int | None, tuple[tuple[str, str], ...], tuple[str, ...], str | None]:
    # AWS's own messages for these (IAM User Guide, "Troubleshoot SAML 2.0 federation").
    session_name = _single(attributes, SESSION_NAME_ATTRIBUTE)
    if session_name is None:
        raise _invalid("RoleSessionName is required in AuthnResponse")
    if not _SESSION_NAME.match(session_name):
        raise _invalid("RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}")
    duration_text = _single(attributes, SESSION_DURATION_ATTRIBUTE)
    duration: int | None = None
    if duration_text is not None:
        if not duration_text.isascii() or not duration_text.isdigit() or len(duration_text) > 6:
            raise _invalid("SessionDuration in AuthnResponse must be a number of seconds")
        duration = int(duration_text)
        if not 900 <= duration <= 43_200:
            raise _invalid("SessionDuration in AuthnResponse must be from 900 to 43200 seconds")
    tags: list[tuple[str, str]] = []
    for name, values in attributes.items():
        if name.startswith(PRINCIPAL_TAG_PREFIX):
            key = name[len(PRINCIPAL_TAG_PREFIX) :]
            if len(values) != 1:
                raise _invalid(f"the session tag `{key}` must have exactly one value")
            tags.append((key, values[0]))
    transitive = attributes.get(TRANSITIVE_TAGS_ATTRIBUTE, ())
    source_identity = _single(attributes, SOURCE_IDENTITY_ATTRIBUTE)
    if source_identity is not None and not _SOURCE_IDENTITY.match(source_identity):
        raise _invalid("SourceIdentity in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}")
    return session_name, duration, tuple(tags), tuple(transitive), source_identity


def verify(xml: bytes, provider: SamlProvider, now: float, policy: SamlPolicy) -> SamlClaims:
    """The claims of a SAML response whose signature and every condition check, at `now`."""
    try:
        root = parse_xml(xml)
    except UnsafeXml as err:
        raise _invalid(f"the SAML response is refused: {err}") from None
    posted = _only_assertion(root)
    status = root.find("samlp:Status/samlp:StatusCode", _NS)
    if status is None or status.get("Value") != SUCCESS:
        raise SamlError(
            "IDPRejectedClaim", "the identity provider reported that authentication failed"
        )
    when = datetime.fromtimestamp(now, UTC)
    if root.find("ds:Signature", _NS) is not None:
        _verify(root, provider.certificates, when, policy)  # a signed Response must verify too
    assertion = _verify(posted, provider.certificates, when, policy)
    # From here on only `assertion` (the signed bytes, re-parsed) is read.
    issuer = _text(assertion.find("saml:Issuer", _NS))
    if issuer != provider.entity_id:
        raise _invalid("Issuer not present in specified provider")
    if assertion.get("Version") != "2.0":
        raise _invalid("the assertion is not SAML 2.0")
    subject, subject_format, recipient, confirm_until = _subject(assertion, now, policy)
    audiences, conditions_until = _conditions(assertion, now, policy)
    authn = assertion.find("saml:AuthnStatement", _NS)
    session_until = _time(
        authn.get("SessionNotOnOrAfter") if authn is not None else None, "SessionNotOnOrAfter"
    )
    attributes = _attributes(assertion)
    session_name, duration, tags, transitive, source_identity = _session_facts(attributes)
    horizons = [confirm_until] + ([conditions_until] if conditions_until is not None else [])
    horizons.append(_issued_at(assertion, now, policy) + policy.max_assertion_age_s)
    if now >= min(horizons) + policy.skew_s:
        raise SamlError("ExpiredTokenException", "the SAML assertion has expired")
    return SamlClaims(
        assertion_id=assertion.get("ID") or "",
        issuer=issuer,
        subject=subject,
        subject_format=subject_format,
        recipient=recipient,
        audiences=audiences,
        expires_at=min(horizons) + policy.skew_s,
        session_not_on_or_after=session_until,
        roles=_roles(attributes.get(ROLE_ATTRIBUTE, ())),
        session_name=session_name,
        session_duration=duration,
        principal_tags=tags,
        transitive_tag_keys=transitive,
        source_identity=source_identity,
        attributes=attributes,
    )


# Attribute names (OIDs) AWS maps to saml: condition keys ("Mapping SAML attributes to AWS
# trust policy context keys", IAM User Guide). Keys are lowercase, as the engine compares them.
_EDUPERSON = "urn:oid:1.3.6.1.4.1.5923.1.1.1."
_EDUORG = "urn:oid:1.3.6.1.4.1.5923.1.2.1."
ATTRIBUTE_KEYS: dict[str, tuple[str, ...]] = {
    _EDUPERSON + "1": ("saml:edupersonaffiliation",),
    _EDUPERSON + "2": ("saml:edupersonnickname",),
    _EDUPERSON + "3": ("saml:edupersonorgdn",),
    _EDUPERSON + "4": ("saml:edupersonorgunitdn",),
    _EDUPERSON + "5": ("saml:edupersonprimaryaffiliation",),
    _EDUPERSON + "6": ("saml:edupersonprincipalname",),
    _EDUPERSON + "7": ("saml:edupersonentitlement",),
    _EDUPERSON + "8": ("saml:edupersonprimaryorgunitdn",),
    _EDUPERSON + "9": ("saml:edupersonscopedaffiliation",),
    _EDUPERSON + "10": ("saml:edupersontargetedid",),
    _EDUPERSON + "11": ("saml:edupersonassurance",),
    _EDUORG + "2": ("saml:eduorghomepageuri",),
    _EDUORG + "3": ("saml:eduorgidentityauthnpolicyuri",),
    _EDUORG + "4": ("saml:eduorglegalname",),
    _EDUORG + "5": ("saml:eduorgsuperioruri",),
    _EDUORG + "6": ("saml:eduorgwhitepagesuri",),
    "urn:oid:2.5.4.3": ("saml:cn", "saml:commonname"),
    "urn:oid:2.5.4.4": ("saml:surname",),
    "urn:oid:2.5.4.41": ("saml:name",),
    "urn:oid:2.5.4.42": ("saml:givenname",),
    "urn:oid:2.5.4.45": ("saml:x500uniqueidentifier",),
    "urn:oid:0.9.2342.19200300.100.1.1": ("saml:uid",),
    "urn:oid:0.9.2342.19200300.100.1.3": ("saml:mail",),
}


def trust_keys(claims: SamlClaims, provider: SamlProvider) -> dict[str, str | tuple[str, ...]]:
    """The saml: condition keys of a verified assertion, for the role's trust policy."""
    keys: dict[str, str | tuple[str, ...]] = {
        "saml:aud": claims.recipient,  # AWS: from the Recipient, not the Audience element
        "saml:iss": claims.issuer,
        "saml:sub": claims.subject,
        "saml:sub_type": claims.subject_type,
        "saml:namequalifier": name_qualifier(claims.issuer, provider.account_id, provider.name),
        "saml:doc": f"{provider.account_id}/{provider.name}",
    }
    for name, values in claims.attributes.items():
        for key in ATTRIBUTE_KEYS.get(name, ()):
            keys[key] = values[0] if len(values) == 1 else values
    return keys
