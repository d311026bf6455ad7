"""AWS's service models as botocore ships them, read without any AWS configuration.

A botocore *session* would read AWS_PROFILE and ~/.aws/config first: a node started where
AWS_PROFILE names a missing profile would fail on its first request. The loader reads only
the model files.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from botocore.loaders import Loader
from botocore.model import ServiceModel


@cache
def service_model(name: str) -> Any:
    """botocore's ServiceModel of `iam` or `sts`, loaded once."""
    return ServiceModel(Loader().load_service_model(name, "service-2"), service_name=name)
