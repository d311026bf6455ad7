"""Iam handlers for server certificates (and their tags)."""

from __future__ import annotations

from iamstore.node.api import convert
from iamstore.node.api.call import Call
from iamstore.node.api.dispatch import Handler, opt_int, opt_str, registrar
from iamstore.node.domain import server_certificates
from iamstore.node.domain.entities import ServerCertificate
from iamstore.v1 import iam_pb2 as pb

HANDLERS: dict[str, Handler] = {}
op = registrar(HANDLERS)


def _metadata(c: ServerCertificate) -> pb.ServerCertificateMetadata:
    return pb.ServerCertificateMetadata(
        path=c.path,
        server_certificate_name=c.name,
        server_certificate_id=c.certificate_id,
        arn=c.arn,
        upload_date=convert.timestamp(c.created_ms),
        expiration=convert.timestamp(c.expiration_ms),
    )


@op("UploadServerCertificate")
async def upload_server_certificate(
    call: Call, req: pb.UploadServerCertificateRequest
) -> pb.UploadServerCertificateResponse:
    certificate = await call.write(
        lambda view, ctx: server_certificates.upload(
            view,
            ctx,
            req.server_certificate_name,
            opt_str(req, "path") or "/",
            req.certificate_body,
            req.private_key,
            opt_str(req, "certificate_chain"),
            convert.tag_pairs(req.tags),
        )
    )
    return pb.UploadServerCertificateResponse(
        server_certificate_metadata=_metadata(certificate),
        tags=convert.tags(certificate.tags),
    )


@op("GetServerCertificate")
async def get_server_certificate(
    call: Call, req: pb.GetServerCertificateRequest
) -> pb.GetServerCertificateResponse:
    c = server_certificates.get(call.view, call.account_id, req.server_certificate_name)
    message = pb.ServerCertificate(
        server_certificate_metadata=_metadata(c),
        certificate_body=c.body,
        tags=convert.tags(c.tags),
    )
    if c.chain is not None:
        message.certificate_chain = c.chain
    return pb.GetServerCertificateResponse(server_certificate=message)


@op("ListServerCertificates")
async def list_server_certificates(
    call: Call, req: pb.ListServerCertificatesRequest
) -> pb.ListServerCertificatesResponse:
    page = server_certificates.listed(
        call.view,
        call.account_id,
        opt_str(req, "path_prefix") or "/",
        opt_str(req, "marker"),
        opt_int(req, "max_items"),
    )
    return pb.ListServerCertificatesResponse(
        server_certificate_metadata_list=[_metadata(c) for c in page.items],
        is_truncated=page.is_truncated,
        marker=page.marker,
    )


@op("UpdateServerCertificate")
async def update_server_certificate(
    call: Call, req: pb.UpdateServerCertificateRequest
) -> pb.UpdateServerCertificateResponse:
    await call.change(
        lambda view, ctx: server_certificates.update(
            view,
            ctx,
            req.server_certificate_name,
            opt_str(req, "new_path"),
            opt_str(req, "new_server_certificate_name"),
        )
    )
    return pb.UpdateServerCertificateResponse()


@op("DeleteServerCertificate")
async def delete_server_certificate(
    call: Call, req: pb.DeleteServerCertificateRequest
) -> pb.DeleteServerCertificateResponse:
    name = req.server_certificate_name
    await call.change(lambda view, ctx: server_certificates.delete(view, ctx.account_id, name))
    return pb.DeleteServerCertificateResponse()
