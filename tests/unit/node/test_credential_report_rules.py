"""The credential report's age rules: when GetCredentialReport serves it, and its time format."""

from __future__ import annotations

import pytest

from iamstore.node.domain import credential_report
from iamstore.node.domain.entities import CredentialReportRequest
from iamstore.node.domain.errors import ReportExpired, ReportNotPresent

HOUR_MS = 3600 * 1000
MARK = CredentialReportRequest("123456789012", 1_700_000_000_000)


def test_a_report_is_served_for_four_hours_then_expires() -> None:
    assert credential_report.downloadable(MARK, MARK.generated_ms) == MARK
    assert credential_report.downloadable(MARK, MARK.generated_ms + 4 * HOUR_MS - 1) == MARK
    with pytest.raises(ReportExpired):
        credential_report.downloadable(MARK, MARK.generated_ms + 4 * HOUR_MS)
    assert not credential_report.is_current(MARK, MARK.generated_ms + 4 * HOUR_MS)


def test_no_report_is_not_present() -> None:
    with pytest.raises(ReportNotPresent):
        credential_report.downloadable(None, 0)
    assert not credential_report.is_current(None, 0)


def test_times_are_iso_8601_seconds_in_utc_with_an_offset() -> None:
    assert credential_report.iso(1_409_262_170_999) == "2014-08-28T21:42:50+00:00"
