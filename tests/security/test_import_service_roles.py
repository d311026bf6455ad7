"""An account import keeps service-linked roles protected: it neither rewrites one (also with
`--replace`) nor plants under their reserved path a role that an IAM principal may assume."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from security_nodes import doc

from iamstore.client import Client, IamError, InvalidInputError, UnmodifiableEntityError

_SERVICE = "support.amazonaws.com"
_PATH = f"/aws-service-role/{_SERVICE}/"
_SERVICE_TRUST = doc(
    {"Effect": "Allow", "Principal": {"Service": _SERVICE}, "Action": "sts:AssumeRole"}
)


def _role(account: str, path: str, name: str, role_id: str, trust: str) -> dict[str, object]:
    return {
        "Path": path,
        "RoleName": name,
        "RoleId": role_id,
        "Arn": f"arn:aws:iam::{account}:role{path}{name}",
        "CreateDate": datetime(2020, 1, 1, tzinfo=UTC),
        "AssumeRolePolicyDocument": trust,
    }


def test_a_real_accounts_service_linked_role_is_imported_and_stays_protected(
    iam: Client,
) -> None:
    account = iam.get_caller_identity().account or ""
    role = _role(
        account, _PATH, "AWSServiceRoleForSupport", "AROASUPPORTSUPPORTSU1", _SERVICE_TRUST
    )
    for _ in range(2):  # the second run, with --replace, finds it unchanged and writes nothing
        iam.import_account(
            import_id="slr",
            account_id=account,
            commit=True,
            part_count=1,
            replace=True,
            role_detail_list=[role],
        )
    with pytest.raises(UnmodifiableEntityError):
        iam.delete_role(role_name="AWSServiceRoleForSupport")


@pytest.mark.parametrize(
    "trust",
    [
        doc({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}),
        doc({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}),
        doc({"Effect": "Allow", "NotPrincipal": {"Service": _SERVICE}, "Action": "sts:AssumeRole"}),
    ],
)
def test_a_role_under_the_reserved_path_trusting_more_than_services_is_refused(
    iam: Client, trust: str
) -> None:
    account = iam.get_caller_identity().account or ""
    role = _role(account, _PATH, "AWSServiceRoleForSupport", "AROASUPPORTSUPPORTSU1", trust)
    with pytest.raises(IamError, match="reserved for service-linked roles"):
        iam.import_account(
            import_id="x", account_id=account, commit=True, part_count=1, role_detail_list=[role]
        )
    assert [r.role_name for r in iam.list_roles().roles] == []


def test_a_reserved_path_that_names_no_service_is_refused(iam: Client) -> None:
    account = iam.get_caller_identity().account or ""
    role = _role(account, "/aws-service-role/", "Bare", "AROABAREBAREBAREBARE1", _SERVICE_TRUST)
    with pytest.raises(InvalidInputError, match="reserved for service-linked roles"):
        iam.import_account(
            import_id="x", account_id=account, commit=True, part_count=1, role_detail_list=[role]
        )


def test_replace_cannot_overwrite_a_service_linked_role_by_name_or_by_id(iam: Client) -> None:
    account = iam.get_caller_identity().account or ""
    linked = iam.create_service_linked_role(aws_service_name="elasticbeanstalk.amazonaws.com").role
    attached_before = iam.list_attached_role_policies(role_name=linked.role_name).attached_policies
    trust = doc({"Effect": "Allow", "Principal": {"AWS": account}, "Action": "sts:AssumeRole"})
    by_name = _role(account, "/", linked.role_name, "AROABYNAMEBYNAMEBYNA1", trust)
    by_id = _role(account, "/", "moved", linked.role_id, trust)
    same_but_more = _role(account, linked.path, linked.role_name, linked.role_id, _SERVICE_TRUST)
    same_but_more["AssumeRolePolicyDocument"] = linked.assume_role_policy_document
    same_but_more["CreateDate"] = linked.create_date
    same_but_more["AttachedManagedPolicies"] = [
        {"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}
    ]
    for role in (by_name, by_id, same_but_more):
        with pytest.raises(UnmodifiableEntityError, match=linked.role_name):
            iam.import_account(
                import_id="x",
                account_id=account,
                commit=True,
                part_count=1,
                replace=True,
                role_detail_list=[role],
            )
    after = iam.get_role(role_name=linked.role_name).role
    assert (after.role_id, after.path) == (linked.role_id, linked.path)
    assert after.assume_role_policy_document is not None
    assert linked.assume_role_policy_document is not None
    assert json.loads(after.assume_role_policy_document) == json.loads(
        linked.assume_role_policy_document
    )
    attached = iam.list_attached_role_policies(role_name=linked.role_name).attached_policies
    assert (
        attached == attached_before
    )  # the service's own policy, as CreateServiceLinkedRole made it
    assert [r.role_name for r in iam.list_roles().roles] == [linked.role_name]
