"""Every list of an imported entity is bounded by its quota before its entries are checked:
the work one 4 MiB part costs is bounded by the quotas, not by how many entries fit in it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from google.protobuf.message import Message

from iamstore.client import Client, LimitExceededError
from iamstore.node.api import validation


def _user(account: str, **more: object) -> dict[str, object]:
    return {
        "Path": "/",
        "UserName": "hoarder",
        "UserId": "AIDAHOARDERHOARDER01",
        "Arn": f"arn:aws:iam::{account}:user/hoarder",
        "CreateDate": datetime(2020, 1, 1, tzinfo=UTC),
        **more,
    }


def _count_checks(monkeypatch: pytest.MonkeyPatch, operation: str) -> list[str]:
    checked: list[str] = []
    real_validate = validation.validate

    def counting_validate(name: str, request: Message) -> None:
        if name == operation:
            checked.append(name)
        real_validate(name, request)

    monkeypatch.setattr(validation, "validate", counting_validate)
    return checked


def test_a_user_in_too_many_groups_is_refused_before_they_are_checked(
    iam: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = iam.get_caller_identity().account or ""
    checked = _count_checks(monkeypatch, "AddUserToGroup")
    user = _user(account, GroupList=[f"g{i}" for i in range(5_000)])
    with pytest.raises(LimitExceededError, match="GroupsPerUser"):
        iam.import_account(
            import_id="g", account_id=account, commit=True, part_count=1, user_detail_list=[user]
        )
    assert checked == []


def test_an_entity_with_too_many_tags_is_refused_before_the_model_checks_them(
    iam: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = iam.get_caller_identity().account or ""
    checked = _count_checks(monkeypatch, "CreateUser")
    user = _user(account, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(5_000)])
    with pytest.raises(LimitExceededError, match="maximum limit of 50"):
        iam.import_account(
            import_id="t", account_id=account, commit=True, part_count=1, user_detail_list=[user]
        )
    assert checked == []


def test_a_repeated_attachment_is_checked_and_imported_once(iam: Client) -> None:
    account = iam.get_caller_identity().account or ""
    arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    listed = [{"PolicyName": "ReadOnlyAccess", "PolicyArn": arn}] * 1_000
    iam.import_account(
        import_id="r",
        account_id=account,
        commit=True,
        part_count=1,
        user_detail_list=[_user(account, AttachedManagedPolicies=listed)],
    )
    attached = iam.list_attached_user_policies(user_name="hoarder").attached_policies
    assert [policy.policy_arn for policy in attached] == [arn]
