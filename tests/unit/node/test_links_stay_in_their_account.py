"""Links (attachments, boundaries, memberships, instance profile roles) and credentials are
followed only within their account: an id another account's entity holds reaches nothing."""

from __future__ import annotations

import datetime
import json

import pytest

from iamstore.node.auth.authenticate import Authenticator, Caller
from iamstore.node.auth.authorize import Authorizer
from iamstore.node.auth.index import MISSING_BOUNDARY, PolicyIndex
from iamstore.node.auth.secretbox import SecretBox
from iamstore.node.auth.sessions import Session, SessionKind
from iamstore.node.commits.codec import Commit
from iamstore.node.domain import (
    credential_report,
    groups,
    instance_profiles,
    keys,
    mfa,
    policies,
    roles,
    service_credentials,
    signing_certificates,
    ssh_keys,
    users,
)
from iamstore.node.domain.aws_policies import policy_id_for
from iamstore.node.domain.entities import (
    AccessKey,
    Attachment,
    Boundary,
    Change,
    DefaultVersion,
    Group,
    InlinePolicy,
    InstanceProfile,
    KeyStatus,
    ManagedPolicy,
    Membership,
    MfaDevice,
    PolicyVersion,
    ProfileRole,
    Role,
    Row,
    ServiceCredential,
    SigningCertificate,
    SshPublicKey,
    User,
)
from iamstore.node.domain.errors import AccessDenied, DeleteConflict, NoSuchEntity
from iamstore.node.domain.rules import Quotas
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext
from iamstore.wire.sigv4 import SignatureError

VICTIM = "111111111111"
OTHER = "222222222222"
ALLOW_ALL = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)


def _policy(policy_id: str, account: str, name: str) -> list[Row]:
    return [
        ManagedPolicy(policy_id, account, name, "/", 1),
        PolicyVersion(policy_id, "v1", ALLOW_ALL, 1),
        DefaultVersion(policy_id, "v1", ALLOW_ALL, 1, 1),
    ]


def _index(*rows: Row) -> tuple[View, PolicyIndex]:
    view = View()
    index = PolicyIndex(view)
    changes = tuple(Change.put(row) for row in rows)
    for change in changes:
        view.apply(change)
    index.on_commits([Commit("n1", 1, 1, "a", "x", changes)])
    return view, index


CLERK = User("AIDACLERK0000000001", VICTIM, "clerk", "/", 1)
OPS = Role("AROAOPS000000000001", VICTIM, "ops", "/", 1, "{}")


def test_an_attachment_to_another_accounts_policy_grants_nothing() -> None:
    """A victim's attachment left naming a deleted policy's id, now another account's."""
    view, index = _index(
        CLERK, OPS, *_policy("ANPATAKEN0000000001", OTHER, "planted"),
        Attachment(CLERK.user_id, "ANPATAKEN0000000001"),
        Attachment(OPS.role_id, "ANPATAKEN0000000001"),
    )  # fmt: skip
    assert index.for_user(CLERK.user_id).identity == ()
    assert index.for_role(OPS.role_id).identity == ()
    assert policies.attached(view, CLERK, "/", None, None).items == []
    # The same rows in one account do grant: the link itself is not what is refused.
    _, index = _index(
        CLERK, *_policy("ANPATAKEN0000000001", VICTIM, "mine"),
        Attachment(CLERK.user_id, "ANPATAKEN0000000001"),
    )  # fmt: skip
    assert len(index.for_user(CLERK.user_id).identity) == 1


def test_an_aws_managed_policy_is_followed_from_every_account() -> None:
    read_only = policy_id_for("arn:aws:iam::aws:policy/ReadOnlyAccess")
    _, index = _index(CLERK, Attachment(CLERK.user_id, read_only))
    assert [p.name for p in index.for_user(CLERK.user_id).identity] == [
        "arn:aws:iam::aws:policy/ReadOnlyAccess"
    ]


def test_a_boundary_naming_another_accounts_policy_allows_nothing() -> None:
    """A boundary only narrows: one that reaches no policy of its account is a missing one,
    never `no boundary` and never the other account's document."""
    view, index = _index(
        CLERK, *_policy("ANPATAKEN0000000001", OTHER, "planted"),
        Boundary(CLERK.user_id, "ANPATAKEN0000000001"),
    )  # fmt: skip
    assert index.for_user(CLERK.user_id).boundary is MISSING_BOUNDARY
    assert policies.boundary_arn(view, CLERK) is None


def test_a_membership_of_another_accounts_group_gives_nothing() -> None:
    stranger = Group("AGPASTRANGER0000001", OTHER, "admins", "/", 1)
    view, index = _index(
        CLERK, stranger, InlinePolicy(stranger.group_id, "all", ALLOW_ALL),
        Membership(stranger.group_id, CLERK.user_id),
    )  # fmt: skip
    assert index.for_user(CLERK.user_id).identity == ()
    assert groups.of_user(view, CLERK, None, None).items == []
    assert groups.members(view, stranger, None, None).items == []


def test_an_instance_profile_of_another_account_holds_none_of_its_roles() -> None:
    profile = InstanceProfile("AIPAPROFILE00000001", OTHER, "web", "/", 1)
    view, _ = _index(OPS, profile, ProfileRole(profile.instance_profile_id, OPS.role_id))
    assert instance_profiles.roles_of(view, profile) == []
    assert instance_profiles.profiles_of(view, OPS) == []


def test_an_mfa_device_of_another_account_is_not_the_users() -> None:
    device = MfaDevice("mfa-1", OTHER, "token", "/", b"seed", 1, user_id=CLERK.user_id)
    view, _ = _index(CLERK, device)
    assert mfa.assigned_to(view, CLERK.user_id) == []


def _authorizer(*rows: Row) -> Authorizer:
    view, index = _index(*rows)
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    return Authorizer(view, index, now=lambda: now, region="us-east-1")


def _session(kind: SessionKind, principal_id: str) -> Session:
    return Session("ASIAX", "secret", kind, VICTIM, principal_id, "ops", 0, 1 << 40, "s")


def test_credentials_of_an_account_never_act_as_another_accounts_principal() -> None:
    """A session or access key that outlived its user or role (deleted, its id since taken
    by another account) grants nothing: it does not act as the id's new holder."""
    taker_role = Role(OPS.role_id, OTHER, "ops", "/", 1, "{}")
    taker_user = User(CLERK.user_id, OTHER, "clerk", "/", 1)
    key = AccessKey("AKIAKEPT00000000001", VICTIM, CLERK.user_id, b"sealed", "Active", 1)
    authorizer = _authorizer(taker_role, taker_user, key)
    with pytest.raises(AccessDenied):
        authorizer.principal_for_session(_session(SessionKind.ROLE, OPS.role_id))
    with pytest.raises(NoSuchEntity):
        authorizer.principal_for_session(_session(SessionKind.USER, CLERK.user_id))
    with pytest.raises(NoSuchEntity):
        authorizer.principal_by_key(VICTIM, key.access_key_id, "AccessKeyId")
    # Of their own account, they act as it.
    authorizer = _authorizer(OPS, CLERK, key)
    assert authorizer.principal_for_session(_session(SessionKind.ROLE, OPS.role_id))
    assert authorizer.principal_by_key(VICTIM, key.access_key_id, "AccessKeyId")


def test_an_access_key_signs_only_as_a_user_of_its_own_account() -> None:
    """Signature checking: a key left naming a deleted user's id, now held by another
    account's user, is refused (it would sign as that user, with the key's account)."""
    box = SecretBox(bytes(32))
    sealed = box.seal("secret", "AKIAKEPT00000000001")
    key = AccessKey("AKIAKEPT00000000001", VICTIM, CLERK.user_id, sealed, KeyStatus.ACTIVE, 1)
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)

    def signed(*rows: Row) -> Caller:
        view, _ = _index(*rows)
        authenticator = Authenticator(view, box, host="iam", region="us-east-1", now=lambda: now)
        path = "/iamstore.v1.Iam/GetUser"
        return authenticator.authenticate_signed(key.access_key_id, None, path, _any_signature)

    with pytest.raises(SignatureError):
        signed(User(CLERK.user_id, OTHER, "clerk", "/", 1), key)
    assert signed(CLERK, key).arn == CLERK.arn


def _any_signature(secret: str, now: datetime.datetime) -> None:
    assert secret == "secret"


def test_another_accounts_key_under_a_users_id_is_not_the_users() -> None:
    """ListAccessKeys, UpdateAccessKey and DeleteAccessKey of a user see only keys of the
    user's account: one another account left naming the id is neither listed nor changed."""
    left = AccessKey("AKIALEFT00000000001", OTHER, CLERK.user_id, b"s", KeyStatus.ACTIVE, 1)
    mine = AccessKey("AKIAMINE00000000001", VICTIM, CLERK.user_id, b"s", KeyStatus.ACTIVE, 1)
    view, _ = _index(CLERK, left, mine)
    listed = keys.listed(view, VICTIM, CLERK.user_id, None, None).items
    assert [key.access_key_id for key in listed] == [mine.access_key_id]
    with pytest.raises(NoSuchEntity):
        keys.update(view, VICTIM, CLERK.user_id, left.access_key_id, KeyStatus.INACTIVE)
    with pytest.raises(NoSuchEntity):
        keys.delete(view, VICTIM, CLERK.user_id, left.access_key_id)
    assert keys.delete(view, VICTIM, CLERK.user_id, mine.access_key_id)


def test_another_accounts_certificates_keys_and_credentials_are_not_the_users() -> None:
    certificate = SigningCertificate(OTHER, "CERT", CLERK.user_id, "pem", "Active", 1)
    ssh_key = SshPublicKey("APKALEFT", OTHER, CLERK.user_id, "ssh-rsa A", "00", "Active", 1)
    credential = ServiceCredential("ACCALEFT", OTHER, CLERK.user_id, "s", "u", "Active", 1)
    view, _ = _index(CLERK, certificate, ssh_key, credential)
    assert signing_certificates.of_owner(view, CLERK.user_id, CLERK.account_id) == []
    assert ssh_keys.of_user(view, CLERK) == []
    assert service_credentials.of_user(view, CLERK) == []
    with pytest.raises(NoSuchEntity):
        ssh_keys.get(view, CLERK, ssh_key.key_id)
    with pytest.raises(NoSuchEntity):
        service_credentials.get(view, CLERK, credential.credential_id)
    # Of the user's own account, they are its.
    own = SshPublicKey("APKAMINE", VICTIM, CLERK.user_id, "ssh-rsa B", "01", "Active", 1)
    view, _ = _index(CLERK, own)
    assert ssh_keys.of_user(view, CLERK) == [own]


def test_what_another_account_left_under_an_id_does_not_block_its_delete() -> None:
    """DeleteUser, DeleteGroup and DeleteRole count what the entity's listings show: rows of
    another account under its id cannot be removed by it, so they must not keep it forever."""
    ctx = WriteContext(VICTIM, 1, Quotas(), lambda prefix: f"{prefix}NEW", "n1")
    group = Group("AGPAMINE00000000001", VICTIM, "team", "/", 1)
    stranger = Group("AGPASTRANGER0000001", OTHER, "admins", "/", 1)
    left: list[Row] = [
        *_policy("ANPATHEIRS000000001", OTHER, "theirs"),
        stranger,
        Membership(stranger.group_id, CLERK.user_id),
        Membership(group.group_id, "AIDATHEIRS000000001"),
        User("AIDATHEIRS000000001", OTHER, "theirs", "/", 1),
        Attachment(CLERK.user_id, "ANPATHEIRS000000001"),
        Attachment(group.group_id, "ANPATHEIRS000000001"),
        Attachment(OPS.role_id, "ANPATHEIRS000000001"),
        AccessKey("AKIALEFT00000000001", OTHER, CLERK.user_id, b"s", KeyStatus.ACTIVE, 1),
        SshPublicKey("APKALEFT", OTHER, CLERK.user_id, "ssh-rsa A", "00", "Active", 1),
    ]
    view, _ = _index(CLERK, group, OPS, *left)
    assert Change.delete(CLERK) in users.delete(view, ctx, "clerk")
    assert Change.delete(group) in groups.delete(view, ctx, "team")
    assert Change.delete(OPS) in roles.delete(view, ctx, "ops")
    # The account's own links still conflict, as in AWS.
    own = [
        *_policy("ANPAMINE00000000001", VICTIM, "mine"),
        Membership(group.group_id, CLERK.user_id),
    ]
    view, _ = _index(CLERK, group, *own, Attachment(CLERK.user_id, "ANPAMINE00000000001"))
    with pytest.raises(DeleteConflict):
        users.delete(view, ctx, "clerk")
    with pytest.raises(DeleteConflict):
        groups.delete(view, ctx, "team")


def test_the_credential_report_shows_only_the_accounts_keys_and_certificates() -> None:
    left = AccessKey("AKIALEFT00000000001", OTHER, CLERK.user_id, b"s", KeyStatus.ACTIVE, 1)
    certificate = SigningCertificate(OTHER, "CERT", CLERK.user_id, "pem", "Active", 1)
    view, _ = _index(CLERK, left, certificate)
    usage = credential_report.Usage(key=lambda key_id: None, password=lambda user_id: None)
    header, _, clerk = credential_report.rows(view, VICTIM, usage)
    row = dict(zip(header, clerk, strict=True))
    assert row["access_key_1_active"] == "false"
    assert row["cert_1_active"] == "false"


def test_a_policy_used_only_by_another_accounts_or_a_deleted_entity_is_unused() -> None:
    """AttachmentCount and DeletePolicy count the entities ListEntitiesForPolicy shows."""
    ctx = WriteContext(VICTIM, 1, Quotas(), lambda prefix: f"{prefix}NEW", "n1")
    rows = _policy("ANPAMINE00000000001", VICTIM, "mine")
    taker = User("AIDATAKER0000000001", OTHER, "taker", "/", 1)
    links = (
        Attachment(taker.user_id, "ANPAMINE00000000001"),  # another account's entity
        Boundary("AIDAGONE00000000001", "ANPAMINE00000000001"),  # a deleted one's
    )
    view, _ = _index(*rows, taker, *links)
    policy = view.policies.get("ANPAMINE00000000001")
    assert policy is not None
    assert policies.usage(view, policy, VICTIM) == policies.Usage(0, 0)
    assert Change.delete(policy) in policies.delete(view, ctx, policy.arn)
    # An entity of the account using it still counts.
    view, _ = _index(*rows, CLERK, Attachment(CLERK.user_id, "ANPAMINE00000000001"))
    assert policies.usage(view, policy, VICTIM) == policies.Usage(1, 0)
    with pytest.raises(DeleteConflict):
        policies.delete(view, ctx, policy.arn)
