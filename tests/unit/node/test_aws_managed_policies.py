"""AWS managed policies: one shared catalog, compiled once, attached by replicated link rows."""

from __future__ import annotations

from replicas import OpenDatabase

from iamstore.node.auth.index import PolicyIndex
from iamstore.node.commits.codec import Commit
from iamstore.node.domain.aws_policies import (
    AWS_ACCOUNT,
    AwsPolicyCatalog,
    policy_id_for,
    shared_catalog,
)
from iamstore.node.domain.entities import Attachment, Boundary, Change, ManagedPolicy, User
from iamstore.node.domain.view import View
from iamstore.node.policy import PolicySet, evaluate, make_request
from iamstore.node.state import State

ACCOUNT = "123456789012"
S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
ALICE = User("AIDA1", ACCOUNT, "alice", "/", 1)


def _decide(index: PolicyIndex, user: User, action: str) -> str:
    found = index.for_user(user.user_id)
    request = make_request(user.arn, action, "arn:aws:s3:::b/k", resource_account=ACCOUNT)
    decision = evaluate(request, PolicySet(identity=found.identity, boundary=found.boundary))
    return decision.outcome.value


def test_catalog_ids_are_derived_from_arns_and_unique() -> None:
    catalog = shared_catalog()
    assert len(catalog.by_arn) == len(catalog.by_id) > 1000
    policy = catalog.by_arn[S3_READ]
    assert policy.policy_id == policy_id_for(S3_READ)
    assert (policy.account_id, policy.arn) == (AWS_ACCOUNT, S3_READ)
    # INVARIANT: every policy holds exactly its default version.
    for policy_id, versions in catalog.versions.items():
        published = catalog.default_version(policy_id)
        assert published is not None
        assert list(versions) == [published.version_id]


def test_views_share_one_catalog_and_a_view_never_copies_it() -> None:
    first, second = View(), View()
    assert first.aws_policies() is second.aws_policies()
    assert not any(isinstance(row, ManagedPolicy) for row in first.rows())


def test_view_that_never_meets_an_aws_policy_never_loads_the_catalog() -> None:
    loads: list[int] = []

    def catalog() -> AwsPolicyCatalog:
        loads.append(1)
        return shared_catalog()

    view = View(catalog)
    view.apply(Change.put(ALICE))
    assert view.managed_policies(view.attachments.of(ALICE.user_id), ALICE.account_id) == []
    assert loads == []
    assert view.policy_by_arn(S3_READ) is not None
    assert loads == [1]


def test_attachment_and_boundary_to_an_aws_policy_decide() -> None:
    view = View()
    index = PolicyIndex(view)
    policy_id = policy_id_for(S3_READ)
    changes = (Change.put(ALICE), Change.put(Attachment(ALICE.user_id, policy_id)))
    for change in changes:
        view.apply(change)
    index.on_commits([Commit("n1", 1, 1, "a", "x", changes)])
    assert [p.name for p in index.for_user(ALICE.user_id).identity] == [S3_READ]
    assert _decide(index, ALICE, "s3:GetObject") == "Allow"
    assert _decide(index, ALICE, "s3:PutObject") == "ImplicitDeny"
    bounded = Change.put(
        Boundary(
            ALICE.user_id, policy_id_for("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess")
        )
    )
    view.apply(bounded)
    index.on_commits([Commit("n1", 2, 2, "a", "x", (bounded,))])
    # ViewOnlyAccess lists buckets but does not read objects: the boundary now denies it.
    assert _decide(index, ALICE, "s3:GetObject") == "ImplicitDeny"


async def test_concurrent_attach_and_detach_of_an_aws_policy_converge(
    memory_database: OpenDatabase,
) -> None:
    """An attachment to an AWS managed policy is a link row like any other: replicas that
    receive the same commits in different orders agree, and the later write wins."""
    attachment = Attachment(ALICE.user_id, policy_id_for(S3_READ))
    attach = Commit(
        "n1", 1, 10, "a", "AttachUserPolicy", (Change.put(ALICE), Change.put(attachment))
    )
    detach = Commit("n2", 1, 20, "b", "DetachUserPolicy", (Change.delete(attachment),))
    reattach = Commit("n1", 2, 30, "a", "AttachUserPolicy", (Change.put(attachment),))
    replicas = []
    for order in (
        (attach, detach, reattach),
        (detach, reattach, attach),
        (reattach, detach, attach),
    ):
        state = await State.load(await memory_database())
        for _ in range(2):  # commits after a gap wait for their predecessor: deliver twice
            for commit in order:
                await state.apply(commit)
        replicas.append(state)
    digests = {state.digest() for state in replicas}
    assert len(digests) == 1
    for state in replicas:
        attached = state.view.managed_policies(
            state.view.attachments.of(ALICE.user_id), ALICE.account_id
        )
        assert [p.arn for p in attached] == [S3_READ]


def test_an_aws_policy_is_compiled_once_for_every_account() -> None:
    view = View()
    index = PolicyIndex(view)
    policy_id = policy_id_for(S3_READ)
    bob = User("AIDA2", "444455556666", "bob", "/", 1)
    changes = (
        Change.put(ALICE),
        Change.put(bob),
        Change.put(Attachment(ALICE.user_id, policy_id)),
        Change.put(Attachment(bob.user_id, policy_id)),
    )
    for change in changes:
        view.apply(change)
    index.on_commits([Commit("n1", 1, 1, "a", "x", changes)])
    (for_alice,) = index.for_user(ALICE.user_id).identity
    (for_bob,) = index.for_user(bob.user_id).identity
    assert for_alice is for_bob  # one compiled policy, shared by both accounts
