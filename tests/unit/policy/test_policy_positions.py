"""Statement positions in a policy's text: where AWS's simulators say each statement is."""

from __future__ import annotations

import json

from iamstore.node.policy import PolicyKind, parse_policy
from iamstore.node.policy.positions import StatementSpan, TextPosition, statement_spans

# The AWS CLI Command Reference's `aws iam simulate-custom-policy` example: AWS answers
# StartPosition 1:38 and EndPosition 1:167 for its one statement.
AWS_EXAMPLE = (
    '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*",'
    '"Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}'
)


def _places(text: str) -> list[tuple[int, int, int, int]]:
    parse_policy(text, PolicyKind.IDENTITY)  # each case is a policy iamstore accepts
    return [(s.start.line, s.start.column, s.end.line, s.end.column) for s in statement_spans(text)]


def test_awss_example_positions() -> None:
    assert statement_spans(AWS_EXAMPLE) == (
        StatementSpan(TextPosition(1, 38), TextPosition(1, 167)),
    )


def test_each_statement_of_a_list_in_order_across_line_endings() -> None:
    text = (
        '{"Version": "2012-10-17",\n"Statement": [\r\n'
        '{"Effect": "Allow", "Action": "s3:*", "Resource": "*"},\r'
        '  {"Effect": "Deny",\n "Action": "s3:x", "Resource": "*"}]}'
    )
    # lines: 1 `{"Version"...`, 2 `"Statement": [`, 3 the first statement, 4 and 5 the second
    assert _places(text) == [(3, 2, 3, 55), (4, 4, 5, 36)]


def test_only_the_top_level_statement_element_counts() -> None:
    # Braces and brackets inside strings, a `Statement` condition key, a `Statement` value and
    # an escaped key name do not mislead the scan.
    statement = {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": 'arn:aws:s3:::b/{[}]"Statement":{',
        "Condition": {"StringEquals": {"aws:PrincipalTag/Statement": ["{", "]"]}},
    }
    body = json.dumps([statement, statement])
    text = '{"Id": "Statement", "Version": "2012-10-17", "Statem\\u0065nt": ' + body + "}"
    first_start = text.index("[") + 1
    second_start = text.index("}}}, {") + 5
    assert _places(text) == [
        (1, first_start + 2, 1, second_start - 2 + 1),
        (1, second_start + 2, 1, len(text) - 1),
    ]


def test_text_without_a_statement_has_no_spans() -> None:
    assert statement_spans('{"Version": "2012-10-17"}') == ()
    assert statement_spans("not json {") == ()
    assert statement_spans('[{"Statement": {}}]') == ()
