"""Iam handlers for users' signing certificates, SSH public keys and service-specific
credentials."""

from __future__ import annotations

from iamstore.node.api import convert
from iamstore.node.api.call import Call
from iamstore.node.api.dispatch import Handler, opt_int, opt_str, registrar
from iamstore.node.api.iam_credentials import credential_owner
from iamstore.node.domain import lookup, service_credentials, signing_certificates, ssh_keys
from iamstore.node.domain.entities import (
    ServiceCredential,
    SigningCertificate,
    SshPublicKey,
    User,
)
from iamstore.node.domain.errors import ValidationError
from iamstore.v1 import iam_pb2 as pb

HANDLERS: dict[str, Handler] = {}
op = registrar(HANDLERS)

# AWS's answer when the account root omits the user an operation would default to.
NO_USER = "Must specify userName when calling with non-User credentials"


def _user(call: Call, name: str | None) -> User:
    """The named user, else the calling user (AWS's default for these operations)."""
    if name is not None:
        return lookup.user(call.view, call.account_id, name)
    own = call.own_user_id()
    if own is None:
        raise ValidationError(NO_USER, "UserName")
    return lookup.caller_user(call.view, own)


def _certificate(user_name: str, c: SigningCertificate) -> pb.SigningCertificate:
    return pb.SigningCertificate(
        user_name=user_name,
        certificate_id=c.certificate_id,
        certificate_body=c.body,
        status=c.status,
        upload_date=convert.timestamp(c.created_ms),
    )


def _ssh_key(user: User, k: SshPublicKey, body: str) -> pb.SSHPublicKey:
    return pb.SSHPublicKey(
        user_name=user.name,
        ssh_public_key_id=k.key_id,
        fingerprint=k.fingerprint,
        ssh_public_key_body=body,
        status=k.status,
        upload_date=convert.timestamp(k.created_ms),
    )


# Signing certificates naming no user are the caller's own, the account root's included (IAM
# API Reference, UploadSigningCertificate: "you can use this operation to manage AWS account
# root user credentials"), as access keys are: `credential_owner`.
@op("UploadSigningCertificate")
async def upload_signing_certificate(
    call: Call, req: pb.UploadSigningCertificateRequest
) -> pb.UploadSigningCertificateResponse:
    owner_id, user_name = credential_owner(call, opt_str(req, "user_name"))
    made = await call.write(
        lambda view, ctx: signing_certificates.upload(view, ctx, owner_id, req.certificate_body)
    )
    return pb.UploadSigningCertificateResponse(certificate=_certificate(user_name, made))


@op("ListSigningCertificates")
async def list_signing_certificates(
    call: Call, req: pb.ListSigningCertificatesRequest
) -> pb.ListSigningCertificatesResponse:
    owner_id, user_name = credential_owner(call, opt_str(req, "user_name"))
    page = signing_certificates.listed(
        call.view, call.account_id, owner_id, opt_str(req, "marker"), opt_int(req, "max_items")
    )
    return pb.ListSigningCertificatesResponse(
        certificates=[_certificate(user_name, c) for c in page.items],
        is_truncated=page.is_truncated,
        marker=page.marker,
    )


@op("UpdateSigningCertificate")
async def update_signing_certificate(
    call: Call, req: pb.UpdateSigningCertificateRequest
) -> pb.UpdateSigningCertificateResponse:
    owner_id, _ = credential_owner(call, opt_str(req, "user_name"))
    await call.change(
        lambda view, ctx: signing_certificates.set_status(
            view, ctx, owner_id, req.certificate_id, req.status
        )
    )
    return pb.UpdateSigningCertificateResponse()


@op("DeleteSigningCertificate")
async def delete_signing_certificate(
    call: Call, req: pb.DeleteSigningCertificateRequest
) -> pb.DeleteSigningCertificateResponse:
    owner_id, _ = credential_owner(call, opt_str(req, "user_name"))
    await call.change(
        lambda view, ctx: signing_certificates.delete(view, ctx, owner_id, req.certificate_id)
    )
    return pb.DeleteSigningCertificateResponse()


@op("UploadSSHPublicKey")
async def upload_ssh_public_key(
    call: Call, req: pb.UploadSSHPublicKeyRequest
) -> pb.UploadSSHPublicKeyResponse:
    user = lookup.user(call.view, call.account_id, req.user_name)
    made = await call.write(
        lambda view, ctx: ssh_keys.upload(view, ctx, user, req.ssh_public_key_body)
    )
    return pb.UploadSSHPublicKeyResponse(ssh_public_key=_ssh_key(user, made, made.body))


@op("GetSSHPublicKey")
async def get_ssh_public_key(
    call: Call, req: pb.GetSSHPublicKeyRequest
) -> pb.GetSSHPublicKeyResponse:
    user = lookup.user(call.view, call.account_id, req.user_name)
    key = ssh_keys.get(call.view, user, req.ssh_public_key_id)
    body = ssh_keys.encoded(key, req.encoding)  # SSH or PEM: checked by the model
    return pb.GetSSHPublicKeyResponse(ssh_public_key=_ssh_key(user, key, body))


@op("ListSSHPublicKeys")
async def list_ssh_public_keys(
    call: Call, req: pb.ListSSHPublicKeysRequest
) -> pb.ListSSHPublicKeysResponse:
    user = _user(call, opt_str(req, "user_name"))
    page = ssh_keys.listed(call.view, user, opt_str(req, "marker"), opt_int(req, "max_items"))
    return pb.ListSSHPublicKeysResponse(
        ssh_public_keys=[
            pb.SSHPublicKeyMetadata(
                user_name=user.name,
                ssh_public_key_id=k.key_id,
                status=k.status,
                upload_date=convert.timestamp(k.created_ms),
            )
            for k in page.items
        ],
        is_truncated=page.is_truncated,
        marker=page.marker,
    )


@op("UpdateSSHPublicKey")
async def update_ssh_public_key(
    call: Call, req: pb.UpdateSSHPublicKeyRequest
) -> pb.UpdateSSHPublicKeyResponse:
    user = lookup.user(call.view, call.account_id, req.user_name)
    await call.change(
        lambda view, ctx: ssh_keys.set_status(view, user, req.ssh_public_key_id, req.status)
    )
    return pb.UpdateSSHPublicKeyResponse()


@op("DeleteSSHPublicKey")
async def delete_ssh_public_key(
    call: Call, req: pb.DeleteSSHPublicKeyRequest
) -> pb.DeleteSSHPublicKeyResponse:
    user = lookup.user(call.view, call.account_id, req.user_name)
    await call.change(lambda view, ctx: ssh_keys.delete(view, user, req.ssh_public_key_id))
    return pb.DeleteSSHPublicKeyResponse()


# --- service-specific credentials -------------------------------------------------------------

# Lengths of what AWS generates: a 44-character password; a longer API key secret.
PASSWORD_LENGTH = 44
API_KEY_SECRET_LENGTH = 96


def _credential(
    user: User, c: ServiceCredential, secret: str | None
) -> pb.ServiceSpecificCredential:
    message = pb.ServiceSpecificCredential(
        create_date=convert.timestamp(c.created_ms),
        service_name=c.service_name,
        service_specific_credential_id=c.credential_id,
        user_name=user.name,
        status=c.status,
    )
    if service_credentials.is_api_key(c.service_name):
        message.service_credential_alias = c.service_user_name
        if secret is not None:
            message.service_credential_secret = secret
    else:
        message.service_user_name = c.service_user_name
        if secret is not None:
            message.service_password = secret
    if c.expiration_ms is not None:
        message.expiration_date.CopyFrom(convert.timestamp(c.expiration_ms))
    return message


def _new_secret(call: Call, service_name: str) -> str:
    if service_credentials.is_api_key(service_name):
        return call.components.ids.secret(API_KEY_SECRET_LENGTH)
    return call.components.ids.secret(PASSWORD_LENGTH)


@op("CreateServiceSpecificCredential")
async def create_service_specific_credential(
    call: Call, req: pb.CreateServiceSpecificCredentialRequest
) -> pb.CreateServiceSpecificCredentialResponse:
    user = lookup.user(call.view, call.account_id, req.user_name)
    made = await call.write(
        lambda view, ctx: service_credentials.create(
            view, ctx, user, req.service_name, opt_int(req, "credential_age_days")
        )
    )
    secret = _new_secret(call, made.service_name)
    return pb.CreateServiceSpecificCredentialResponse(
        service_specific_credential=_credential(user, made, secret)
    )


@op("ResetServiceSpecificCredential")
async def reset_service_specific_credential(
    call: Call, req: pb.ResetServiceSpecificCredentialRequest
) -> pb.ResetServiceSpecificCredentialResponse:
    """A new password or secret; nothing is stored, so nothing is written."""
    user = _user(call, opt_str(req, "user_name"))
    found = service_credentials.get(call.view, user, req.service_specific_credential_id)
    secret = _new_secret(call, found.service_name)
    return pb.ResetServiceSpecificCredentialResponse(
        service_specific_credential=_credential(user, found, secret)
    )


@op("ListServiceSpecificCredentials")
async def list_service_specific_credentials(
    call: Call, req: pb.ListServiceSpecificCredentialsRequest
) -> pb.ListServiceSpecificCredentialsResponse:
    all_users = bool(req.HasField("all_users") and req.all_users)
    user = None if all_users else _user(call, opt_str(req, "user_name"))
    page = service_credentials.listed(
        call.view,
        call.account_id,
        user,
        opt_str(req, "service_name"),
        opt_str(req, "marker"),
        opt_int(req, "max_items"),
    )
    response = pb.ListServiceSpecificCredentialsResponse(
        is_truncated=page.is_truncated, marker=page.marker
    )
    for c in page.items:
        owner = call.view.users.get(c.user_id)
        if owner is None:  # INVARIANT: listed() returns only live users' credentials
            continue
        full = _credential(owner, c, None)
        metadata = response.service_specific_credentials.add(
            user_name=full.user_name,
            status=full.status,
            create_date=full.create_date,
            service_specific_credential_id=full.service_specific_credential_id,
            service_name=full.service_name,
        )
        if full.HasField("service_user_name"):
            metadata.service_user_name = full.service_user_name
        if full.HasField("service_credential_alias"):
            metadata.service_credential_alias = full.service_credential_alias
        if full.HasField("expiration_date"):
            metadata.expiration_date.CopyFrom(full.expiration_date)
    return response


@op("UpdateServiceSpecificCredential")
async def update_service_specific_credential(
    call: Call, req: pb.UpdateServiceSpecificCredentialRequest
) -> pb.UpdateServiceSpecificCredentialResponse:
    user = _user(call, opt_str(req, "user_name"))
    await call.change(
        lambda view, ctx: service_credentials.set_status(
            view, user, req.service_specific_credential_id, req.status
        )
    )
    return pb.UpdateServiceSpecificCredentialResponse()


@op("DeleteServiceSpecificCredential")
async def delete_service_specific_credential(
    call: Call, req: pb.DeleteServiceSpecificCredentialRequest
) -> pb.DeleteServiceSpecificCredentialResponse:
    user = _user(call, opt_str(req, "user_name"))
    await call.change(
        lambda view, ctx: service_credentials.delete(view, user, req.service_specific_credential_id)
    )
    return pb.DeleteServiceSpecificCredentialResponse()
