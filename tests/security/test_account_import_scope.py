"""An account import writes IAM entities: temporary credentials that may call no IAM operation
may not import either, whatever their policies allow."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from security_nodes import allow, doc, session_client

from iamstore.client import Client
from iamstore.client.errors import AccessDeniedError
from iamstore.cluster.testing.inproc import InProcessNode


def test_federated_users_cannot_import_an_account(iam_node: InProcessNode, iam: Client) -> None:
    account = iam.get_caller_identity().account or ""
    issued = iam.get_federation_token(
        name="broker", policy=doc(allow("iam:*", "iamstore:*"))
    ).credentials
    with session_client(iam_node, issued) as federated, pytest.raises(AccessDeniedError):
        federated.import_account(
            import_id="x",
            account_id=account,
            commit=True,
            part_count=1,
            user_detail_list=[
                {
                    "Path": "/",
                    "UserName": "planted",
                    "UserId": "AIDAPLANTEDPLANTED01",
                    "Arn": f"arn:aws:iam::{account}:user/planted",
                    "CreateDate": datetime(2020, 1, 1, tzinfo=UTC),
                }
            ],
        )
    with pytest.raises(Exception, match="cannot be found"):
        iam.get_user(user_name="planted")
