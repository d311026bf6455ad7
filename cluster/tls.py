"""Certificates for a local TLS cluster: one CA, and one server-and-client certificate per node.

Keys are EC P-256 and written mode 0600; certificates are PEM. Every node certificate names
127.0.0.1, `localhost` and the node's name, so clients and peers can verify it on loopback,
and the node's id (`urn:iamstore:node:ID`), its identity among peers; it carries both the
serverAuth and clientAuth usages (it is shown to clients and, for mutual TLS, to other nodes).
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from iamstore.node.replication.commitsig import (
    commit_key_extension,
    load_signing_key,
    raw_public_key,
)
from iamstore.node.replication.peertls import node_id_uri

COMMIT_KEY = "commit.key"  # the node's commit-signing key, where the node looks for it
CA_CERT = "ca.pem"
CA_KEY = "ca.key"
NODE_CERT = "node.pem"
NODE_KEY = "node.key"
VALIDITY = datetime.timedelta(days=365)
# Tolerates a little clock difference between the machine that signs and the one verifying.
BACKDATE = datetime.timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class NodeTls:
    """The files a node serves and dials peers with."""

    cert: Path
    key: Path
    ca: Path


def _write(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.chmod(path, mode)  # O_CREAT's mode does not apply to an existing file


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "iamstore local cluster"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def create_ca(folder: Path, now: datetime.datetime | None = None) -> Path:
    """Writes a self-signed CA (`ca.pem`, `ca.key`) into `folder`, valid one year; its path."""
    now = now or datetime.datetime.now(datetime.UTC)
    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name("iamstore local cluster CA")
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write(folder / CA_KEY, _key_pem(key), 0o600)
    _write(folder / CA_CERT, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    return folder / CA_CERT


def new_node_id() -> str:
    """A fresh node id, as a node makes one for itself (node/server.py)."""
    return "n" + secrets.token_hex(6)


def issue_node_certificate(
    ca_folder: Path,
    node_folder: Path,
    node_name: str,
    now: datetime.datetime | None = None,
    node_id: str | None = None,
) -> NodeTls:
    """Signs a certificate for `node_name` with the CA in `ca_folder`, naming `node_id` (a
    fresh one by default) and the node's commit-signing key (`commit.key` in `node_folder`,
    made when missing), and writes it, its key and a copy of the CA certificate into
    `node_folder`."""
    now = now or datetime.datetime.now(datetime.UTC)
    node_id = node_id or new_node_id()
    ca_pem = (ca_folder / CA_CERT).read_bytes()
    ca_cert = x509.load_pem_x509_certificate(ca_pem)
    ca_key = serialization.load_pem_private_key((ca_folder / CA_KEY).read_bytes(), None)
    if not isinstance(ca_key, ec.EllipticCurvePrivateKey):
        raise ValueError(f"`{ca_folder / CA_KEY}` is not an EC private key")
    node_folder.mkdir(parents=True, exist_ok=True)
    commit_key = raw_public_key(load_signing_key(node_folder / COMMIT_KEY))
    key = ec.generate_private_key(ec.SECP256R1())
    alt_names: list[x509.GeneralName] = [
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.DNSName("localhost"),
        x509.DNSName(node_name),
        x509.UniformResourceIdentifier(node_id_uri(node_id)),
    ]
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(node_name))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(min(now + VALIDITY, ca_cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=True,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .add_extension(commit_key_extension(commit_key), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    files = NodeTls(node_folder / NODE_CERT, node_folder / NODE_KEY, node_folder / CA_CERT)
    _write(files.key, _key_pem(key), 0o600)
    _write(files.cert, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    _write(files.ca, ca_pem, 0o644)
    return files


def node_files(node_folder: Path) -> NodeTls:
    """Where `issue_node_certificate` puts a node's files."""
    return NodeTls(node_folder / NODE_CERT, node_folder / NODE_KEY, node_folder / CA_CERT)
