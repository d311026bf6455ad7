"""A developer SAML 2.0 identity provider: key pairs, metadata, and signed responses.

It stands in for a corporate directory in demos and tests: `iamstore saml keygen` makes a
signing key and self-signed certificate, `iamstore saml metadata` prints the metadata
document CreateSAMLProvider takes, and `iamstore saml idp` prints a base64 SAML response
(what a browser would POST) carrying a signed assertion for AssumeRoleWithSAML. Signing uses
the same XML-signature library the node verifies with. Not an IdP to run in production: it
authenticates nobody, it signs whatever it is told.
"""

from __future__ import annotations

import base64
import datetime
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import click
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml.algorithms import CanonicalizationMethod, SignatureConstructionMethod
from signxml.signer import XMLSigner

PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol"
ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion"
METADATA = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
AWS_SAML_ENDPOINT = "https://signin.aws.amazon.com/saml"
ATTRIBUTES = "https://aws.amazon.com/SAML/Attributes/"
PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
DEFAULT_ENTITY_ID = "https://idp.example.com/saml"


def key_pair(common_name: str = "iamstore dev idp", days: int = 365) -> tuple[bytes, bytes]:
    """(private key PEM, self-signed certificate PEM) for signing assertions."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


def _der_base64(cert_pem: bytes) -> str:
    cert = x509.load_pem_x509_certificate(cert_pem)
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def metadata(
    cert_pems: Sequence[bytes],
    entity_id: str = DEFAULT_ENTITY_ID,
    sso_url: str = "https://idp.example.com/sso",
) -> str:
    """SAML 2.0 IdP metadata naming every certificate as a signing key (rotation)."""
    md = f"{{{METADATA}}}"
    ds = f"{{{DS}}}"
    root = etree.Element(md + "EntityDescriptor", nsmap={"md": METADATA, "ds": DS})
    root.set("entityID", entity_id)
    idp = etree.SubElement(root, md + "IDPSSODescriptor")
    idp.set("WantAuthnRequestsSigned", "false")
    idp.set("protocolSupportEnumeration", PROTOCOL)
    for pem in cert_pems:
        descriptor = etree.SubElement(idp, md + "KeyDescriptor", use="signing")
        data = etree.SubElement(etree.SubElement(descriptor, ds + "KeyInfo"), ds + "X509Data")
        etree.SubElement(data, ds + "X509Certificate").text = _der_base64(pem)
    etree.SubElement(idp, md + "NameIDFormat").text = PERSISTENT
    sso = etree.SubElement(idp, md + "SingleSignOnService")
    sso.set("Binding", "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect")
    sso.set("Location", sso_url)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode()


def _instant(at: float) -> str:
    moment = datetime.datetime.fromtimestamp(at, datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def new_id() -> str:
    return "_" + secrets.token_hex(16)


@dataclass(slots=True)
class AssertionSpec:
    """What the assertion says; each field maps to one element or attribute of it."""

    role_arn: str
    provider_arn: str
    subject: str
    issuer: str = DEFAULT_ENTITY_ID
    session_name: str | None = None  # default: the subject
    recipient: str = AWS_SAML_ENDPOINT
    audience: str = AWS_SAML_ENDPOINT
    issued_at: float = 0.0  # epoch seconds; 0: now
    lifetime_s: int = 300
    subject_format: str = PERSISTENT
    session_duration: int | None = None
    principal_tags: Mapping[str, str] = field(default_factory=dict)
    transitive_tag_keys: Sequence[str] = ()
    source_identity: str | None = None
    attributes: Mapping[str, Sequence[str]] = field(default_factory=dict)
    assertion_id: str = ""  # default: a fresh random id


def assertion(spec: AssertionSpec, now: float) -> etree._Element:
    """The unsigned saml:Assertion of `spec`, with a signature placeholder after its Issuer."""
    at = spec.issued_at or now
    a = f"{{{ASSERTION}}}"
    root = etree.Element(a + "Assertion", nsmap={"saml": ASSERTION})
    root.set("ID", spec.assertion_id or new_id())
    root.set("Version", "2.0")
    root.set("IssueInstant", _instant(at))
    etree.SubElement(root, a + "Issuer").text = spec.issuer
    # signxml puts the enveloped signature where this placeholder is (SAML's schema wants it
    # right after the Issuer).
    etree.SubElement(root, f"{{{DS}}}Signature", Id="placeholder", nsmap={"ds": DS})
    subject = etree.SubElement(root, a + "Subject")
    name_id = etree.SubElement(subject, a + "NameID", Format=spec.subject_format)
    name_id.text = spec.subject
    confirmation = etree.SubElement(
        subject, a + "SubjectConfirmation", Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"
    )
    etree.SubElement(
        confirmation,
        a + "SubjectConfirmationData",
        NotOnOrAfter=_instant(at + spec.lifetime_s),
        Recipient=spec.recipient,
    )
    conditions = etree.SubElement(
        root, a + "Conditions", NotBefore=_instant(at), NotOnOrAfter=_instant(at + spec.lifetime_s)
    )
    restriction = etree.SubElement(conditions, a + "AudienceRestriction")
    etree.SubElement(restriction, a + "Audience").text = spec.audience
    authn = etree.SubElement(root, a + "AuthnStatement", AuthnInstant=_instant(at))
    authn.set("SessionIndex", new_id())
    context = etree.SubElement(authn, a + "AuthnContext")
    etree.SubElement(
        context, a + "AuthnContextClassRef"
    ).text = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
    values: dict[str, list[str]] = {
        ATTRIBUTES + "Role": [f"{spec.role_arn},{spec.provider_arn}"],
        ATTRIBUTES + "RoleSessionName": [spec.session_name or spec.subject],
    }
    if spec.session_duration is not None:
        values[ATTRIBUTES + "SessionDuration"] = [str(spec.session_duration)]
    for key, value in spec.principal_tags.items():
        values[ATTRIBUTES + "PrincipalTag:" + key] = [value]
    if spec.transitive_tag_keys:
        values[ATTRIBUTES + "TransitiveTagKeys"] = list(spec.transitive_tag_keys)
    if spec.source_identity is not None:
        values[ATTRIBUTES + "SourceIdentity"] = [spec.source_identity]
    for name, given in spec.attributes.items():
        values.setdefault(name, []).extend(given)
    statement = etree.SubElement(root, a + "AttributeStatement")
    for name, items in values.items():
        attribute = etree.SubElement(statement, a + "Attribute", Name=name)
        for item in items:
            etree.SubElement(attribute, a + "AttributeValue").text = item
    return root


class _Sha1Signer(XMLSigner):
    """signxml's way to sign with SHA-1 (old AD FS setups): override its refusal."""

    def check_deprecated_methods(self) -> None:
        return None


def sign(
    element: etree._Element,
    key_pem: bytes,
    cert_pem: bytes,
    signature_algorithm: str = "rsa-sha256",
    digest_algorithm: str = "sha256",
) -> etree._Element:
    """`element` with an enveloped signature over its ID (exclusive canonicalization)."""
    # SHA-1 only on request: tests use it to show the node refuses it by default.
    signer_type = _Sha1Signer if "sha1" in signature_algorithm + digest_algorithm else XMLSigner
    signer = signer_type(
        method=SignatureConstructionMethod.enveloped,
        signature_algorithm=signature_algorithm,
        digest_algorithm=digest_algorithm,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    signed: etree._Element = signer.sign(
        element, key=key_pem, cert=cert_pem.decode(), reference_uri=element.get("ID")
    )
    return signed


def response(
    signed_assertion: etree._Element, issuer: str, destination: str, now: float
) -> etree._Element:
    """A samlp:Response (Success) carrying `signed_assertion`."""
    p = f"{{{PROTOCOL}}}"
    root = etree.Element(p + "Response", nsmap={"samlp": PROTOCOL, "saml": ASSERTION})
    root.set("ID", new_id())
    root.set("Version", "2.0")
    root.set("IssueInstant", _instant(now))
    root.set("Destination", destination)
    etree.SubElement(root, f"{{{ASSERTION}}}Issuer").text = issuer
    status = etree.SubElement(root, p + "Status")
    etree.SubElement(status, p + "StatusCode", Value="urn:oasis:names:tc:SAML:2.0:status:Success")
    root.append(signed_assertion)
    return root


def encode(element: etree._Element) -> str:
    """The base64 form AssumeRoleWithSAML takes (the HTTP POST binding's SAMLResponse)."""
    return base64.b64encode(etree.tostring(element)).decode()


def signed_response(spec: AssertionSpec, key_pem: bytes, cert_pem: bytes, now: float) -> str:
    """The base64 SAML response for `spec`, its assertion signed with the key pair."""
    signed = sign(assertion(spec, now), key_pem, cert_pem)
    return encode(response(signed, spec.issuer, spec.recipient, now))


# --- iamstore saml ... ---------------------------------------------------------------------


@click.group("saml")
def saml_group() -> None:
    """A developer SAML identity provider (stands in for a corporate directory)."""


@saml_group.command("keygen")
@click.option("--key", "key_path", type=click.Path(path_type=Path), required=True)
@click.option("--cert", "cert_path", type=click.Path(path_type=Path), required=True)
@click.option("--days", type=int, default=365, show_default=True)
def keygen_command(key_path: Path, cert_path: Path, days: int) -> None:
    """Write a signing key (mode 0600) and its self-signed certificate."""
    if key_path.exists():
        raise click.UsageError(f"`{key_path}` exists; keygen never overwrites a key")
    key_pem, cert_pem = key_pair(days=days)
    key_path.touch(mode=0o600, exist_ok=False)  # private before the key is written
    key_path.write_bytes(key_pem)
    cert_path.write_bytes(cert_pem)


@saml_group.command("metadata")
@click.option(
    "--cert",
    "certs",
    type=click.Path(exists=True, path_type=Path),
    multiple=True,
    required=True,
    help="A signing certificate (PEM); repeat for a rollover.",
)
@click.option("--entity-id", default=DEFAULT_ENTITY_ID, show_default=True)
def metadata_command(certs: tuple[Path, ...], entity_id: str) -> None:
    """Print the IdP metadata document for CreateSAMLProvider."""
    click.echo(metadata([c.read_bytes() for c in certs], entity_id), nl=False)


@saml_group.command("idp")
@click.option("--key", "key_path", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--cert", "cert_path", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--role-arn", required=True)
@click.option("--provider-arn", required=True, help="The saml-provider ARN in IAM.")
@click.option("--subject", required=True, help="The directory user (NameID).")
@click.option("--entity-id", default=DEFAULT_ENTITY_ID, show_default=True)
@click.option("--session-name", default=None, help="RoleSessionName (default: the subject).")
@click.option(
    "--recipient",
    default=AWS_SAML_ENDPOINT,
    show_default=True,
    help="The SAML endpoint (Recipient and Audience).",
)
@click.option("--lifetime", type=int, default=300, show_default=True, help="Seconds.")
@click.option("--tag", "tags", multiple=True, metavar="KEY=VALUE", help="A PrincipalTag.")
def idp_command(
    key_path: Path,
    cert_path: Path,
    role_arn: str,
    provider_arn: str,
    subject: str,
    entity_id: str,
    session_name: str | None,
    recipient: str,
    lifetime: int,
    tags: tuple[str, ...],
) -> None:
    """Print a signed SAML response (base64) for AssumeRoleWithSAML."""
    principal_tags = dict(t.split("=", 1) for t in tags if "=" in t)
    spec = AssertionSpec(
        role_arn=role_arn,
        provider_arn=provider_arn,
        subject=subject,
        issuer=entity_id,
        session_name=session_name,
        recipient=recipient,
        audience=recipient,
        lifetime_s=lifetime,
        principal_tags=principal_tags,
    )
    now = datetime.datetime.now(datetime.UTC).timestamp()
    click.echo(signed_response(spec, key_path.read_bytes(), cert_path.read_bytes(), now))
