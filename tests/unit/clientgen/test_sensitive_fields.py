"""Every member AWS's model marks sensitive stays out of the generated models' repr()."""

from __future__ import annotations

import dataclasses

import botocore.session
from botocore import xform_name

from iamstore.client import models, results


def test_aws_sensitive_members_are_not_in_repr() -> None:
    service = botocore.session.get_session().get_service_model("iam")
    shown: list[str] = []
    for module in (models, results):
        for name in dir(module):
            cls = getattr(module, name)
            if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
                continue
            if name not in service.shape_names:
                continue
            members = service.shape_for(name).members
            sensitive = {
                xform_name(member)
                for member, shape in members.items()
                if shape.metadata.get("sensitive")
            }
            for field in dataclasses.fields(cls):
                if field.name in sensitive and field.repr:
                    shown.append(f"{name}.{field.name}")
    assert shown == []
