"""`iamstore signin`: an IAM user's password (and MFA code) exchanged for temporary credentials,
printed like `aws sts get-session-token`, as shell exports, or written to a credentials profile."""

from __future__ import annotations

import os
import shlex
import sys

import click

from iamstore.client.cli.invocation import Invocation, fail, pass_invocation
from iamstore.client.cli.output import Json
from iamstore.client.errors import AccessDeniedError, IamError
from iamstore.client.providers import SignInResult, sign_in
from iamstore.wire import credentials as shared

# The node answers every failure alike (AWS console sign-in), so the CLI cannot tell that a
# code was missing; it only reminds the user that one may be needed.
MFA_HINT = "(a user with an MFA device must also give --token-code, or --mfa to be asked)"


@click.command("signin")
@click.option("--account", required=True, help="12-digit account id, or the account's name")
@click.option("--user-name", required=True)
@click.option(
    "--password",
    default=None,
    help="the password; prefer the prompt (no echo) or --password-stdin: a command line is "
    "visible to other users of the machine",
)
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
@click.option("--token-code", default=None, help="the current code of the user's MFA device")
@click.option("--mfa", "ask_code", is_flag=True, help="prompt for the MFA code")
@click.option("--duration-seconds", type=int, default=None, help="900 to 129600 [default: 43200]")
@click.option(
    "--export",
    "as_exports",
    is_flag=True,
    help='print shell exports of AWS_* variables: eval "$(iamstore signin ... --export)"',
)
@click.option(
    "--write-profile",
    default=None,
    metavar="PROFILE",
    help="write the credentials as this profile of the shared credentials file "
    "(--credentials-file, AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials)",
)
@pass_invocation
def signin_command(
    invocation: Invocation,
    account: str,
    user_name: str,
    password: str | None,
    password_stdin: bool,
    token_code: str | None,
    ask_code: bool,
    duration_seconds: int | None,
    as_exports: bool,
    write_profile: str | None,
) -> None:
    """Signs in as an IAM user with its password and prints temporary credentials.

    Without --password or --password-stdin the password is asked for without echo. The
    credentials act as the user, like GetSessionToken's: IAM calls need them to carry MFA.
    """
    if as_exports and write_profile is not None:
        raise click.UsageError("--export and --write-profile do not go together")
    if password is not None and password_stdin:
        raise click.UsageError("--password and --password-stdin do not go together")
    if token_code is not None and ask_code:
        raise click.UsageError("--token-code and --mfa do not go together")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif password is None:
        # Prompts go to stderr, so `eval "$(iamstore signin ... --export)"` stays clean.
        password = click.prompt("Password", hide_input=True, err=True)
    if ask_code:
        token_code = click.prompt("MFA code", err=True)
    try:
        result = sign_in(
            invocation.endpoints,
            account=account,
            user_name=user_name,
            password=password or "",
            token_code=token_code,
            duration_seconds=duration_seconds,
            tls_ca=invocation.tls_ca,
        )
    except AccessDeniedError as error:
        fail(str(error) if token_code is not None else f"{error}\n{MFA_HINT}")
    except IamError as error:
        fail(str(error))
    if as_exports:
        click.echo(_exports(result))
    elif write_profile is not None:
        _write_profile(invocation, result, write_profile)
    else:
        invocation.print(_as_aws(result), "SignIn")


def _as_aws(result: SignInResult) -> Json:
    """Shaped like `aws sts get-session-token`'s output, plus who signed in."""
    return {
        "Credentials": {
            "AccessKeyId": result.credentials.access_key_id,
            "SecretAccessKey": result.credentials.secret_access_key,
            "SessionToken": result.credentials.session_token,
            "Expiration": result.expiration.isoformat(),
        },
        "Arn": result.arn,
        "MfaAuthenticated": result.mfa_authenticated,
    }


def _exports(result: SignInResult) -> str:
    values = (
        (shared.ENV_ACCESS_KEY_ID, result.credentials.access_key_id),
        (shared.ENV_SECRET_ACCESS_KEY, result.credentials.secret_access_key),
        (shared.ENV_SESSION_TOKEN, result.credentials.session_token or ""),
    )
    return "\n".join(f"export {name}={shlex.quote(value)}" for name, value in values)


def _write_profile(invocation: Invocation, result: SignInResult, profile: str) -> None:
    path = shared._expand(
        invocation.credentials_file
        or os.environ.get(shared.ENV_SHARED_CREDENTIALS_FILE)
        or "~/.aws/credentials",
        os.environ,
    )
    try:
        shared.write_credentials_file(path, result.credentials, profile)
    except (OSError, ValueError) as error:
        fail(f"cannot write profile `{profile}` to `{path}`: {error}")
    click.echo(
        f"signed in as {result.arn}; profile `{profile}` of `{path}` holds credentials "
        f"until {result.expiration.isoformat()}",
        err=True,
    )
