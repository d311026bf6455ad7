"""OpenID Connect providers through real gRPC: AWS's URL, thumbprint and client-id rules."""

from __future__ import annotations

import pytest

from iamstore.client import (
    Client,
    EntityAlreadyExistsError,
    InvalidInputError,
    LimitExceededError,
    NoSuchEntityError,
    ValidationError,
)

THUMB = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
URL = "https://token.example.com/tenant"


def _arn(iam: Client, url: str = URL) -> str:
    account = iam.get_user().user.arn.split(":")[4]
    return f"arn:aws:iam::{account}:oidc-provider/{url.removeprefix('https://')}"


def test_create_get_list_delete(iam: Client) -> None:
    made = iam.create_open_id_connect_provider(
        url=URL,
        client_id_list=["app", "app", "sts.amazonaws.com"],
        thumbprint_list=[THUMB],
        tags=[{"Key": "team", "Value": "id"}],
    )
    # AWS: arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH.
    assert made.open_id_connect_provider_arn == _arn(iam)
    assert [(t.key, t.value) for t in made.tags] == [("team", "id")]
    got = iam.get_open_id_connect_provider(open_id_connect_provider_arn=_arn(iam))
    assert got.url == "token.example.com/tenant"  # shown without https://, as AWS does
    assert got.client_id_list == ("app", "sts.amazonaws.com")
    assert got.thumbprint_list == (THUMB,)
    assert got.create_date is not None
    assert [(t.key, t.value) for t in got.tags] == [("team", "id")]
    listed = iam.list_open_id_connect_providers().open_id_connect_provider_list
    assert [entry.arn for entry in listed] == [_arn(iam)]
    iam.delete_open_id_connect_provider(open_id_connect_provider_arn=_arn(iam))
    assert iam.list_open_id_connect_providers().open_id_connect_provider_list == ()
    with pytest.raises(NoSuchEntityError):
        iam.get_open_id_connect_provider(open_id_connect_provider_arn=_arn(iam))
    with pytest.raises(NoSuchEntityError):
        iam.delete_open_id_connect_provider(open_id_connect_provider_arn=_arn(iam))


def test_thumbprints_are_optional(iam: Client) -> None:
    iam.create_open_id_connect_provider(url="https://issuer.example.org")
    got = iam.get_open_id_connect_provider(
        open_id_connect_provider_arn=_arn(iam, "https://issuer.example.org")
    )
    assert (got.client_id_list, got.thumbprint_list) == ((), ())


def test_same_url_is_entity_already_exists(iam: Client) -> None:
    iam.create_open_id_connect_provider(url=URL, client_id_list=["a"])
    with pytest.raises(EntityAlreadyExistsError):
        iam.create_open_id_connect_provider(url=URL, client_id_list=["b"])
    got = iam.get_open_id_connect_provider(open_id_connect_provider_arn=_arn(iam))
    assert got.client_id_list == ("a",)


@pytest.mark.parametrize(
    "url",
    [
        "http://token.example.com",
        "token.example.com",
        "https://",
        "https://x.example.com/?a=b",
        "https://x.example.com/#frag",
    ],
)
def test_url_must_be_https_without_query_or_fragment(iam: Client, url: str) -> None:
    with pytest.raises(InvalidInputError):
        iam.create_open_id_connect_provider(url=url)
    assert iam.list_open_id_connect_providers().open_id_connect_provider_list == ()


def test_thumbprint_rules(iam: Client) -> None:
    with pytest.raises(ValidationError):  # AWS's model: exactly 40 characters
        iam.create_open_id_connect_provider(url=URL, thumbprint_list=["abc"])
    with pytest.raises(InvalidInputError):  # 40 characters, but not hexadecimal
        iam.create_open_id_connect_provider(url=URL, thumbprint_list=["z" * 40])
    six = [f"{i:040x}" for i in range(6)]
    with pytest.raises(LimitExceededError):  # at most five thumbprints
        iam.create_open_id_connect_provider(url=URL, thumbprint_list=six)
    iam.create_open_id_connect_provider(url=URL, thumbprint_list=six[:5])
    got = iam.get_open_id_connect_provider(open_id_connect_provider_arn=_arn(iam))
    assert got.thumbprint_list == tuple(six[:5])


def test_add_and_remove_client_ids_are_idempotent(iam: Client) -> None:
    iam.create_open_id_connect_provider(url=URL, client_id_list=["a"])
    arn = _arn(iam)
    iam.add_client_id_to_open_id_connect_provider(open_id_connect_provider_arn=arn, client_id="b")
    iam.add_client_id_to_open_id_connect_provider(open_id_connect_provider_arn=arn, client_id="b")
    got = iam.get_open_id_connect_provider(open_id_connect_provider_arn=arn)
    assert got.client_id_list == ("a", "b")
    iam.remove_client_id_from_open_id_connect_provider(
        open_id_connect_provider_arn=arn, client_id="a"
    )
    iam.remove_client_id_from_open_id_connect_provider(
        open_id_connect_provider_arn=arn, client_id="a"
    )
    got = iam.get_open_id_connect_provider(open_id_connect_provider_arn=arn)
    assert got.client_id_list == ("b",)
    missing = _arn(iam, "https://nobody.example.com")
    with pytest.raises(NoSuchEntityError):
        iam.add_client_id_to_open_id_connect_provider(
            open_id_connect_provider_arn=missing, client_id="c"
        )
    with pytest.raises(NoSuchEntityError):
        iam.remove_client_id_from_open_id_connect_provider(
            open_id_connect_provider_arn=missing, client_id="c"
        )


def test_invalid_arn_is_invalid_input(iam: Client) -> None:
    with pytest.raises(InvalidInputError):
        iam.get_open_id_connect_provider(open_id_connect_provider_arn="not-an-arn-at-all-really")


def test_providers_are_isolated_between_accounts(iam: Client, other_account: Client) -> None:
    iam.create_open_id_connect_provider(url=URL)
    arn = _arn(iam)
    with pytest.raises(NoSuchEntityError):
        other_account.get_open_id_connect_provider(open_id_connect_provider_arn=arn)
    with pytest.raises(NoSuchEntityError):
        other_account.delete_open_id_connect_provider(open_id_connect_provider_arn=arn)
    assert other_account.list_open_id_connect_providers().open_id_connect_provider_list == ()
    # The same issuer may be registered in another account: its ARN names that account.
    other_account.create_open_id_connect_provider(url=URL)
    assert (
        other_account.get_open_id_connect_provider(
            open_id_connect_provider_arn=_arn(other_account)
        ).url
        == "token.example.com/tenant"
    )
    assert len(iam.list_open_id_connect_providers().open_id_connect_provider_list) == 1
