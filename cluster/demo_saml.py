"""The demo's directory sign-in: a developer SAML IdP stands in for the corporate directory.

`directory_sign_in` sets up what an administrator sets up once (the IdP's metadata as a SAML
provider, a role its users map to), then does what a directory user does at each sign-in:
the IdP signs an assertion, AssumeRoleWithSAML (unsigned) turns it into a role session, and
the session acts in the account through the role. `step` and `show` print as the demo does.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from iamstore.client import Client, Credentials, IamError
from iamstore.cluster.saml_idp import AssertionSpec, key_pair, metadata, signed_response

# eduPersonAffiliation: the trust policy admits only the directory's staff (saml: key).
AFFILIATION = "urn:oid:1.3.6.1.4.1.5923.1.1.1.1"
# Never a real key: AssumeRoleWithSAML is not signed, the assertion authenticates.
_NOBODY = Credentials("ANONYMOUS", "anonymous")


def _trust(provider_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": provider_arn},
                    "Action": "sts:AssumeRoleWithSAML",
                    "Condition": {
                        "StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"},
                        "ForAnyValue:StringEquals": {"saml:edupersonaffiliation": "staff"},
                    },
                }
            ],
        }
    )


_LIST_ROLES = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"}],
    }
)


def directory_sign_in(
    iam: Client,
    address: str,
    step: Callable[[str], None],
    show: Callable[[str, object], None],
    tls_ca: Path | None = None,
) -> str:
    """Signs `alice@corp.example` in through SAML on the node at `address`; her session ARN.

    `iam` is the account's administrator, on the same node (the sign-in reads the provider
    and the role from that node's replica).
    """
    step("Directory sign-in (SAML 2.0): a developer IdP stands in for the corporate directory")
    key, cert = key_pair("corp directory")
    provider = iam.create_saml_provider(
        name="CorpDirectory", saml_metadata_document=metadata([cert])
    ).saml_provider_arn
    assert provider is not None
    role = iam.create_role(
        role_name="DirectoryEngineers", assume_role_policy_document=_trust(provider)
    ).role.arn
    iam.put_role_policy(
        role_name="DirectoryEngineers", policy_name="list-roles", policy_document=_LIST_ROLES
    )
    show("SAML provider", provider)
    show("role for the directory", role)
    spec = AssertionSpec(
        role_arn=role,
        provider_arn=provider,
        subject="alice@corp.example",
        session_name="alice",
        attributes={AFFILIATION: ["member", "staff"]},
    )
    assertion = signed_response(spec, key, cert, time.time())
    show("signed assertion", f"{len(assertion)} characters of base64")
    with Client(address, credentials=_NOBODY, tls_ca=tls_ca) as anonymous:
        made = anonymous.assume_role_with_saml(
            role_arn=role, principal_arn=provider, saml_assertion=assertion
        )
    show("subject (NameID)", f"{made.subject} ({made.subject_type})")
    show("session", made.assumed_role_user.arn)
    creds = made.credentials
    session = Credentials(creds.access_key_id, creds.secret_access_key, creds.session_token)
    with Client(address, credentials=session, tls_ca=tls_ca) as alice:
        show("GetCallerIdentity", alice.get_caller_identity().arn)
        roles = [r.role_name for r in alice.list_roles().roles]
        show("ListRoles, as alice", ", ".join(roles))
    with Client(address, credentials=_NOBODY, tls_ca=tls_ca) as anonymous:
        try:
            anonymous.assume_role_with_saml(
                role_arn=role, principal_arn=provider, saml_assertion=assertion
            )
        except IamError as refused:  # a replay: refused, as it must be
            show("the same assertion again", str(refused))
    return made.assumed_role_user.arn
