"""SAML identity providers in IAM: create, read, rotate keys, tag, delete, and refusals."""

from __future__ import annotations

import json

import pytest

from iamstore.client import (
    AccessDeniedError,
    Client,
    Credentials,
    EntityAlreadyExistsError,
    InvalidInputError,
    NoSuchEntityError,
    ValidationError,
)
from iamstore.cluster import saml_idp as idp
from iamstore.cluster.testing.inproc import InProcessNode

KeyPair = tuple[bytes, bytes]


@pytest.fixture(scope="module")
def keys() -> KeyPair:
    return idp.key_pair()


@pytest.fixture(scope="module")
def new_keys() -> KeyPair:
    return idp.key_pair("rolled over")


def _account(iam: Client) -> str:
    return iam.get_caller_identity().account


def test_create_get_list_delete(iam: Client, keys: KeyPair) -> None:
    document = idp.metadata([keys[1]])
    made = iam.create_saml_provider(
        name="Corp", saml_metadata_document=document, tags=[{"Key": "team", "Value": "it"}]
    )
    arn = f"arn:aws:iam::{_account(iam)}:saml-provider/Corp"
    assert made.saml_provider_arn == arn
    got = iam.get_saml_provider(saml_provider_arn=arn)
    assert got.saml_metadata_document == document
    assert got.saml_provider_uuid is not None
    assert len(got.saml_provider_uuid) >= 22  # AWS's pattern: [A-Z0-9]{22,64}
    assert got.assertion_encryption_mode == "Allowed"
    assert [(t.key, t.value) for t in got.tags] == [("team", "it")]
    listed = iam.list_saml_providers().saml_provider_list
    assert [p.arn for p in listed] == [arn]
    iam.delete_saml_provider(saml_provider_arn=arn)
    assert iam.list_saml_providers().saml_provider_list == ()
    with pytest.raises(NoSuchEntityError):
        iam.get_saml_provider(saml_provider_arn=arn)


def test_same_name_twice_is_entity_already_exists(iam: Client, keys: KeyPair) -> None:
    document = idp.metadata([keys[1]])
    iam.create_saml_provider(name="Corp", saml_metadata_document=document)
    with pytest.raises(EntityAlreadyExistsError):
        iam.create_saml_provider(name="Corp", saml_metadata_document=document)


def test_metadata_that_is_not_saml_is_refused(iam: Client, keys: KeyPair) -> None:
    not_metadata = "<html>" + "x" * 1200 + "</html>"
    with pytest.raises(InvalidInputError) as error:
        iam.create_saml_provider(name="Corp", saml_metadata_document=not_metadata)
    assert error.value.message.startswith("Could not parse metadata")
    assert error.value.field == "SAMLMetadataDocument"
    assert iam.list_saml_providers().saml_provider_list == ()  # nothing was written


def test_names_and_lengths_follow_the_aws_model(iam: Client, keys: KeyPair) -> None:
    with pytest.raises(ValidationError):
        iam.create_saml_provider(name="bad name", saml_metadata_document=idp.metadata([keys[1]]))
    with pytest.raises(ValidationError):  # AWS's minimum document length is 1000
        iam.create_saml_provider(name="Corp", saml_metadata_document="<x/>")


def test_assertion_encryption_is_refused_clearly(iam: Client, keys: KeyPair) -> None:
    with pytest.raises(InvalidInputError) as error:
        iam.create_saml_provider(
            name="Corp",
            saml_metadata_document=idp.metadata([keys[1]]),
            assertion_encryption_mode="Required",
        )
    assert error.value.field == "AssertionEncryptionMode"


def test_update_installs_the_rolled_over_certificates(
    iam: Client, keys: KeyPair, new_keys: KeyPair
) -> None:
    arn = iam.create_saml_provider(
        name="Corp", saml_metadata_document=idp.metadata([keys[1]])
    ).saml_provider_arn
    assert arn is not None
    rolled = idp.metadata([keys[1], new_keys[1]])
    updated = iam.update_saml_provider(saml_provider_arn=arn, saml_metadata_document=rolled)
    assert updated.saml_provider_arn == arn
    assert iam.get_saml_provider(saml_provider_arn=arn).saml_metadata_document == rolled
    with pytest.raises(InvalidInputError):
        iam.update_saml_provider(saml_provider_arn=arn, saml_metadata_document="<a>" + "x" * 1000)
    # the refused update changed nothing
    assert iam.get_saml_provider(saml_provider_arn=arn).saml_metadata_document == rolled


def test_tags(iam: Client, keys: KeyPair) -> None:
    arn = iam.create_saml_provider(
        name="Corp", saml_metadata_document=idp.metadata([keys[1]])
    ).saml_provider_arn
    assert arn is not None
    iam.tag_saml_provider(
        saml_provider_arn=arn, tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    )
    iam.untag_saml_provider(saml_provider_arn=arn, tag_keys=["a"])
    tags = iam.list_saml_provider_tags(saml_provider_arn=arn).tags
    assert [(t.key, t.value) for t in tags] == [("b", "2")]
    with pytest.raises(InvalidInputError):
        iam.tag_saml_provider(saml_provider_arn=arn, tags=[{"Key": "aws:x", "Value": "1"}])


def test_another_accounts_provider_does_not_exist_here(
    iam: Client, other_account: Client, keys: KeyPair
) -> None:
    arn = iam.create_saml_provider(
        name="Corp", saml_metadata_document=idp.metadata([keys[1]])
    ).saml_provider_arn
    assert arn is not None
    with pytest.raises(NoSuchEntityError):
        other_account.get_saml_provider(saml_provider_arn=arn)
    with pytest.raises(NoSuchEntityError):
        other_account.delete_saml_provider(saml_provider_arn=arn)


def test_admin_calls_are_authorized_on_the_provider_arn(
    iam_node: InProcessNode, iam: Client, keys: KeyPair
) -> None:
    account = _account(iam)
    allowed = f"arn:aws:iam::{account}:saml-provider/Allowed"
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:*SAMLProvider*", "Resource": allowed}],
    }
    iam.create_user(user_name="admin")
    iam.put_user_policy(user_name="admin", policy_name="p", policy_document=json.dumps(policy))
    key = iam.create_access_key(user_name="admin").access_key
    document = idp.metadata([keys[1]])
    with Client(
        iam_node.address, credentials=Credentials(key.access_key_id, key.secret_access_key)
    ) as admin:
        made = admin.create_saml_provider(
            name="Allowed", saml_metadata_document=document, at_least=iam.consistency_token
        )
        assert made.saml_provider_arn == allowed
        with pytest.raises(AccessDeniedError) as error:
            admin.create_saml_provider(name="Other", saml_metadata_document=document)
        assert "saml-provider/Other" in error.value.message
        other = iam.create_saml_provider(name="Other", saml_metadata_document=document)
        assert other.saml_provider_arn is not None
        with pytest.raises(AccessDeniedError):
            admin.delete_saml_provider(
                saml_provider_arn=other.saml_provider_arn, at_least=iam.consistency_token
            )
        admin.delete_saml_provider(saml_provider_arn=allowed)
