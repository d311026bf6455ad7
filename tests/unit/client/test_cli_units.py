"""The CLI's pure parts: global options, endpoint URLs, output formats, policy documents,
pagination tokens, help text and --debug redaction."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import pytest

from iamstore.client import results
from iamstore.client.cli.global_options import hoist_global_options, parse_endpoint_url
from iamstore.client.cli.html_text import html_to_text
from iamstore.client.cli.invocation import REDACTED, redacted
from iamstore.client.cli.output import Json, aws_timestamp, decode_policy_documents, to_aws
from iamstore.client.cli.pagination import (
    NEXT_TOKEN,
    PaginationError,
    PagingOptions,
    decode_token,
    encode_token,
    paginate,
)
from iamstore.client.cli.service_model import PaginationSpec, operation_spec
from iamstore.client.cli.text_formats import render_text, render_yaml

TAKES_VALUE = {"--output": True, "--query": True, "--debug": False, "--endpoint": True}
COMMANDS = {"iam", "sts"}


def test_global_options_after_the_command_move_before_it() -> None:
    args = ["iam", "list-users", "--output", "table", "--path-prefix", "/a/", "--debug"]
    assert hoist_global_options(args, TAKES_VALUE, COMMANDS) == [
        "--output",
        "table",
        "--debug",
        "iam",
        "list-users",
        "--path-prefix",
        "/a/",
    ]


def test_global_options_in_equals_form_and_before_the_command_stay_intact() -> None:
    args = ["--endpoint", "h:1", "sts", "get-caller-identity", "--query=Account"]
    assert hoist_global_options(args, TAKES_VALUE, COMMANDS) == [
        "--endpoint",
        "h:1",
        "--query=Account",
        "sts",
        "get-caller-identity",
    ]


def test_lines_of_other_commands_and_after_double_dash_are_left_alone() -> None:
    node_line = ["node", "run", "--output", "x"]
    assert hoist_global_options(node_line, TAKES_VALUE, COMMANDS) == node_line
    after = ["iam", "get-user", "--", "--output", "json"]
    assert hoist_global_options(after, TAKES_VALUE, COMMANDS) == after


def test_a_global_option_missing_its_value_is_left_for_click_to_report() -> None:
    args = ["iam", "list-users", "--output"]
    assert hoist_global_options(args, TAKES_VALUE, COMMANDS) == args


@pytest.mark.parametrize(
    ("url", "endpoint", "tls"),
    [
        ("http://127.0.0.1:7001", "127.0.0.1:7001", False),
        ("https://iam.example.com:7443/", "iam.example.com:7443", True),
        ("https://iam.example.com", "iam.example.com:443", True),
        ("http://[::1]:7001", "[::1]:7001", False),
    ],
)
def test_endpoint_urls_map_to_grpc_endpoints(url: str, endpoint: str, tls: bool) -> None:
    parsed = parse_endpoint_url(url)
    assert (parsed.endpoint, parsed.tls) == (endpoint, tls)


@pytest.mark.parametrize(
    "url",
    [
        "127.0.0.1:7001",
        "ftp://h:1",
        "http://user:pw@h:1",
        "http://h:1/iam",
        "http://h:1/?Action=ListUsers",
        "http://h:99999",
        "http://h:0",
        "http://:7001",
    ],
)
def test_endpoint_urls_that_are_not_a_node_endpoint_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="invalid endpoint URL"):
        parse_endpoint_url(url)


def test_text_output_follows_the_aws_cli_layout() -> None:
    data: Json = {
        "Users": [
            {"UserName": "alice", "Arn": "arn:a", "Tags": [{"Key": "k", "Value": "v"}]},
            {"UserName": "bob", "Arn": "arn:b", "Path": "/"},
        ],
        "IsTruncated": False,
    }
    assert render_text(data).splitlines() == [
        "False",
        "USERS\tarn:a\t\talice",
        "TAGS\tk\tv",
        "USERS\tarn:b\t/\tbob",
    ]
    assert render_text("123456789012") == "123456789012"
    assert render_text(["a", "b"]) == "a\tb"
    assert render_text({"PolicyNames": ["p1", "p2"]}).splitlines() == [
        "POLICYNAMES\tp1",
        "POLICYNAMES\tp2",
    ]


def test_yaml_output_reads_back_as_the_same_value() -> None:
    data: Json = {
        "User": {"UserName": "alice", "Path": "/eng/", "Tags": [{"Key": "k", "Value": "yes"}]},
        "Count": 3,
        "Empty": [],
        "Flag": True,
        "Note": "a: b # c",
        "Missing": None,
    }
    assert render_yaml(data).splitlines() == [
        "User:",
        "  UserName: alice",
        "  Path: /eng/",
        "  Tags:",
        "  - Key: k",
        '    Value: "yes"',
        "Count: 3",
        "Empty: []",
        "Flag: true",
        'Note: "a: b # c"',
        "Missing: null",
    ]


def test_timestamps_print_in_utc_to_the_second() -> None:
    local = datetime(2024, 5, 1, 14, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
    assert aws_timestamp(local) == "2024-05-01T12:30:15+00:00"
    assert aws_timestamp(datetime(2024, 5, 1, 12, 30, 15)) == "2024-05-01T12:30:15+00:00"
    assert aws_timestamp(datetime(2024, 5, 1, tzinfo=UTC)) == "2024-05-01T00:00:00+00:00"


def test_results_print_times_to_the_second_and_audit_events_exactly() -> None:
    @dataclass(frozen=True, slots=True)
    class Event:
        event_time: datetime

    event = Event(datetime(2024, 5, 1, 12, 30, 15, 123456, tzinfo=UTC))
    assert to_aws(event) == {"EventTime": "2024-05-01T12:30:15+00:00"}
    assert to_aws(event, exact_times=True) == {"EventTime": "2024-05-01T12:30:15.123456+00:00"}


def test_policy_documents_are_decoded_where_the_model_says() -> None:
    spec = operation_spec("iam", "ListRoles")
    assert spec is not None
    document = {"Version": "2012-10-17", "Statement": []}
    data: Json = {
        "Roles": [
            {"RoleName": "a", "AssumeRolePolicyDocument": json.dumps(document)},
            {"RoleName": "b", "AssumeRolePolicyDocument": "%7B%22Version%22%3A%221%22%7D"},
            {"RoleName": "c", "AssumeRolePolicyDocument": "not json", "Description": "{}"},
        ]
    }
    decoded = decode_policy_documents(data, spec.policy_document_paths)
    assert decoded == {
        "Roles": [
            {"RoleName": "a", "AssumeRolePolicyDocument": document},
            {"RoleName": "b", "AssumeRolePolicyDocument": {"Version": "1"}},
            # Not a document: printed as it came. Other members are never decoded.
            {"RoleName": "c", "AssumeRolePolicyDocument": "not json", "Description": "{}"},
        ]
    }


def test_help_text_comes_from_the_models_html() -> None:
    html = "<p>Creates a <code>user</code>.</p> <ul><li><p>one &amp; two</p></li></ul>"
    assert html_to_text(html) == "Creates a user.\n\n- one & two"
    spec = operation_spec("iam", "CreateUser")
    assert spec is not None
    assert spec.documentation.startswith("Creates a new IAM user")
    assert spec.members["UserName"].required
    assert not spec.members["Path"].required
    login = operation_spec("iam", "CreateLoginProfile")
    assert login is not None
    assert login.members["Password"].sensitive


def test_secrets_are_redacted_for_debug() -> None:
    shown = redacted(
        {"user_name": "alice", "password": "hunter2", "new_password": "x", "token_code": "1"},
        sensitive=(),
    )
    assert shown == {
        "user_name": "alice",
        "password": REDACTED,
        "new_password": REDACTED,
        "token_code": REDACTED,
    }
    assert redacted({"odd_name": "s"}, sensitive=("odd_name",)) == {"odd_name": REDACTED}


SPEC = PaginationSpec(
    input_token="Marker",
    output_token="Marker",
    more_results="IsTruncated",
    limit_key="MaxItems",
    result_keys=("Users",),
)


class PagedNode:
    """Ten users, served as a node pages them: `limit` per page, the marker an index."""

    def __init__(self, count: int = 10) -> None:
        self.users = [f"u{i}" for i in range(count)]
        self.requests: list[tuple[str | None, int | None]] = []

    def fetch(self, marker: str | None, limit: int | None) -> Json:
        self.requests.append((marker, limit))
        start = int(marker or 0)
        end = start + (limit or 3)
        page: dict[str, Json] = {
            "Users": list(self.users[start:end]),
            "IsTruncated": end < len(self.users),
        }
        if end < len(self.users):
            page["Marker"] = str(end)
        return page


def test_pagination_joins_every_page_and_drops_the_paging_members() -> None:
    node = PagedNode()
    result = paginate(node.fetch, SPEC, PagingOptions())
    assert result == {"Users": node.users}
    assert len(node.requests) == 4


def test_max_items_stops_with_a_next_token_that_resumes() -> None:
    node = PagedNode()
    first = paginate(node.fetch, SPEC, PagingOptions(max_items=4))
    assert first["Users"] == ["u0", "u1", "u2", "u3"]
    token = first[NEXT_TOKEN]
    assert isinstance(token, str)
    # Never more asked of the node than still wanted.
    assert node.requests == [(None, 4)]
    marker = decode_token(token)
    rest = paginate(node.fetch, SPEC, PagingOptions(starting_marker=marker, page_size=5))
    assert rest == {"Users": ["u4", "u5", "u6", "u7", "u8", "u9"]}
    assert node.requests[1:] == [("4", 5), ("9", 5)]


def test_max_items_equal_to_the_total_has_no_next_token() -> None:
    node = PagedNode(count=4)
    assert paginate(node.fetch, SPEC, PagingOptions(max_items=4)) == {
        "Users": ["u0", "u1", "u2", "u3"]
    }


@pytest.mark.parametrize(
    "token",
    [
        "not base64!",
        base64.b64encode(b"[1]").decode(),
        base64.b64encode(b'{"Marker": 5}').decode(),
        base64.b64encode(b'{"Marker": "a", "Extra": 1}').decode(),
        "A" * 5000,
    ],
)
def test_bad_starting_tokens_are_refused(token: str) -> None:
    with pytest.raises(PaginationError, match="bad starting token"):
        decode_token(token)


def test_tokens_round_trip() -> None:
    assert decode_token(encode_token("m/1+2")) == "m/1+2"


def test_a_node_repeating_a_marker_ends_the_walk() -> None:
    def fetch(marker: str | None, limit: int | None) -> Json:
        return {"Users": ["x"], "IsTruncated": True, "Marker": "same"}

    with pytest.raises(PaginationError, match="returned twice"):
        paginate(fetch, SPEC, PagingOptions())


def test_members_print_with_aws_acronyms_kept_whole() -> None:
    # The aws CLI prints SAMLProviderArn, MFADevices, OpenIDConnectProviderList: plain
    # PascalCase of the snake_case field (SamlProviderArn, MfaDevices) matched no --query
    # and no paginator result key.
    printed = to_aws(results.CreateSAMLProviderResponse(saml_provider_arn="arn:x"))
    assert printed == {"SAMLProviderArn": "arn:x", "Tags": []}
    assert to_aws(results.ListMFADevicesResponse()) == {"MFADevices": []}
