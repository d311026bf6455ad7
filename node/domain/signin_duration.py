"""MaxSigninSessionDuration on roles and login profiles: what an update asks for (pure).

AWS's IAM API Reference (UpdateRole, UpdateLoginProfile:
https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateRole.html): the member sets the
duration, ResetMaxSigninSessionDuration=true clears it, neither leaves it as it is, and both
in one request are refused. The range (3,600 to 7,776,000 s) is AWS's model's, checked with
every other member's constraints before a handler runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from iamstore.node.domain.errors import InvalidInput

FIELD = "MaxSigninSessionDuration"


@dataclass(frozen=True, slots=True)
class SigninDurationChange:
    """The duration to store: a number of seconds, or None to clear it."""

    seconds: int | None


def requested_change(seconds: int | None, reset: bool | None) -> SigninDurationChange | None:
    """What the request asks of the stored duration; None to leave it alone."""
    if reset and seconds is not None:
        raise InvalidInput(
            "`MaxSigninSessionDuration` cannot be given with `ResetMaxSigninSessionDuration` "
            "set to true",
            FIELD,
        )
    if reset:
        return SigninDurationChange(None)
    return None if seconds is None else SigninDurationChange(seconds)
