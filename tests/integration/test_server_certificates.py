"""Server certificates: upload with key and chain validation, rename, list, tags, delete."""

from __future__ import annotations

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from iamstore.client import (
    Client,
    EntityAlreadyExistsError,
    KeyPairMismatchError,
    LimitExceededError,
    MalformedCertificateError,
    NoSuchEntityError,
)

NOW = datetime.datetime.now(datetime.UTC)


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _cert(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: str,
    issuer_key: ec.EllipticCurvePrivateKey,
    *,
    days: int = 30,
    start_days: int = -1,
) -> x509.Certificate:
    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])

    return (
        x509.CertificateBuilder()
        .subject_name(name(subject))
        .issuer_name(name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW + datetime.timedelta(days=start_days))
        .not_valid_after(NOW + datetime.timedelta(days=days))
        .sign(issuer_key, hashes.SHA256())
    )


def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def _key_pem(key: ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


class Pki:
    def __init__(self) -> None:
        self.root_key, self.mid_key, self.leaf_key = _key(), _key(), _key()
        self.root = _cert("root", self.root_key, "root", self.root_key)
        self.mid = _cert("mid", self.mid_key, "root", self.root_key)
        self.leaf = _cert("www.example.com", self.leaf_key, "mid", self.mid_key)
        self.chain = _pem(self.mid) + _pem(self.root)


@pytest.fixture(scope="module")
def pki() -> Pki:
    return Pki()


def test_upload_get_list_rename_delete(iam: Client, pki: Pki) -> None:
    made = iam.upload_server_certificate(
        server_certificate_name="www",
        path="/cloudfront/",
        certificate_body=_pem(pki.leaf),
        private_key=_key_pem(pki.leaf_key),
        certificate_chain=pki.chain,
        tags=[{"Key": "env", "Value": "prod"}],
    )
    meta = made.server_certificate_metadata
    account = iam.get_user().user.arn.split(":")[4]
    assert meta.arn == f"arn:aws:iam::{account}:server-certificate/cloudfront/www"
    assert meta.server_certificate_id.startswith("ASCA")
    assert meta.expiration is not None
    assert abs(meta.expiration.timestamp() - pki.leaf.not_valid_after_utc.timestamp()) < 1
    got = iam.get_server_certificate(server_certificate_name="WWW").server_certificate
    assert got.certificate_body == _pem(pki.leaf)
    assert got.certificate_chain == pki.chain
    assert [(t.key, t.value) for t in got.tags] == [("env", "prod")]
    assert "PRIVATE KEY" not in repr(got)
    listed = iam.list_server_certificates(path_prefix="/cloudfront/")
    assert [m.server_certificate_name for m in listed.server_certificate_metadata_list] == ["www"]
    iam.update_server_certificate(
        server_certificate_name="www", new_server_certificate_name="web", new_path="/elb/"
    )
    renamed = iam.get_server_certificate(server_certificate_name="web").server_certificate
    assert renamed.server_certificate_metadata.arn.endswith(":server-certificate/elb/web")
    assert renamed.server_certificate_metadata.server_certificate_id == meta.server_certificate_id
    assert [(t.key, t.value) for t in renamed.tags] == [("env", "prod")]
    with pytest.raises(NoSuchEntityError):
        iam.get_server_certificate(server_certificate_name="www")
    iam.delete_server_certificate(server_certificate_name="web")
    assert iam.list_server_certificates().server_certificate_metadata_list == ()


def test_the_private_key_is_never_stored(iam: Client, pki: Pki, iam_node: object) -> None:
    key = _key_pem(pki.leaf_key)
    iam.upload_server_certificate(
        server_certificate_name="k", certificate_body=_pem(pki.leaf), private_key=key
    )
    data_dir = iam_node.config.data_dir  # type: ignore[attr-defined]
    secret = key.split("-----")[2].strip().splitlines()[0].encode()
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert secret not in path.read_bytes(), path


def test_bad_uploads_are_refused_and_change_nothing(iam: Client, pki: Pki) -> None:
    body, key = _pem(pki.leaf), _key_pem(pki.leaf_key)
    cases = [
        (MalformedCertificateError, {"certificate_body": "not a certificate", "private_key": key}),
        (MalformedCertificateError, {"certificate_body": body, "private_key": "not a key"}),
        (KeyPairMismatchError, {"certificate_body": body, "private_key": _key_pem(pki.mid_key)}),
        # the chain out of order: the root first, then the intermediate
        (MalformedCertificateError, {"certificate_body": body, "private_key": key,
                                     "certificate_chain": _pem(pki.root) + _pem(pki.mid)}),
        # a chain that does not start with the certificate's issuer
        (MalformedCertificateError, {"certificate_body": body, "private_key": key,
                                     "certificate_chain": _pem(pki.root)}),
        (MalformedCertificateError, {"certificate_body": body, "private_key": key,
                                     "certificate_chain": _pem(pki.mid) * 11}),
    ]  # fmt: skip
    expired_key = _key()
    expired = _cert("old", expired_key, "old", expired_key, days=-1, start_days=-10)
    cases.append(
        (MalformedCertificateError, {"certificate_body": _pem(expired),
                                     "private_key": _key_pem(expired_key)})
    )  # fmt: skip
    for error, fields in cases:
        with pytest.raises(error):
            iam.upload_server_certificate(server_certificate_name="bad", **fields)  # type: ignore[arg-type]
    assert iam.list_server_certificates().server_certificate_metadata_list == ()


def test_names_and_quota(iam: Client, pki: Pki) -> None:
    body, key = _pem(pki.leaf), _key_pem(pki.leaf_key)
    for i in range(20):
        iam.upload_server_certificate(
            server_certificate_name=f"c{i}", certificate_body=body, private_key=key
        )
    with pytest.raises(EntityAlreadyExistsError):
        iam.upload_server_certificate(
            server_certificate_name="C1", certificate_body=body, private_key=key
        )
    with pytest.raises(LimitExceededError):
        iam.upload_server_certificate(
            server_certificate_name="c20", certificate_body=body, private_key=key
        )
    with pytest.raises(EntityAlreadyExistsError):
        iam.update_server_certificate(
            server_certificate_name="c1", new_server_certificate_name="c2"
        )
    page = iam.list_server_certificates(max_items=15)
    assert page.is_truncated is True
    rest = iam.list_server_certificates(marker=page.marker)
    assert (
        len(page.server_certificate_metadata_list) + len(rest.server_certificate_metadata_list)
        == 20
    )


def test_tags(iam: Client, pki: Pki) -> None:
    iam.upload_server_certificate(
        server_certificate_name="t",
        certificate_body=_pem(pki.leaf),
        private_key=_key_pem(pki.leaf_key),
    )
    iam.tag_server_certificate(server_certificate_name="t", tags=[{"Key": "a", "Value": "1"}])
    iam.untag_server_certificate(server_certificate_name="t", tag_keys=["b"])
    listed = iam.list_server_certificate_tags(server_certificate_name="t")
    assert [(t.key, t.value) for t in listed.tags] == [("a", "1")]
