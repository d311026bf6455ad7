"""Request validation against AWS's model when the model is newer than the .proto."""

from __future__ import annotations

import pytest

from iamstore.node.api import validation
from iamstore.node.domain.errors import ValidationError
from iamstore.v1 import iam_pb2 as pb


def test_a_model_member_the_proto_lacks_is_skipped() -> None:
    # A newer botocore adds members to existing operations (CreateSAMLProvider gained
    # ContextProvider): validation must keep checking the members the proto has.
    newer = validation._Field(
        name="brand_new_member",
        member="BrandNewMember",
        required=False,
        check=lambda value, where, errors: errors.append((where, "checked")),
        repeated=False,
    )
    descriptor = pb.CreateUserRequest.DESCRIPTOR
    fields = (*validation._operation_fields("CreateUser", descriptor), newer)
    errors: list[tuple[str, str]] = []
    validation._check_message(pb.CreateUserRequest(user_name="bad name"), fields, "", errors)
    assert [where for where, _ in errors] == ["userName"]


def test_the_members_the_proto_has_are_still_checked() -> None:
    with pytest.raises(ValidationError):
        validation.validate("CreateSAMLProvider", pb.CreateSAMLProviderRequest(name="bad name"))
