"""The row kinds added for AWS's whole IAM model merge like every row: two nodes writing one
row at once converge in any delivery order, and a put then a tombstone leaves no index entry."""

from __future__ import annotations

import itertools

import pytest
from replicas import OpenDatabase

from iamstore.node.commits.codec import Commit
from iamstore.node.domain.entities import (
    AccountAlias,
    Change,
    CredentialReportRequest,
    DeletionTask,
    LastAccessedJob,
    Row,
    ServerCertificate,
    ServiceCredential,
    SigningCertificate,
    SshPublicKey,
    StsPreferences,
    Tagging,
    UsageStamp,
    User,
)
from iamstore.node.domain.view import View
from iamstore.node.state import State

ACCOUNT = "111122223333"
USER = User("AIDA1", ACCOUNT, "alice", "/", 1)

# Two versions of each new kind of row, as two nodes might write them at once.
PAIRS: list[tuple[Row, Row]] = [
    (
        ServerCertificate("ASCA1", ACCOUNT, "www", "/", 1, 9, "body"),
        ServerCertificate("ASCA1", ACCOUNT, "web", "/elb/", 1, 9, "body"),
    ),
    (
        SigningCertificate(ACCOUNT, "C1", "AIDA1", "body", "Active", 1),
        SigningCertificate(ACCOUNT, "C1", "AIDA1", "body", "Inactive", 1),
    ),
    (
        SshPublicKey("APKA1", ACCOUNT, "AIDA1", "ssh-rsa x", "aa", "Active", 1),
        SshPublicKey("APKA1", ACCOUNT, "AIDA1", "ssh-rsa x", "aa", "Inactive", 1),
    ),
    (
        ServiceCredential("ACCA1", ACCOUNT, "AIDA1", "codecommit.amazonaws.com", "a", "Active", 1),
        ServiceCredential(
            "ACCA1", ACCOUNT, "AIDA1", "codecommit.amazonaws.com", "a", "Inactive", 1
        ),
    ),
    (
        DeletionTask("task/x", ACCOUNT, "FAILED", "in use", 1),
        DeletionTask("task/x", ACCOUNT, "SUCCEEDED", None, 1),
    ),
    (StsPreferences(ACCOUNT, "v1Token"), StsPreferences(ACCOUNT, "v2Token")),
    (AccountAlias(ACCOUNT, "one", 1), AccountAlias(ACCOUNT, "two", 2)),
    (Tagging("instance_profile/AIPA1/1", (("a", "1"),)), Tagging("instance_profile/AIPA1/1", ())),
    (
        UsageStamp("AIDA1", "service:s3", "n1", ACCOUNT, 5, region="us-east-1"),
        UsageStamp("AIDA1", "service:s3", "n1", ACCOUNT, 9, region="us-east-1"),
    ),
    (CredentialReportRequest(ACCOUNT, 1), CredentialReportRequest(ACCOUNT, 2)),
    (
        LastAccessedJob("00000000-0000-4000-8000-000000000000", ACCOUNT, "a", "SERVICE_LEVEL", 1),
        LastAccessedJob("00000000-0000-4000-8000-000000000000", ACCOUNT, "a", "ACTION_LEVEL", 1),
    ),
]


@pytest.mark.parametrize(("first", "second"), PAIRS, ids=lambda r: type(r).__name__)
async def test_concurrent_writes_of_one_row_converge(
    memory_database: OpenDatabase, first: Row, second: Row
) -> None:
    base = Commit("n0", 1, 1, "a", "base", (Change.put(USER), Change.put(first)))
    concurrent = [
        Commit("n1", 1, 20, "a", "x", (Change.put(second),)),
        Commit("n2", 1, 30, "b", "y", (Change.delete(first),)),
        Commit("n3", 1, 25, "c", "z", (Change.put(first),)),
    ]
    digests, survivors = set(), set()
    for order in itertools.permutations(concurrent):
        state = await State.load(await memory_database())
        await state.apply(base)
        for commit in order:
            await state.apply(commit)
        digests.add(state.digest())
        survivors.add(state.view.get(first.TABLE, first.key))
    assert len(digests) == 1
    assert survivors == {None}  # the tombstone (hlc 30) is the last write everywhere


@pytest.mark.parametrize(("row", "_"), PAIRS, ids=lambda r: type(r).__name__)
def test_put_then_tombstone_leaves_no_index_entry(row: Row, _: Row) -> None:
    view = View()
    view.apply(Change.put(row))
    view.apply(Change.delete(row))
    assert list(view.rows()) == []
    indexes = [
        view.taggings, view.account_aliases, view.alias_claims, view.sts_preferences,
        view.signing_certificates, view.signing_certificates_of, view.ssh_public_keys,
        view.ssh_public_keys_of, view.service_credentials, view.service_credentials_of,
        view.deletion_tasks, view.usage_stamps, view.credential_reports,
        view.last_accessed_jobs, view.last_accessed_jobs_of,
    ]  # fmt: skip
    assert all(not index for index in indexes)
    assert view.server_certificates.count(ACCOUNT) == 0
    assert not any(view.usage_stamps_by_node.values())
