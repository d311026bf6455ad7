"""AssumeRoleWithSAML against a real node: the trust policy's saml: keys, sessions, refusals."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import pytest
from iam_helpers import assert_lasts

from iamstore.client import AccessDeniedError, Client, Credentials, IamError
from iamstore.cluster import saml_idp as idp
from iamstore.cluster.testing.inproc import InProcessNode

AFFILIATION = "urn:oid:1.3.6.1.4.1.5923.1.1.1.1"
KeyPair = tuple[bytes, bytes]


@dataclass(frozen=True, slots=True)
class Setup:
    account: str
    provider_arn: str
    role_arn: str


@pytest.fixture(scope="module")
def keys() -> KeyPair:
    return idp.key_pair()


def _trust(provider_arn: str, condition: Mapping[str, object], actions: list[str]) -> str:
    statement = {
        "Effect": "Allow",
        "Principal": {"Federated": provider_arn},
        "Action": actions,
        "Condition": condition,
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.fixture
def setup(iam: Client, keys: KeyPair) -> Setup:
    account = iam.get_caller_identity().account
    provider = iam.create_saml_provider(
        name="Corp", saml_metadata_document=idp.metadata([keys[1]])
    ).saml_provider_arn
    assert provider is not None
    condition = {
        "StringEquals": {"SAML:aud": idp.AWS_SAML_ENDPOINT},
        "ForAnyValue:StringEquals": {"saml:edupersonaffiliation": "staff"},
    }
    role = iam.create_role(
        role_name="Engineers",
        assume_role_policy_document=_trust(provider, condition, ["sts:AssumeRoleWithSAML"]),
    ).role.arn
    return Setup(account, provider, role)


@pytest.fixture
def anonymous(iam_node: InProcessNode) -> Iterator[Client]:
    # The call is unsigned in AWS; these credentials exist nowhere and the node ignores them.
    with Client(iam_node.address, credentials=Credentials("AKIANOBODY", "x" * 40)) as client:
        yield client


def _assertion(keys: KeyPair, setup: Setup, **changes: object) -> str:
    spec = idp.AssertionSpec(
        role_arn=setup.role_arn,
        provider_arn=setup.provider_arn,
        subject="alice@corp.example",
        session_name="alice",
        attributes={AFFILIATION: ["member", "staff"]},
    )
    for name, value in changes.items():
        setattr(spec, name, value)
    return idp.signed_response(spec, *keys, time.time())


def _refused(anonymous: Client, setup: Setup, assertion: str) -> IamError:
    with pytest.raises(IamError) as error:
        anonymous.assume_role_with_saml(
            role_arn=setup.role_arn, principal_arn=setup.provider_arn, saml_assertion=assertion
        )
    return error.value


def test_a_directory_user_gets_a_role_session(
    iam_node: InProcessNode, anonymous: Client, keys: KeyPair, setup: Setup
) -> None:
    asked = time.time()
    made = anonymous.assume_role_with_saml(
        role_arn=setup.role_arn,
        principal_arn=setup.provider_arn,
        saml_assertion=_assertion(keys, setup),
    )
    assert made.assumed_role_user.arn == (
        f"arn:aws:sts::{setup.account}:assumed-role/Engineers/alice"
    )
    assert made.subject == "alice@corp.example"
    assert made.subject_type == "persistent"
    assert made.issuer == idp.DEFAULT_ENTITY_ID
    assert made.audience == idp.AWS_SAML_ENDPOINT
    assert made.name_qualifier  # AWS's hash of issuer, account and provider name
    creds = made.credentials
    assert_lasts(creds.expiration, 3600, asked)  # AWS's default: one hour
    with Client(
        iam_node.address,
        credentials=Credentials(creds.access_key_id, creds.secret_access_key, creds.session_token),
    ) as session:
        identity = session.get_caller_identity()
    assert identity.arn == made.assumed_role_user.arn
    assert identity.user_id.endswith(":alice")


def test_the_same_assertion_is_accepted_once(
    anonymous: Client, keys: KeyPair, setup: Setup
) -> None:
    assertion = _assertion(keys, setup)
    anonymous.assume_role_with_saml(
        role_arn=setup.role_arn, principal_arn=setup.provider_arn, saml_assertion=assertion
    )
    error = _refused(anonymous, setup, assertion)
    assert error.code == "InvalidIdentityToken"
    assert "already used" in error.message


def test_a_trust_condition_on_a_saml_attribute_is_enforced(
    anonymous: Client, keys: KeyPair, setup: Setup
) -> None:
    assertion = _assertion(keys, setup, attributes={AFFILIATION: ["student"]})
    with pytest.raises(AccessDeniedError) as error:
        anonymous.assume_role_with_saml(
            role_arn=setup.role_arn, principal_arn=setup.provider_arn, saml_assertion=assertion
        )
    assert "sts:AssumeRoleWithSAML" in error.value.message


def test_a_trust_condition_on_saml_sub_is_enforced(
    iam: Client, anonymous: Client, keys: KeyPair, setup: Setup
) -> None:
    trust = _trust(
        setup.provider_arn,
        {"StringEquals": {"saml:sub": "bob@corp.example", "saml:doc": f"{setup.account}/Corp"}},
        ["sts:AssumeRoleWithSAML"],
    )
    iam.update_assume_role_policy(role_name="Engineers", policy_document=trust)
    with pytest.raises(AccessDeniedError):
        anonymous.assume_role_with_saml(
            role_arn=setup.role_arn,
            principal_arn=setup.provider_arn,
            saml_assertion=_assertion(keys, setup),
        )
    made = anonymous.assume_role_with_saml(
        role_arn=setup.role_arn,
        principal_arn=setup.provider_arn,
        saml_assertion=_assertion(keys, setup, subject="bob@corp.example", session_name="bob"),
    )
    assert made.subject == "bob@corp.example"


def test_a_role_the_assertion_does_not_offer_is_refused(
    iam: Client, anonymous: Client, keys: KeyPair, setup: Setup
) -> None:
    other = iam.create_role(
        role_name="Admins",
        assume_role_policy_document=_trust(setup.provider_arn, {}, ["sts:AssumeRoleWithSAML"]),
    ).role.arn
    with pytest.raises(AccessDeniedError):  # the assertion names Engineers only
        anonymous.assume_role_with_saml(
            role_arn=other, principal_arn=setup.provider_arn, saml_assertion=_assertion(keys, setup)
        )


def test_an_unknown_provider_is_refused(anonymous: Client, keys: KeyPair, setup: Setup) -> None:
    with pytest.raises(IamError) as error:
        anonymous.assume_role_with_saml(
            role_arn=setup.role_arn,
            principal_arn=setup.provider_arn + "Other",
            saml_assertion=_assertion(keys, setup),
        )
    assert error.value.code == "InvalidIdentityToken"
    assert error.value.message == "Specified provider doesn't exist"


def test_an_assertion_signed_by_another_key_is_refused(anonymous: Client, setup: Setup) -> None:
    error = _refused(anonymous, setup, _assertion(idp.key_pair("intruder"), setup))
    assert error.code == "InvalidIdentityToken"
    assert "signature invalid" in error.message


def test_session_tags_need_tag_session_in_the_trust_policy(
    iam: Client, anonymous: Client, keys: KeyPair, setup: Setup
) -> None:
    tagged = _assertion(keys, setup, principal_tags={"Department": "eng"})
    with pytest.raises(AccessDeniedError) as error:
        anonymous.assume_role_with_saml(
            role_arn=setup.role_arn, principal_arn=setup.provider_arn, saml_assertion=tagged
        )
    assert "sts:TagSession" in error.value.message
    trust = _trust(setup.provider_arn, {}, ["sts:AssumeRoleWithSAML", "sts:TagSession"])
    iam.update_assume_role_policy(role_name="Engineers", policy_document=trust)
    made = anonymous.assume_role_with_saml(
        role_arn=setup.role_arn,
        principal_arn=setup.provider_arn,
        saml_assertion=_assertion(keys, setup, principal_tags={"Department": "eng"}),
    )
    assert made.assumed_role_user.arn.endswith("/alice")


def test_duration_follows_the_session_duration_attribute_within_the_role_maximum(
    anonymous: Client, keys: KeyPair, setup: Setup
) -> None:
    asked = time.time()
    made = anonymous.assume_role_with_saml(
        role_arn=setup.role_arn,
        principal_arn=setup.provider_arn,
        saml_assertion=_assertion(keys, setup, session_duration=1800),
    )
    assert_lasts(made.credentials.expiration, 1800, asked)
    error = _refused(anonymous, setup, _assertion(keys, setup, session_duration=7200))
    assert error.code == "ValidationError"  # the role's MaxSessionDuration is one hour


def test_a_session_tag_outside_aws_tag_characters_is_refused(
    anonymous: Client, keys: KeyPair, setup: Setup
) -> None:
    error = _refused(anonymous, setup, _assertion(keys, setup, principal_tags={"Dept": "a;b"}))
    assert error.code == "InvalidIdentityToken"
    assert "Dept" in error.message


def test_source_identity_needs_set_source_identity_and_is_returned(
    iam: Client, anonymous: Client, keys: KeyPair, setup: Setup
) -> None:
    with pytest.raises(AccessDeniedError) as error:
        anonymous.assume_role_with_saml(
            role_arn=setup.role_arn,
            principal_arn=setup.provider_arn,
            saml_assertion=_assertion(keys, setup, source_identity="alice"),
        )
    assert "sts:SetSourceIdentity" in error.value.message
    actions = ["sts:AssumeRoleWithSAML", "sts:SetSourceIdentity"]
    iam.update_assume_role_policy(
        role_name="Engineers", policy_document=_trust(setup.provider_arn, {}, actions)
    )
    made = anonymous.assume_role_with_saml(
        role_arn=setup.role_arn,
        principal_arn=setup.provider_arn,
        saml_assertion=_assertion(keys, setup, source_identity="alice"),
    )
    assert made.source_identity == "alice"


def test_a_transitive_key_that_is_not_a_session_tag_is_refused(
    anonymous: Client, keys: KeyPair, setup: Setup
) -> None:
    assertion = _assertion(
        keys, setup, principal_tags={"Dept": "eng"}, transitive_tag_keys=["Team"]
    )
    error = _refused(anonymous, setup, assertion)
    assert error.code == "InvalidIdentityToken"
    assert "Team" in error.message
