"""AWS's service models load from botocore's files alone, whatever the AWS configuration."""

from __future__ import annotations

import pytest

from iamstore.node.api import aws_models, validation
from iamstore.node.domain.errors import ValidationError
from iamstore.v1 import iam_pb2


def test_a_missing_aws_profile_does_not_stop_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    """A botocore session read AWS_PROFILE first: with a profile that does not exist, every
    validated call (and the emulator's start in a user's test suite) failed."""
    monkeypatch.setenv("AWS_PROFILE", "does-not-exist")
    aws_models.service_model.cache_clear()
    try:
        assert "CreateUser" in aws_models.service_model("iam").operation_names
        with pytest.raises(ValidationError):
            validation.validate("CreateUser", iam_pb2.CreateUserRequest(user_name="bad name!"))
    finally:
        aws_models.service_model.cache_clear()
