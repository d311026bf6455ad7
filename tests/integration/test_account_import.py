"""`iamstore import` and `iamstore export`: a real account's authorization details in and out."""

from __future__ import annotations

import copy
import json
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import grpc
import pytest
from click.testing import CliRunner, Result
from grpc_health.v1 import health_pb2, health_pb2_grpc

from iamstore.client import (
    Client,
    Credentials,
    EntityAlreadyExistsError,
    LimitExceededError,
    ValidationError,
)
from iamstore.client.account_file import import_document, read_documents
from iamstore.client.cli import cli
from iamstore.client.credentials import resolve_credentials
from iamstore.client.results import ImportAccountResponse
from iamstore.cluster.bench.account_gen import Sizes, generate
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node.domain import account_import as domain_import


@pytest.fixture
def root(management: Client, tmp_path: Path) -> tuple[Path, str]:
    """A fresh account's root: its credentials file and its account id."""
    made = management.create_account(account_name="import")
    assert made.root_credentials is not None
    path = tmp_path / "credentials"
    path.write_text(
        "[default]\n"
        f"aws_access_key_id = {made.root_credentials.access_key_id}\n"
        f"aws_secret_access_key = {made.root_credentials.secret_access_key}\n"
    )
    return path, made.account.account_id


def run(node: InProcessNode, credentials: Path, *args: str) -> Result:
    return CliRunner().invoke(
        cli, ["--endpoint", node.address, "--credentials-file", str(credentials), *args]
    )


def write(tmp_path: Path, document: dict[str, Any], name: str = "account.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document, indent=4))
    return path


def commits(management: Client) -> int:
    """Every commit the node has applied (its version vector's sum)."""
    return sum(management.status().version_vector.values())


def test_round_trip_and_idempotence(
    iam_node: InProcessNode, management: Client, root: tuple[Path, str], tmp_path: Path
) -> None:
    credentials, account = root
    document = generate(account, Sizes().scaled(0.02), seed=7)
    source = write(tmp_path, document)
    first = run(iam_node, credentials, "import", str(source))
    assert first.exit_code == 0, first.output
    exported = run(iam_node, credentials, "export")
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.stdout) == document
    before = commits(management)
    again = run(iam_node, credentials, "import", str(source))
    assert again.exit_code == 0, again.output
    assert commits(management) == before  # nothing written the second time
    assert "created" in again.stdout


def test_pages_given_as_separate_files(
    iam_node: InProcessNode, root: tuple[Path, str], tmp_path: Path
) -> None:
    credentials, account = root
    document = generate(account, Sizes().scaled(0.01), seed=3)
    users = {"UserDetailList": document["UserDetailList"], "IsTruncated": True, "Marker": "m"}
    rest = {key: value for key, value in document.items() if key != "UserDetailList"}
    pages = [write(tmp_path, users, "page1.json"), write(tmp_path, rest, "page2.json")]
    assert run(iam_node, credentials, "import", *map(str, pages)).exit_code == 0
    assert json.loads(run(iam_node, credentials, "export").stdout) == document


def test_conflicts_are_skipped_and_reported_unless_replace(
    iam_node: InProcessNode, management: Client, root: tuple[Path, str], tmp_path: Path
) -> None:
    credentials, account = root
    document = generate(account, Sizes().scaled(0.01), seed=5)
    source = write(tmp_path, document)
    taken = document["UserDetailList"][3]["UserName"]
    with _client(iam_node, credentials) as iam:
        own = iam.create_user(user_name=taken).user.user_id  # same name, another id
    skipped = run(iam_node, credentials, "import", str(source))
    assert skipped.exit_code == 2, skipped.output
    assert f"conflict: User `{taken}`" in skipped.stdout
    exported = json.loads(run(iam_node, credentials, "export").stdout)
    (kept,) = [u for u in exported["UserDetailList"] if u["UserName"] == taken]
    assert kept["UserId"] == own  # not overwritten
    before = commits(management)
    replaced = run(iam_node, credentials, "import", "--replace", str(source))
    assert replaced.exit_code == 0, replaced.output
    assert commits(management) > before
    assert json.loads(run(iam_node, credentials, "export").stdout) == document


def test_a_later_change_is_a_conflict_and_replace_undoes_it(
    iam_node: InProcessNode, root: tuple[Path, str], tmp_path: Path
) -> None:
    credentials, account = root
    document = generate(account, Sizes().scaled(0.01), seed=9)
    source = write(tmp_path, document)
    assert run(iam_node, credentials, "import", str(source)).exit_code == 0
    role = document["RoleDetailList"][0]["RoleName"]
    with _client(iam_node, credentials) as iam:
        iam.tag_role(role_name=role, tags=[{"Key": "later", "Value": "x"}])
    assert run(iam_node, credentials, "import", str(source)).exit_code == 2
    assert run(iam_node, credentials, "import", "--replace", str(source)).exit_code == 0
    assert json.loads(run(iam_node, credentials, "export").stdout) == document


def _client(node: InProcessNode, credentials: Path) -> Client:
    from iamstore.client.credentials import resolve_credentials

    return Client(node.address, credentials=resolve_credentials(credentials_file=str(credentials)))


def _mutate(document: dict[str, Any], path: tuple[str | int, ...], value: object) -> None:
    target: Any = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value


# (what is wrong, where in the document, the value put there, text the error must contain)
INVALID = [
    ("wrong type", ("UserDetailList", 0, "UserName"), 5, "UserDetailList[0].UserName"),
    ("bad name", ("UserDetailList", 1, "UserName"), "bad name!", "UserDetailList[1]"),
    ("bad date", ("GroupDetailList", 0, "CreateDate"), "yesterday", "CreateDate"),
    ("id prefix", ("RoleDetailList", 0, "RoleId"), "AIDAAAAAAAAAAAAAAAAAA", "RoleDetailList[0]"),
    (
        "oversized document",
        ("RoleDetailList", 1, "RolePolicyList"),
        [
            {
                "PolicyName": "big",
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "s3:GetObject",
                            "Resource": "arn:aws:s3:::" + "x" * 12000,
                        }
                    ],
                },
            }
        ],
        "RoleDetailList[1]: role",
    ),
    (
        "another account's ARN",
        ("GroupDetailList", 1, "Arn"),
        "arn:aws:iam::999999999999:group/g",
        "GroupDetailList[1]: Group: ARN",
    ),
    ("unknown group", ("UserDetailList", 2, "GroupList"), ["no-such-group"], "no-such-group"),
    (
        # A role's tag keys ignore case: these two are one key named twice.
        "tag key twice in two cases",
        ("RoleDetailList", 0, "Tags"),
        [{"Key": "Dept", "Value": "a"}, {"Key": "dept", "Value": "b"}],
        "RoleDetailList[0]",
    ),
    (
        "malformed policy",
        ("Policies", 0, "PolicyVersionList", 0, "Document"),
        {"Statement": "nope"},
        "Policies[0]",
    ),
]


@pytest.mark.parametrize(
    ("problem", "path", "value", "named"), INVALID, ids=[i[0] for i in INVALID]
)
def test_invalid_files_are_refused_naming_the_entity_and_change_nothing(
    iam_node: InProcessNode,
    management: Client,
    root: tuple[Path, str],
    tmp_path: Path,
    problem: str,
    path: tuple[str | int, ...],
    value: object,
    named: str,
) -> None:
    credentials, account = root
    document = generate(account, Sizes().scaled(0.01), seed=11)
    document["Policies"] = [p for p in document["Policies"] if ":aws:policy/" not in p["Arn"]]
    bad = copy.deepcopy(document)
    _mutate(bad, path, value)
    before = commits(management)
    # Parts of one byte-size each: the bad entity arrives after others were staged.
    refused = run(iam_node, credentials, "import", str(write(tmp_path, bad)))
    assert refused.exit_code in (252, 255), refused.output
    assert named in refused.output, refused.output
    assert commits(management) == before
    exported = json.loads(run(iam_node, credentials, "export").stdout)
    assert exported == {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [],
                        "Policies": []}  # fmt: skip


def test_bad_json_is_refused_before_anything_is_sent(
    iam_node: InProcessNode, root: tuple[Path, str], tmp_path: Path
) -> None:
    credentials, _ = root
    source = tmp_path / "broken.json"
    source.write_text('{"UserDetailList": [')
    refused = run(iam_node, credentials, "import", str(source))
    assert refused.exit_code == 252
    assert "not JSON" in refused.output


def test_an_id_of_another_account_is_refused_and_left_alone(
    iam_node: InProcessNode, management: Client, root: tuple[Path, str], tmp_path: Path
) -> None:
    credentials, account = root
    victim = management.create_user(user_name="victim").user
    document = generate(account, Sizes().scaled(0.01), seed=13)
    document["UserDetailList"][0]["UserId"] = victim.user_id
    refused = run(iam_node, credentials, "import", str(write(tmp_path, document)))
    assert refused.exit_code == 255
    assert "belongs to another account" in refused.output
    assert management.get_user(user_name="victim").user.user_id == victim.user_id
    management.delete_user(user_name="victim")


def test_only_an_admin_allowed_to_import_may(
    iam_node: InProcessNode, root: tuple[Path, str], tmp_path: Path
) -> None:
    credentials, account = root
    document = generate(account, Sizes().scaled(0.01), seed=17)
    allow_iam = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}]})  # fmt: skip
    with _client(iam_node, credentials) as iam:
        iam.create_user(user_name="operator")
        iam.put_user_policy(user_name="operator", policy_name="iam", policy_document=allow_iam)
        key = iam.create_access_key(user_name="operator").access_key
    operator = tmp_path / "operator"
    operator.write_text(
        f"[default]\naws_access_key_id = {key.access_key_id}\n"
        f"aws_secret_access_key = {key.secret_access_key}\n"
    )
    refused = run(iam_node, operator, "import", str(write(tmp_path, document)))
    assert refused.exit_code == 255
    assert "iamstore:ImportAccount" in refused.output
    # Granted the action by a policy, the same user may.
    allow_import = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iamstore:ImportAccount", "Resource": "*"}]})  # fmt: skip
    with _client(iam_node, credentials) as iam:
        iam.put_user_policy(
            user_name="operator", policy_name="import", policy_document=allow_import
        )
    allowed = run(iam_node, operator, "import", str(write(tmp_path, document)))
    assert allowed.exit_code == 0, allowed.output
    # Another account's id is refused by the node too, whoever asks.
    with _client(iam_node, credentials) as iam, pytest.raises(Exception, match="only into"):
        iam.import_account(import_id="x", account_id="999999999999", commit=True)


def test_the_imported_account_answers_like_the_real_one(
    iam_node: InProcessNode, root: tuple[Path, str], tmp_path: Path
) -> None:
    """Ids are kept: a policy naming a user's unique id (aws:userid) still matches it, a role
    trusting a user by ARN is pinned to the imported user, and the simulators answer."""
    credentials, account = root
    document = generate(account, Sizes().scaled(0.01), seed=19)
    user = document["UserDetailList"][0]
    user.pop("PermissionsBoundary", None)
    user["UserPolicyList"] = [{"PolicyName": "by-id", "PolicyDocument": {
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::reports/*",
        "Condition": {"StringEquals": {"aws:userid": user["UserId"]}}}]}}]  # fmt: skip
    assert run(iam_node, credentials, "import", str(write(tmp_path, document))).exit_code == 0
    check = ["authz", "check", "--principal", user["Arn"], "--action", "s3:GetObject"]
    allowed = run(iam_node, credentials, *check, "--resource", "arn:aws:s3:::reports/q1")
    assert allowed.exit_code == 0, allowed.output
    denied = run(iam_node, credentials, *check, "--resource", "arn:aws:s3:::other/q1")
    assert denied.exit_code == 1, denied.output
    with _client(iam_node, credentials) as iam:
        simulated = iam.simulate_principal_policy(
            policy_source_arn=user["Arn"],
            action_names=["s3:GetObject"],
            resource_arns=["arn:aws:s3:::reports/q1"],
        )
        assert simulated.evaluation_results[0].eval_decision == "allowed"


def test_an_import_in_many_parts_writes_nothing_until_its_last_part_passes(
    iam_node: InProcessNode, management: Client, root: tuple[Path, str], tmp_path: Path
) -> None:
    credentials, account = root
    document = generate(account, Sizes().scaled(0.01), seed=23)
    bad = copy.deepcopy(document)
    bad["UserDetailList"][-1]["UserName"] = "no spaces allowed"
    before = commits(management)
    with _client(iam_node, credentials) as iam:
        parts = read_documents([("bad.json", json.dumps(bad))])
        assert len(list(parts.parts(5_000))) > 5
        with pytest.raises(ValidationError, match=r"UserDetailList\[49\]"):
            import_document(iam, parts, account, part_chars=5_000)
        assert commits(management) == before
        good = read_documents([("good.json", json.dumps(document))])
        done = import_document(iam, good, account, part_chars=5_000)
    assert done.staged_entities == good.count()
    assert done.commits >= 1
    assert json.loads(run(iam_node, credentials, "export").stdout) == document


@pytest.mark.parametrize("dry_run", [False, True])
def test_the_node_answers_other_calls_while_an_import_is_planned_and_written(
    iam_node: InProcessNode,
    management: Client,
    root: tuple[Path, str],
    monkeypatch: pytest.MonkeyPatch,
    dry_run: bool,
) -> None:
    """The last part's plan is held until GetUser and a health check have been answered: on
    a node that planned on its event loop, neither could be (they waited out their deadline)."""
    credentials, account = root
    document = generate(account, Sizes().scaled(0.05), seed=59 if dry_run else 53)
    planning, release = threading.Event(), threading.Event()
    real_plan = domain_import._Planner.policies  # the plan's first step

    def held_plan(planner: Any) -> None:
        planning.set()
        release.wait(60)
        real_plan(planner)

    monkeypatch.setattr(domain_import._Planner, "policies", held_plan)
    events: list[str] = []
    with _client(iam_node, credentials) as iam:
        iam.create_user(user_name="already-there")

        def run_import() -> None:
            parts = read_documents([("a.json", json.dumps(document))])
            done = import_document(iam, parts, account, dry_run=dry_run)
            events.append(f"import wrote {done.commits} commits")

        importing = threading.Thread(target=run_import)
        importing.start()
        try:
            assert planning.wait(60)
            with (
                Client(
                    iam_node.address,
                    credentials=resolve_credentials(credentials_file=str(credentials)),
                    timeout=10,
                ) as other,
                grpc.insecure_channel(iam_node.address) as channel,
            ):
                user = other.get_user(user_name="already-there").user
                events.append(f"GetUser answered: {user.user_name}")
                health = health_pb2_grpc.HealthStub(channel)
                status = health.Check(health_pb2.HealthCheckRequest(), timeout=10).status
                events.append(
                    f"health answered: {health_pb2.HealthCheckResponse.ServingStatus.Name(status)}"
                )
        finally:
            release.set()
            importing.join(120)
    assert events[:2] == ["GetUser answered: already-there", "health answered: SERVING"]
    assert len(events) == 3
    assert events[2].startswith("import wrote ")
    assert (int(events[2].split()[2]) > 1) is not dry_run
    monkeypatch.undo()
    exported = json.loads(run(iam_node, credentials, "export").stdout)
    names = {u["UserName"] for u in exported["UserDetailList"]}
    imported = set() if dry_run else {u["UserName"] for u in document["UserDetailList"]}
    assert names == imported | {"already-there"}


def test_a_write_asked_for_during_an_import_is_checked_against_what_the_import_wrote(
    iam_node: InProcessNode,
    root: tuple[Path, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A CreateUser sent while the import's plan is held waits for the import's last commit,
    and is then refused: the name it asks for is the imported user's. Neither write is
    checked against a state the other has changed."""
    credentials, account = root
    document = generate(account, Sizes().scaled(0.01), seed=61)
    taken = document["UserDetailList"][0]["UserName"]
    planning, release = threading.Event(), threading.Event()
    real_plan = domain_import._Planner.policies

    def held_plan(planner: Any) -> None:
        planning.set()
        release.wait(60)
        real_plan(planner)

    monkeypatch.setattr(domain_import._Planner, "policies", held_plan)
    outcomes: dict[str, object] = {}
    with _client(iam_node, credentials) as iam, _client(iam_node, credentials) as other:

        def run_import() -> None:
            parts = read_documents([("a.json", json.dumps(document))])
            outcomes["import"] = import_document(iam, parts, account)

        def create_user() -> None:
            try:
                other.create_user(user_name=taken)
            except EntityAlreadyExistsError as err:
                outcomes["create"] = err

        importing = threading.Thread(target=run_import)
        creating = threading.Thread(target=create_user)
        importing.start()
        try:
            assert planning.wait(60)
            creating.start()
        finally:
            release.set()
            importing.join(120)
        creating.join(120)
        user = iam.get_user(user_name=taken).user
    done = outcomes["import"]
    assert isinstance(done, ImportAccountResponse)
    users = next(t for t in done.tallies if t.kind == "User")
    assert (users.created, users.conflicts) == (len(document["UserDetailList"]), 0)
    assert isinstance(outcomes["create"], EntityAlreadyExistsError)
    assert user.user_id == document["UserDetailList"][0]["UserId"]


@pytest.mark.slow
def test_a_500_user_account_round_trips_on_a_real_node(
    iam_node: InProcessNode, management: Client, root: tuple[Path, str], tmp_path: Path
) -> None:
    credentials, account = root
    document = generate(account, Sizes().scaled(0.1), seed=29)
    assert len(document["UserDetailList"]) == 500
    source = write(tmp_path, document)
    imported = run(iam_node, credentials, "import", "--progress", str(source))
    assert imported.exit_code == 0, imported.output
    assert "entities sent" in imported.stderr
    assert json.loads(run(iam_node, credentials, "export").stdout) == document
    before = commits(management)
    assert run(iam_node, credentials, "import", str(source)).exit_code == 0
    assert commits(management) == before


def test_an_aws_account_keeps_its_id_when_created_with_it(
    iam_node: InProcessNode, management: Client, tmp_path: Path
) -> None:
    """A real account's ARNs name its id: the management account creates an account with
    that id, and the import keeps every ARN."""
    made = management.create_account(account_name="from-aws", account_id="123456789012")
    assert made.account.account_id == "123456789012"
    assert made.root_credentials is not None
    credentials = tmp_path / "root"
    credentials.write_text(
        f"[default]\naws_access_key_id = {made.root_credentials.access_key_id}\n"
        f"aws_secret_access_key = {made.root_credentials.secret_access_key}\n"
    )
    document = generate("123456789012", Sizes().scaled(0.01), seed=31)
    source = write(tmp_path, document)
    imported = run(iam_node, credentials, "import", "--account", "123456789012", str(source))
    assert imported.exit_code == 0, imported.output
    assert json.loads(run(iam_node, credentials, "export").stdout) == document
    wrong = run(iam_node, credentials, "import", "--account", "210987654321", str(source))
    assert wrong.exit_code == 255
    assert "not 210987654321" in wrong.output
    with pytest.raises(EntityAlreadyExistsError):
        management.create_account(account_id="123456789012")
    with pytest.raises(ValidationError):
        management.create_account(account_id="12345")


def test_a_role_trusting_an_imported_user_by_arn_lets_that_user_in(
    iam_node: InProcessNode, root: tuple[Path, str], tmp_path: Path
) -> None:
    """The trust policy is pinned to the user's imported id: the imported user, given a key
    after the import, assumes the role, and once renamed the role names it by its new ARN."""
    credentials, account = root
    document = generate(account, Sizes().scaled(0.01), seed=37)
    alice = document["UserDetailList"][0]
    alice.pop("PermissionsBoundary", None)
    role = document["RoleDetailList"][0]
    trusting = {"Effect": "Allow", "Principal": {"AWS": alice["Arn"]}, "Action": "sts:AssumeRole"}
    role["AssumeRolePolicyDocument"] = {"Version": "2012-10-17", "Statement": [trusting]}
    role.pop("PermissionsBoundary", None)
    for profile in role.get("InstanceProfileList", []):
        profile["Roles"][0]["AssumeRolePolicyDocument"] = role["AssumeRolePolicyDocument"]
    assert run(iam_node, credentials, "import", str(write(tmp_path, document))).exit_code == 0
    assume = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role["Arn"]}]})  # fmt: skip
    with _client(iam_node, credentials) as iam:
        name = alice["UserName"]
        iam.put_user_policy(user_name=name, policy_name="assume", policy_document=assume)
        key = iam.create_access_key(user_name=name).access_key
    with Client(
        iam_node.address, credentials=Credentials(key.access_key_id, key.secret_access_key)
    ) as user:
        session = user.assume_role(role_arn=role["Arn"], role_session_name="imported")
    assert session.assumed_role_user is not None
    assert session.assumed_role_user.assumed_role_id.startswith(role["RoleId"] + ":")
    with _client(iam_node, credentials) as iam:
        iam.update_user(user_name=name, new_user_name="renamed")
        shown = iam.get_role(role_name=role["RoleName"]).role.assume_role_policy_document
    assert alice["Arn"].replace(name, "renamed") in unquote(shown or "")
    # GetAccountAuthorizationDetails shows it as GetRole does (it once showed the old ARN).
    exported = json.loads(run(iam_node, credentials, "export").stdout)
    (listed,) = [r for r in exported["RoleDetailList"] if r["RoleName"] == role["RoleName"]]
    principal = listed["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["AWS"]
    assert principal == alice["Arn"].replace(name, "renamed")


def test_a_trust_policy_naming_a_deleted_principal_by_id_round_trips(
    iam_node: InProcessNode, root: tuple[Path, str], tmp_path: Path
) -> None:
    """AWS shows a principal deleted since the trust policy was written as its unique id
    alone, which no CreateRole accepts: the import keeps it, as matching nobody."""
    credentials, account = root
    document = generate(account, Sizes().scaled(0.01), seed=41)
    gone = "AROAGONEGONEGONEGONE1"
    role = document["RoleDetailList"][1]
    role["AssumeRolePolicyDocument"] = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": [gone, f"arn:aws:iam::{account}:root"]},
         "Action": "sts:AssumeRole"}]}  # fmt: skip
    for profile in role.get("InstanceProfileList", []):
        profile["Roles"][0]["AssumeRolePolicyDocument"] = role["AssumeRolePolicyDocument"]
    imported = run(iam_node, credentials, "import", str(write(tmp_path, document)))
    assert imported.exit_code == 0, imported.output
    assert json.loads(run(iam_node, credentials, "export").stdout) == document
    # Stored pinned to the id: a role created with that name is not the principal named.
    with _client(iam_node, credentials) as iam:
        service = {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                   "Action": "sts:AssumeRole"}  # fmt: skip
        trust = json.dumps({"Version": "2012-10-17", "Statement": [service]})
        iam.create_role(role_name=gone, assume_role_policy_document=trust)
        shown = iam.get_role(role_name=role["RoleName"]).role.assume_role_policy_document
    assert f'"{gone}"' in unquote(shown or "")


def test_a_dry_run_reports_and_writes_nothing(
    iam_node: InProcessNode, management: Client, root: tuple[Path, str], tmp_path: Path
) -> None:
    credentials, account = root
    document = generate(account, Sizes().scaled(0.01), seed=43)
    before = commits(management)
    dry = run(iam_node, credentials, "import", "--dry-run", str(write(tmp_path, document)))
    assert dry.exit_code == 0, dry.output
    assert "would write 0 commits" in dry.stdout
    created = {line.split()[0]: int(line.split()[1]) for line in dry.stdout.splitlines()[1:6]}
    profiles = sum(len(r.get("InstanceProfileList", [])) for r in document["RoleDetailList"])
    customer = [p for p in document["Policies"] if ":aws:policy/" not in p["Arn"]]
    assert created == {
        "Policy": len(customer),
        "Group": len(document["GroupDetailList"]),
        "Role": len(document["RoleDetailList"]),
        "InstanceProfile": profiles,
        "User": len(document["UserDetailList"]),
    }
    assert commits(management) == before


def _as_the_aws_cli_prints_it(document: dict[str, Any]) -> dict[str, Any]:
    """The same account with what real `aws iam get-account-authorization-details` output
    holds besides: empty lists inside entities, RoleLastUsed, `Z` dates, a policy document as
    IAM's raw API returns it (URL-encoded text)."""
    printed = copy.deepcopy(document)
    for user in printed["UserDetailList"]:
        for member in ("UserPolicyList", "GroupList", "AttachedManagedPolicies", "Tags"):
            user.setdefault(member, [])
        user["CreateDate"] = user["CreateDate"].replace("+00:00", "Z")
    for role in printed["RoleDetailList"]:
        role["RoleLastUsed"] = {"LastUsedDate": "2024-01-02T03:04:05+00:00", "Region": "eu-west-1"}
        role.setdefault("InstanceProfileList", [])
    policy = next(p for p in printed["Policies"] if ":aws:policy/" not in p["Arn"])
    version = policy["PolicyVersionList"][0]
    version["Document"] = quote(json.dumps(version["Document"]))
    return printed


def test_the_aws_clis_own_output_imports(
    iam_node: InProcessNode, root: tuple[Path, str], tmp_path: Path
) -> None:
    credentials, account = root
    document = generate(account, Sizes().scaled(0.01), seed=47)
    printed = _as_the_aws_cli_prints_it(document)
    imported = run(iam_node, credentials, "import", str(write(tmp_path, printed)))
    assert imported.exit_code == 0, imported.output
    assert json.loads(run(iam_node, credentials, "export").stdout) == document


def test_a_part_beyond_the_quotas_is_refused_before_any_entity_is_checked(
    iam_node: InProcessNode, root: tuple[Path, str]
) -> None:
    """Work is bounded by the quotas: 5,001 users (AWS's quota is 5,000) are refused as too
    many, before the first one's (bad) name is looked at."""
    credentials, account = root
    users = [{"UserName": "bad name!", "UserId": "x"}] * 5_001
    with _client(iam_node, credentials) as iam, pytest.raises(LimitExceededError):
        iam.import_account(import_id="big", account_id=account, user_detail_list=users)
