"""The credential report (pure): one CSV row per IAM user and one for the account root, in
AWS's columns, order and value formats.

https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html
documents each column. Times are ISO 8601 in UTC with an explicit offset
(`2014-08-28T21:42:50+00:00`); `N/A` where a credential does not exist or was never used;
`not_supported` where the root has no such value (its password is managed outside IAM);
`no_information` only for uses before AWS began tracking them, which cannot happen here.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from iamstore.node.domain.entities import (
    Change,
    CredentialReportRequest,
    KeyStatus,
    User,
    root_owner,
)
from iamstore.node.domain.errors import ReportExpired, ReportNotPresent
from iamstore.node.domain.view import View

# The time a report stays current: GenerateCredentialReport makes a new one only when the
# last is older (AWS's four hours), and GetCredentialReport calls an older one expired.
REPORT_AGE_LIMIT_MS = 4 * 3600 * 1000
REPORT_FORMAT = "text/csv"
ROOT_USER = "<root_account>"
NA = "N/A"
NOT_SUPPORTED = "not_supported"

COLUMNS = (
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    *(
        f"access_key_{n}_{part}"
        for n in (1, 2)
        for part in (
            "active",
            "last_rotated",
            "last_used_date",
            "last_used_region",
            "last_used_service",
        )
    ),
    *(f"cert_{n}_{part}" for n in (1, 2) for part in ("active", "last_rotated")),
)

# (time, service, region) of an access key's last use, merged over the nodes; None: never.
KeyLastUsed = Callable[[str], tuple[int, str, str] | None]
# A user's last sign-in with its password, merged over the nodes; None: never.
PasswordLastUsed = Callable[[str], int | None]


@dataclass(frozen=True, slots=True)
class Usage:
    """How the report learns the last use of credentials (node.domain.usage, merged)."""

    key: KeyLastUsed
    password: PasswordLastUsed


def is_current(mark: CredentialReportRequest | None, now_ms: int) -> bool:
    """Whether the account has a report young enough to be served (and not made again)."""
    return mark is not None and 0 <= now_ms - mark.generated_ms < REPORT_AGE_LIMIT_MS


def generate(view: View, account_id: str, now_ms: int) -> tuple[list[Change], bool]:
    """GenerateCredentialReport's write: a new mark only when the account's last report is no
    longer current (AWS's four hours); whether a new report was started."""
    if is_current(view.credential_reports.get(account_id), now_ms):
        return [], False
    return [Change.put(CredentialReportRequest(account_id, now_ms))], True


def downloadable(mark: CredentialReportRequest | None, now_ms: int) -> CredentialReportRequest:
    """The mark of the report GetCredentialReport may serve, or AWS's error saying why not."""
    if mark is None:
        raise ReportNotPresent(
            "no credential report exists for this account; call GenerateCredentialReport first"
        )
    if not is_current(mark, now_ms):
        raise ReportExpired(
            "the credential report is more than four hours old; call GenerateCredentialReport "
            "for a new one"
        )
    return mark


def iso(ms: int) -> str:
    """AWS's report time format: seconds, UTC, `+00:00`."""
    return datetime.datetime.fromtimestamp(ms // 1000, datetime.UTC).isoformat()


def _bool(value: bool) -> str:
    # Lower case, as in the files AWS serves (its guide spells the values TRUE and FALSE).
    return "true" if value else "false"


def _keys(view: View, account_id: str, owner_id: str, used: KeyLastUsed) -> list[str]:
    """access_key_1_* and access_key_2_*: the owner's keys, oldest first (at most two); only
    the account's (one another account left under a user's id is not the user's)."""
    found = (view.access_keys.get(k) for k in view.keys_of.get(owner_id, ()))
    keys = sorted(
        (k for k in found if k is not None and k.account_id == account_id),
        key=lambda k: (k.created_ms, k.access_key_id),
    )
    cells: list[str] = []
    for index in range(2):
        if index >= len(keys):
            cells += ["false", NA, NA, NA, NA]
            continue
        key = keys[index]
        last = used(key.access_key_id)
        cells += [
            _bool(key.status == KeyStatus.ACTIVE),
            iso(key.created_ms),
            *([iso(last[0]), last[2] or NA, last[1] or NA] if last else [NA, NA, NA]),
        ]
    return cells


def _certs(view: View, account_id: str, owner_id: str) -> list[str]:
    found = (
        view.signing_certificates.get(k) for k in view.signing_certificates_of.get(owner_id, ())
    )
    certs = sorted(
        (c for c in found if c is not None and c.account_id == account_id),
        key=lambda c: (c.created_ms, c.certificate_id),
    )
    cells: list[str] = []
    for index in range(2):
        if index >= len(certs):
            cells += ["false", NA]
        else:
            cells += [_bool(certs[index].status == KeyStatus.ACTIVE), iso(certs[index].created_ms)]
    return cells


def _user_row(view: View, user: User, usage: Usage) -> list[str]:
    profile = view.login_profiles.get(user.user_id)
    last_used = usage.password(user.user_id)
    changed = next_rotation = NA
    if profile is not None:
        changed = iso(profile.password_age_from_ms)
        policy = view.password_policies.get(user.account_id)
        if policy is not None and policy.max_password_age:
            next_rotation = iso(profile.password_age_from_ms + policy.max_password_age * 86_400_000)
    return [
        user.name,
        user.arn,
        iso(user.created_ms),
        _bool(profile is not None),
        # AWS shows a user's last password use even after the password was removed.
        iso(last_used) if last_used is not None else NA,
        changed,
        next_rotation,
        _bool(bool(view.mfa_of.get(user.user_id))),
        *_keys(view, user.account_id, user.user_id, usage.key),
        *_certs(view, user.account_id, user.user_id),
    ]


def _root_row(view: View, account_id: str, usage: Usage) -> list[str]:
    account = view.accounts.get(account_id)
    owner = root_owner(account_id)
    return [
        ROOT_USER,
        f"arn:aws:iam::{account_id}:root",
        iso(account.created_ms) if account is not None else NA,
        NOT_SUPPORTED,  # password_enabled: the root's password is not managed through IAM
        NA,  # password_last_used: the root does not sign in to this cluster's console
        NOT_SUPPORTED,
        NOT_SUPPORTED,
        _bool(bool(view.mfa_of.get(owner))),
        *_keys(view, account_id, owner, usage.key),
        *_certs(view, account_id, owner),
    ]


def rows(view: View, account_id: str, usage: Usage) -> Iterator[list[str]]:
    """The account's report, row by row: the header, the root's row, then every user by name.

    A generator, so that a caller may let other work run between rows (5,000 users take about
    0.4 s); the users are listed when it starts, and each row reads the view as it is then.
    """
    yield list(COLUMNS)
    yield _root_row(view, account_id, usage)
    for user in sorted(view.users.in_account(account_id), key=lambda u: u.name.lower()):
        yield _user_row(view, user, usage)


def to_csv(report: Iterable[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(report)
    return out.getvalue().encode()
