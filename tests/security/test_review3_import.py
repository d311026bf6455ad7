"""Findings of the third adversarial review: account import (`AccountTransfer.ImportAccount`).

Each test reproduces an open bug against a real node and is marked xfail(strict=True): it
documents the bug, and fails the moment the bug is fixed without the marker being removed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from security_nodes import allow, doc, user_client

from iamstore.client import (
    AccessDeniedError,
    Client,
    Credentials,
    IamError,
    LimitExceededError,
    NoSuchEntityError,
    _convert,
)
from iamstore.client import _sync as client_sync
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node.api import validation
from iamstore.node.config import NodeConfig
from iamstore.v1 import transfer_pb2 as tpb


def _account_root(node: InProcessNode, management: Client, name: str) -> Client:
    made = management.create_account(account_name=name)
    root = made.root_credentials
    assert root is not None
    return Client(node.address, credentials=Credentials(root.access_key_id, root.secret_access_key))


@pytest.fixture
def victim(iam_node: InProcessNode, management: Client) -> Iterator[Client]:
    with _account_root(iam_node, management, "victim") as client:
        yield client


@pytest.fixture
def attacker(iam_node: InProcessNode, management: Client) -> Iterator[Client]:
    with _account_root(iam_node, management, "attacker") as client:
        yield client


def _imported_user(account: str, name: str, user_id: str) -> dict[str, object]:
    return {
        "Path": "/",
        "UserName": name,
        "UserId": user_id,
        "Arn": f"arn:aws:iam::{account}:user/{name}",
        "CreateDate": datetime(2020, 1, 1, tzinfo=UTC),
    }


def test_review3_an_import_cannot_take_a_deleted_users_id_from_another_account(
    iam_node: InProcessNode, victim: Client, attacker: Client
) -> None:
    victim_account = victim.get_caller_identity().account or ""
    attacker_account = attacker.get_caller_identity().account or ""
    # The victim account: user `deploy`, trusted by role `deployer` (pinned to its id), then
    # deleted; AWS guarantees that nobody is ever that principal again.
    departed = victim.create_user(user_name="deploy").user
    role_arn = victim.create_role(
        role_name="deployer",
        assume_role_policy_document=doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": departed.arn},
                "Action": "sts:AssumeRole",
            }
        ),
    ).role.arn
    victim.delete_user(user_name="deploy")
    # Another account (the departed user knows its own id) imports a user with that id.
    try:
        attacker.import_account(
            import_id="takeover",
            account_id=attacker_account,
            commit=True,
            part_count=1,
            user_detail_list=[_imported_user(attacker_account, "mallory", departed.user_id)],
        )
    except Exception:
        imported = False  # refused: what a fixed node does
    else:
        imported = True
    assert victim_account != attacker_account
    if imported:
        attacker.put_user_policy(
            user_name="mallory",
            policy_name="assume",
            policy_document=doc(allow("sts:AssumeRole", resource=role_arn)),
        )
        key = attacker.create_access_key(user_name="mallory").access_key
        with Client(
            iam_node.address, credentials=Credentials(key.access_key_id, key.secret_access_key)
        ) as mallory:
            try:
                mallory.assume_role(role_arn=role_arn, role_session_name="takeover")
            except Exception:
                assumed = False
            else:
                assumed = True
        # The victim's role must not trust a principal of another account it never named.
        assert not assumed


def test_review3_an_entity_listing_too_many_policies_is_refused_before_they_are_checked(
    iam: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = iam.get_caller_identity().account or ""
    checked: list[str] = []
    real_validate = validation.validate

    def counting_validate(operation: str, request: Message) -> None:
        if operation == "AttachUserPolicy":
            checked.append(operation)
        real_validate(operation, request)

    monkeypatch.setattr(validation, "validate", counting_validate)
    # 5,000 distinct ARNs on one user (the quota is 10 to 20); 120,000 fit in one part, and
    # measured in-process the list de-duplication alone takes 0.4 s for 5,000, 1.6 s for
    # 10,000 and 8 s for 20,000 (quadratic: some five minutes for a full part).
    user = _imported_user(account, "hoarder", "AIDAHOARDERHOARDER01")
    user["AttachedManagedPolicies"] = [
        {"PolicyName": f"p{i}", "PolicyArn": f"arn:aws:iam::aws:policy/p{i:06d}"}
        for i in range(5_000)
    ]
    with pytest.raises(LimitExceededError):
        iam.import_account(
            import_id="hoard",
            account_id=account,
            commit=True,
            part_count=1,
            user_detail_list=[user],
        )
    # The bound holds before the entries are checked: at most the quota's worth are looked at.
    assert len(checked) <= 100


_OUTSIDER_TRUST = doc(
    {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
        "Action": "sts:AssumeRole",
    }
)
_ADMIN = {
    "PolicyName": "AdministratorAccess",
    "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess",
}


def _imported_role(
    account: str, path: str, name: str, role_id: str, trust: str
) -> dict[str, object]:
    return {
        "Path": path,
        "RoleName": name,
        "RoleId": role_id,
        "Arn": f"arn:aws:iam::{account}:role{path}{name}",
        "CreateDate": datetime(2020, 1, 1, tzinfo=UTC),
        "AssumeRolePolicyDocument": trust,
        "AttachedManagedPolicies": [_ADMIN],
    }


def test_review3_an_import_cannot_rewrite_a_service_linked_role(iam: Client) -> None:
    account = iam.get_caller_identity().account or ""
    linked = iam.create_service_linked_role(aws_service_name="elasticbeanstalk.amazonaws.com").role
    trust_before = linked.assume_role_policy_document
    attached_before = iam.list_attached_role_policies(role_name=linked.role_name).attached_policies
    role = _imported_role(account, linked.path, linked.role_name, linked.role_id, _OUTSIDER_TRUST)
    role["Arn"] = linked.arn
    with contextlib.suppress(Exception):  # refusing the import is one way to fix it
        iam.import_account(
            import_id="rewrite",
            account_id=account,
            commit=True,
            part_count=1,
            replace=True,
            role_detail_list=[role],
        )
    after = iam.get_role(role_name=linked.role_name).role
    assert after.assume_role_policy_document == trust_before
    assert (
        iam.list_attached_role_policies(role_name=linked.role_name).attached_policies
        == attached_before
    )


def test_review3_an_import_cannot_plant_a_protected_role_trusting_anyone(iam: Client) -> None:
    account = iam.get_caller_identity().account or ""
    path = "/aws-service-role/backdoor.amazonaws.com/"
    role = _imported_role(
        account, path, "AWSServiceRoleForBackdoor", "AROABACKDOORBACKDOOR1", _OUTSIDER_TRUST
    )
    with contextlib.suppress(Exception):  # refusing the import is one way to fix it
        iam.import_account(
            import_id="plant",
            account_id=account,
            commit=True,
            part_count=1,
            role_detail_list=[role],
        )
    try:
        planted = iam.get_role(role_name="AWSServiceRoleForBackdoor").role
    except NoSuchEntityError:
        return  # refused
    # Kept: then it is an ordinary role its account can clean up (or its trust is a service's).
    assert "999999999999" not in (planted.assume_role_policy_document or "")


@pytest.mark.parametrize("digits", [30, 5_000])
def test_review3_an_imported_version_id_too_large_is_a_clear_error(
    iam: Client, digits: int
) -> None:
    account = iam.get_caller_identity().account or ""
    version_id = "v" + "9" * digits
    when = datetime(2020, 1, 1, tzinfo=UTC)
    policy = {
        "PolicyName": "big",
        "PolicyId": "ANPABIGVERSIONBIGVER1",
        "Arn": f"arn:aws:iam::{account}:policy/big",
        "Path": "/",
        "DefaultVersionId": version_id,
        "CreateDate": when,
        "UpdateDate": when,
        "PolicyVersionList": [
            {
                "Document": doc(allow("s3:GetObject")),
                "VersionId": version_id,
                "IsDefaultVersion": True,
                "CreateDate": when,
            }
        ],
    }
    with pytest.raises(IamError) as refused:
        iam.import_account(
            import_id="big", account_id=account, commit=True, part_count=1, policies=[policy]
        )
    assert refused.value.code != "ServiceFailure"


def test_review3_an_imported_date_out_of_range_is_refused(
    iam: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = iam.get_caller_identity().account or ""
    # What a caller crafting its own request sends (the client's conversion cannot express
    # it): a CreateDate in the year 31,690,708.
    crafted = tpb.ImportAccountRequest(
        import_id="date", account_id=account, commit=True, part_count=1
    )
    crafted.user_detail_list.add(
        path="/",
        user_name="timeless",
        user_id="AIDATIMELESSTIMELESS1",
        arn=f"arn:aws:iam::{account}:user/timeless",
        create_date=Timestamp(seconds=10**15),
    )
    real_build = _convert.build_request

    def build(operation: Any, arguments: Any) -> Any:
        return crafted if operation.name == "ImportAccount" else real_build(operation, arguments)

    monkeypatch.setattr(client_sync, "build_request", build)
    with contextlib.suppress(IamError):  # refused: what a fixed node does
        iam.import_account(import_id="date", account_id=account)
    monkeypatch.setattr(client_sync, "build_request", real_build)
    try:
        listed = [user.user_name for user in iam.list_users().users]
    except IamError as err:
        listed = [f"refused: {err.code}"]
    assert "refused: ServiceFailure" not in listed


def test_review3_a_commit_missing_earlier_parts_is_refused(tmp_path: Path) -> None:
    data_dir = tmp_path / "node"
    config = NodeConfig(data_dir=data_dir, listen="127.0.0.1:0")
    with InProcessNode(config) as node:
        management_credentials = resolve_credentials(credentials_file=str(node.credentials_file))
        with Client(node.address, credentials=management_credentials) as management:
            root = management.create_account(account_name="parts").root_credentials
        assert root is not None
        credentials = Credentials(root.access_key_id, root.secret_access_key)
        with Client(node.address, credentials=credentials) as first:
            account = first.get_caller_identity().account or ""
            # Part 1 of 2: staged on this node, nothing written yet.
            first.import_account(
                import_id="two-parts",
                account_id=account,
                user_detail_list=[_imported_user(account, "first", "AIDAFIRSTPARTFIRSTPA1")],
            )
    # The node restarts (or the last part reaches another member): its staged parts are gone.
    with (
        InProcessNode(NodeConfig(data_dir=data_dir, listen="127.0.0.1:0")) as node,
        Client(node.address, credentials=credentials) as second,
    ):
        with contextlib.suppress(IamError):  # refused: what a fixed node does
            second.import_account(
                import_id="two-parts",
                account_id=account,
                commit=True,
                user_detail_list=[_imported_user(account, "second", "AIDASECONDPARTSECOND1")],
            )
        names = {user.user_name for user in second.list_users().users}
        # All or nothing: both parts' users, or neither.
        assert names in ({"first", "second"}, set())


def test_review3_an_imported_bare_id_does_not_reveal_another_accounts_principal(
    victim: Client, attacker: Client
) -> None:
    hidden = victim.create_user(user_name="secret-admin", path="/hidden/team/").user
    account = attacker.get_caller_identity().account or ""
    trust = doc(
        {"Effect": "Allow", "Principal": {"AWS": hidden.user_id}, "Action": "sts:AssumeRole"}
    )
    role = _imported_role(account, "/", "probe", "AROAPROBEPROBEPROBE1", trust)
    role["AttachedManagedPolicies"] = []
    with contextlib.suppress(IamError):  # refused: one way to fix it
        attacker.import_account(
            import_id="probe",
            account_id=account,
            commit=True,
            part_count=1,
            role_detail_list=[role],
        )
    try:
        shown = attacker.get_role(role_name="probe").role.assume_role_policy_document or ""
    except NoSuchEntityError:
        shown = ""
    assert hidden.arn not in shown
    assert "secret-admin" not in shown


def test_review3_a_deeply_nested_imported_trust_policy_is_a_clear_error(iam: Client) -> None:
    account = iam.get_caller_identity().account or ""
    nested = "[" * 5_000 + "]" * 5_000
    trust = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},'
        '"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:username":' + nested + "}}}]}"
    )
    with pytest.raises(IamError) as created:
        iam.create_role(role_name="deep", assume_role_policy_document=trust)
    assert created.value.code == "MalformedPolicyDocument"
    role = _imported_role(account, "/", "deep", "AROADEEPDEEPDEEPDEEP1", trust)
    with pytest.raises(IamError) as imported:
        iam.import_account(
            import_id="deep", account_id=account, commit=True, part_count=1, role_detail_list=[role]
        )
    assert imported.value.code != "ServiceFailure"


_POWER_USER = "arn:aws:iam::aws:policy/PowerUserAccess"


def test_review3_a_power_user_cannot_make_itself_an_administrator_by_import(
    iam_node: InProcessNode, iam: Client
) -> None:
    account = iam.get_caller_identity().account or ""
    power = iam.create_user(user_name="power").user
    iam.attach_user_policy(user_name="power", policy_arn=_POWER_USER)
    key = iam.create_access_key(user_name="power").access_key
    itself = {
        "Path": power.path,
        "UserName": power.user_name,
        "UserId": power.user_id,
        "Arn": power.arn,
        "CreateDate": power.create_date,
        "AttachedManagedPolicies": [_ADMIN],
    }
    with Client(
        iam_node.address, credentials=Credentials(key.access_key_id, key.secret_access_key)
    ) as user:
        # PowerUserAccess withholds IAM: attaching a policy to itself is refused...
        with pytest.raises(AccessDeniedError):
            user.attach_user_policy(user_name="power", policy_arn=_ADMIN["PolicyArn"])
        # ...and so must be writing the same attachment through an import.
        with contextlib.suppress(AccessDeniedError):
            user.import_account(
                import_id="escalate",
                account_id=account,
                commit=True,
                part_count=1,
                replace=True,
                user_detail_list=[itself],
            )
    attached = iam.list_attached_user_policies(user_name="power").attached_policies
    assert [policy.policy_arn for policy in attached] == [_POWER_USER]


def test_review3_other_accounts_staged_parts_do_not_refuse_an_import(
    iam_node: InProcessNode, management: Client, iam: Client
) -> None:
    with contextlib.ExitStack() as stack:
        stagers = [
            stack.enter_context(_account_root(iam_node, management, f"stager{index}"))
            for index in range(4)
        ]
        for index, stager in enumerate(stagers):
            account = stager.get_caller_identity().account or ""
            stager.import_account(  # one part, never committed
                import_id="held",
                account_id=account,
                user_detail_list=[_imported_user(account, "held", f"AIDAHELDHELDHELDHELD{index}")],
            )
        account = iam.get_caller_identity().account or ""
        try:
            iam.import_account(
                import_id="mine",
                account_id=account,
                commit=True,
                part_count=1,
                user_detail_list=[_imported_user(account, "mine", "AIDAMINEMINEMINEMINE1")],
            )
        except LimitExceededError as err:
            refused = err.message
        else:
            refused = ""
        for stager in stagers:  # a dry-run commit drops what each staged (the node is shared)
            stager.import_account(
                import_id="held",
                account_id=stager.get_caller_identity().account or "",
                commit=True,
                part_count=2,
                dry_run=True,
            )
    assert "imports are under way" not in refused


def test_review3_a_deny_on_iam_also_stops_an_import(iam_node: InProcessNode, iam: Client) -> None:
    account = iam.get_caller_identity().account or ""
    guarded = doc(
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "iam:*", "Resource": "*"},
    )
    trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account}:user/developer"},
            "Action": "sts:AssumeRole",
        }
    )
    role = _imported_role(account, "/", "escape", "AROAESCAPEESCAPEESCA1", trust)
    with user_client(iam_node, iam, "developer", guarded) as developer:
        with pytest.raises(AccessDeniedError):
            developer.create_role(role_name="direct", assume_role_policy_document=trust)
        with contextlib.suppress(AccessDeniedError):
            developer.import_account(
                import_id="escape",
                account_id=account,
                commit=True,
                part_count=1,
                role_detail_list=[role],
            )
    names = [r.role_name for r in iam.list_roles().roles]
    assert "escape" not in names
