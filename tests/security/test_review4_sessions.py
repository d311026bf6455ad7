"""Findings of the fourth adversarial review: session tags (fixed; each test now guards its
fix).

GetFederationToken: AWS asks for sts:TagSession, besides the operation's own action,
whenever session tags are passed, with aws:RequestTag and aws:TagKeys (IAM User Guide,
Passing session tags in AWS STS, "Permissions required to add session tags",
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html). Session tags
override the user's own tags of the same key, so a user its administrator denied
sts:TagSession minted a federated session with any aws:PrincipalTag it liked.

sts:TransitiveTagKeys: AWS documents it as the condition key of sts:TagSession that limits
which session tags a caller may make transitive (same page). No request context carried it,
so a trust policy's Deny on a transitive key never applied and a ForAllValues allow-list of
transitive keys let in any.
"""

from __future__ import annotations

import time

from security_nodes import allow, doc, user_client

from iamstore.client import AccessDeniedError, Client, Credentials, IamError
from iamstore.cluster import saml_idp as idp
from iamstore.cluster.testing.inproc import InProcessNode


def test_review4_a_user_denied_tag_session_cannot_override_its_principal_tag(
    iam_node: InProcessNode, iam: Client
) -> None:
    # ABAC: each team reads its own bucket; eve may federate but not pass session tags.
    eve_policy = doc(
        allow("sts:GetFederationToken"),
        {"Effect": "Deny", "Action": "sts:TagSession", "Resource": "*"},
        allow("s3:GetObject", resource="arn:aws:s3:::${aws:PrincipalTag/team}/*"),
    )
    with user_client(iam_node, iam, "eve", eve_policy) as eve:
        iam.tag_user(user_name="eve", tags=[{"Key": "team", "Value": "guest"}])
        try:
            issued = eve.get_federation_token(
                name="federated",
                policy=doc(allow("s3:*")),
                tags=[{"Key": "team", "Value": "admin"}],
            ).credentials
        except AccessDeniedError:
            return  # the fixed behaviour: sts:TagSession is asked, and denied
    assert issued is not None
    decision = iam.authorize(
        action="s3:GetObject",
        resource_arn="arn:aws:s3:::admin/payroll.csv",
        access_key_id=issued.access_key_id,
        session_token=issued.session_token,
    ).decision
    assert decision != "Allow"


def test_review4_a_trust_policy_can_refuse_a_transitive_session_tag(
    iam_node: InProcessNode, iam: Client
) -> None:
    account = iam.get_caller_identity().account or ""
    root = {"AWS": f"arn:aws:iam::{account}:root"}
    trust = doc(
        {"Effect": "Allow", "Principal": root, "Action": ["sts:AssumeRole", "sts:TagSession"]},
        {
            "Effect": "Deny",
            "Principal": root,
            "Action": "sts:TagSession",
            "Condition": {"ForAnyValue:StringEquals": {"sts:TransitiveTagKeys": ["team"]}},
        },
    )
    role_arn = iam.create_role(role_name="tagged", assume_role_policy_document=trust).role.arn
    with user_client(iam_node, iam, "caller", doc(allow("sts:AssumeRole", "sts:TagSession"))) as u:
        team = [{"Key": "team", "Value": "admin"}]
        # Not transitive: allowed, so the refusal below is the transitive key's alone.
        u.assume_role(role_arn=role_arn, role_session_name="plain", tags=team)
        try:
            u.assume_role(
                role_arn=role_arn,
                role_session_name="carried",
                tags=team,
                transitive_tag_keys=["team"],
            )
            refused = False
        except AccessDeniedError:
            refused = True
    assert refused


def test_review4_a_trust_policy_can_refuse_a_transitive_saml_session_tag(
    iam_node: InProcessNode, iam: Client
) -> None:
    keys = idp.key_pair()
    provider = iam.create_saml_provider(
        name="Corp", saml_metadata_document=idp.metadata([keys[1]])
    ).saml_provider_arn
    assert provider is not None
    federated = {"Federated": provider}
    trust = doc(
        {
            "Effect": "Allow",
            "Principal": federated,
            "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
        },
        {
            "Effect": "Deny",
            "Principal": federated,
            "Action": "sts:TagSession",
            "Condition": {"ForAnyValue:StringEquals": {"sts:TransitiveTagKeys": ["team"]}},
        },
    )
    role_arn = iam.create_role(role_name="Federated", assume_role_policy_document=trust).role.arn
    spec = idp.AssertionSpec(
        role_arn=role_arn,
        provider_arn=provider,
        subject="someone",
        principal_tags={"team": "admin"},
        transitive_tag_keys=("team",),
    )
    # The call is unsigned (the assertion authenticates); these credentials exist nowhere.
    with Client(iam_node.address, credentials=Credentials("AKIANOBODY", "x" * 40)) as anonymous:
        try:
            anonymous.assume_role_with_saml(
                role_arn=role_arn,
                principal_arn=provider,
                saml_assertion=idp.signed_response(spec, *keys, time.time()),
            )
            refused = False
        except IamError:
            refused = True
    assert refused
