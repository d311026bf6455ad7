"""SAML 2.0 XML read safely: the hardened parser, and an IdP's metadata (entity id, certificates).

Every SAML document iamstore reads (provider metadata here, assertions in node.auth.saml)
goes through `parse_xml`: no DTD (a DOCTYPE is refused outright, so no entity expansion and
no external entities), no network, no huge-tree mode (libxml2's depth and size limits stay).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from lxml import etree

from iamstore.node.domain.errors import InvalidInput

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
SAML2_PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol"
NAMESPACES = {"md": MD, "ds": DS}


class UnsafeXml(ValueError):
    """XML refused before anything in it is used: malformed, or with a DTD."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,  # kept, so that node.auth.saml can refuse them
        remove_pis=False,
    )


def parse_xml(data: bytes) -> etree._Element:
    """The root element of `data`; UnsafeXml when it is malformed or declares a DTD."""
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise UnsafeXml("a document type declaration (DTD) is not allowed")
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as err:
        raise UnsafeXml(f"not well-formed xml: {err.msg}") from None
    info = root.getroottree().docinfo
    # INVARIANT: a document with any DTD never reaches the caller (checked twice: the byte
    # scan above misses a DOCTYPE in another encoding, libxml2's docinfo does not).
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise UnsafeXml("a document type declaration (DTD) is not allowed")
    return root


def parse_time(text: str) -> datetime:
    """An xs:dateTime as SAML writes it (UTC, `Z`, optional fraction); ValueError otherwise."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"`{text}` has no time zone")
    return value


@dataclass(frozen=True, slots=True)
class IdpMetadata:
    """What an IdP's metadata says about verifying its assertions."""

    entity_id: str
    certificates: tuple[str, ...]  # base64 DER, whitespace removed, each a parsed X.509
    valid_until_ms: int | None


def _invalid(reason: str) -> InvalidInput:
    # AWS's message for any unusable metadata is "Could not parse metadata".
    return InvalidInput(f"Could not parse metadata: {reason}", "SAMLMetadataDocument")


def _entity(root: etree._Element) -> etree._Element:
    if root.tag == f"{{{MD}}}EntityDescriptor":
        return root
    if root.tag == f"{{{MD}}}EntitiesDescriptor":
        entities = root.findall("md:EntityDescriptor", NAMESPACES)
        if len(entities) == 1:
            return entities[0]
        raise _invalid("an EntitiesDescriptor must hold exactly one EntityDescriptor")
    raise _invalid("the document is not SAML 2.0 metadata (no md:EntityDescriptor)")


def _certificate(text: str | None) -> str:
    compact = "".join((text or "").split())
    try:
        x509.load_der_x509_certificate(base64.b64decode(compact, validate=True))
    except (binascii.Error, ValueError):
        raise _invalid("a signing X509Certificate is not a valid certificate") from None
    return compact


def parse_metadata(document: str, max_chars: int, max_keys: int) -> IdpMetadata:
    """The entity id, signing certificates and validity of an IdP's SAML 2.0 metadata."""
    if len(document) > max_chars:
        raise _invalid(f"the document exceeds {max_chars} characters")
    try:
        root = parse_xml(document.encode())
    except UnsafeXml as err:
        raise _invalid(str(err)) from None
    entity = _entity(root)
    entity_id = (entity.get("entityID") or "").strip()
    if not entity_id or len(entity_id) > 1024:
        raise _invalid("the EntityDescriptor has no entityID")
    idps = [
        idp
        for idp in entity.findall("md:IDPSSODescriptor", NAMESPACES)
        if SAML2_PROTOCOL in (idp.get("protocolSupportEnumeration") or "").split()
    ]
    if len(idps) != 1:
        raise _invalid("expected exactly one IDPSSODescriptor supporting SAML 2.0")
    certificates: list[str] = []
    for descriptor in idps[0].findall("md:KeyDescriptor", NAMESPACES):
        if descriptor.get("use", "signing") != "signing":
            continue  # an encryption key never verifies a signature
        for cert in descriptor.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NAMESPACES):
            certificates.append(_certificate(cert.text))
    unique = tuple(dict.fromkeys(certificates))
    if not unique:
        raise _invalid("the IDPSSODescriptor has no signing certificate")
    if len(unique) > max_keys:
        raise _invalid(f"at most {max_keys} signing certificates are allowed")
    valid_until_ms: int | None = None
    until = entity.get("validUntil") or idps[0].get("validUntil")
    if until is not None:
        try:
            valid_until_ms = int(parse_time(until).timestamp() * 1000)
        except ValueError:
            raise _invalid(f"validUntil `{until}` is not a dateTime") from None
    return IdpMetadata(entity_id, unique, valid_until_ms)
