"""The CLI's global options and the one place where a command's calls, output and errors meet."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NoReturn

import click
import jmespath
from jmespath.exceptions import JMESPathError

from iamstore.client._operation import Operation
from iamstore.client._sync import Client
from iamstore.client._transport import TlsCa
from iamstore.client.cli.output import Json, OutputFormat, render, to_aws
from iamstore.client.credentials import Credentials, NoCredentialsError
from iamstore.client.errors import IamError
from iamstore.client.providers import CredentialProvider, resolve

# Signs calls the node authenticates otherwise (the web identity token); never a real key.
ANONYMOUS = Credentials("ANONYMOUS", "anonymous")
UNSIGNED_OPERATIONS = frozenset({"AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"})

# The aws CLI's return codes (https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-returncodes.html):
# 255 when a call fails, 252 when the command line is invalid; scripts rely on both.
EXIT_CALL_FAILED = 255
EXIT_USAGE = 252

# Parameters --debug never prints, beside those the service model marks sensitive.
_SECRET_PARAMETER = re.compile(r"password|secret|token|authentication_code|private|assertion")
REDACTED = "<redacted>"

# One call of an operation: its keyword arguments in, its result as the aws CLI's JSON out
# (None when the operation returns nothing).
Caller = Callable[[Mapping[str, object]], Json]


class ParameterError(click.UsageError):
    """A command-line error, with the aws CLI's exit status for an invalid parameter."""

    exit_code = EXIT_USAGE


def usage_error(message: str, ctx: click.Context | None = None) -> ParameterError:
    return ParameterError(message, ctx)


def compile_query(expression: str) -> jmespath.parser.ParsedResult:
    """A --query expression, compiled once; a syntax error is a usage error."""
    try:
        return jmespath.compile(expression)
    except JMESPathError as error:
        raise usage_error(f"bad value for --query `{expression}`: {error}") from None


@dataclass(frozen=True, slots=True)
class Invocation:
    """The global options of one CLI invocation."""

    endpoints: tuple[str, ...]
    output: OutputFormat
    # The region every request is signed for: IAM is global and AWS signs its requests for
    # us-east-1 whatever region the caller works in, so --region does not change it.
    signing_region: str
    profile: str | None
    credentials_file: str | None
    # A CA file to verify the nodes with, True for the system's roots, None for plaintext.
    tls_ca: TlsCa = None
    query: str | None = None
    debug: bool = False
    # False: one call per command, never following the pagination markers (--no-paginate).
    paginate: bool = True

    def client(self, *, unsigned: bool = False) -> Client:
        """A client for the profile; role profiles assume their role through the endpoints.

        `unsigned`: the operation needs no credentials (AssumeRoleWithWebIdentity); when none
        are configured, an anonymous placeholder signs it and the node ignores the signature.
        """
        try:
            credentials: CredentialProvider = resolve(
                profile=self.profile,
                credentials_file=self.credentials_file,
                endpoints=self.endpoints,
                region=self.signing_region,
                tls_ca=self.tls_ca,
            )
        except NoCredentialsError:
            if not unsigned:
                raise
            credentials = ANONYMOUS
        return Client(
            self.endpoints,
            credentials=credentials,
            region=self.signing_region,
            tls_ca=self.tls_ca,
        )

    def log(self, message: str) -> None:
        """A --debug line on standard error."""
        if self.debug:
            click.echo(f"iamstore debug: {message}", err=True)

    @contextmanager
    def calls(
        self, operation: Operation[object], sensitive: Sequence[str] = ()
    ) -> Iterator[Caller]:
        """One client for every call of `operation` a command makes (pages of a list); a failed
        call prints the error and exits 255. `sensitive`: parameters --debug must not show."""
        try:
            with self.client(unsigned=operation.name in UNSIGNED_OPERATIONS) as client:
                method: Callable[..., object] = getattr(client, operation.python_name)

                def call(params: Mapping[str, object]) -> Json:
                    given = {name: value for name, value in params.items() if value is not None}
                    self.log(
                        f"calling {operation.name} on {', '.join(self.endpoints)} "
                        f"(signed for {self.signing_region}) with "
                        f"{redacted(given, sensitive)}"
                    )
                    started = time.monotonic()
                    try:
                        result = method(**given)
                    except IamError as error:
                        self.log(f"{operation.name} failed: {error.code}")
                        raise
                    elapsed_ms = (time.monotonic() - started) * 1000
                    self.log(f"{operation.name} answered in {elapsed_ms:.1f} ms")
                    return None if result is None else to_aws(result)

                yield call
        except (IamError, NoCredentialsError) as error:
            fail(str(error) + _http1_hint(error))

    def call(self, operation: Operation[object], params: Mapping[str, object]) -> None:
        """Calls the operation once and prints its result, or the error and exit code 255."""
        with self.calls(operation) as call:
            result = call(params)
        if result is not None:
            self.print(result, operation.name)

    def print(self, data: Json, title: str) -> None:
        """Prints a result in the chosen format, after the --query expression if any."""
        if self.query is not None:
            data = compile_query(self.query).search(data)
        rendered = render(data, self.output, title)
        if rendered or self.output is not OutputFormat.TEXT:
            click.echo(rendered)  # text of nothing is no line at all, as in the aws CLI


def _http1_hint(error: Exception) -> str:
    """A hint when the endpoint answered HTTP/1: most likely a node's HTTP (AWS Query API) port
    given where the CLI needs its gRPC port."""
    if isinstance(error, IamError) and "Failed parsing HTTP/2" in error.message:
        return (
            "\n(the endpoint answers HTTP/1, like a node's HTTP API port: the iamstore CLI "
            "talks gRPC, so give it the node's gRPC port)"
        )
    return ""


def redacted(params: Mapping[str, object], sensitive: Sequence[str]) -> dict[str, object]:
    """The parameters with every secret replaced, for --debug."""
    return {
        name: REDACTED if name in sensitive or _SECRET_PARAMETER.search(name) else value
        for name, value in params.items()
    }


def fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    raise click.exceptions.Exit(EXIT_CALL_FAILED)


def split_endpoints(values: Sequence[str]) -> tuple[str, ...]:
    """`--endpoint a --endpoint b,c` -> (a, b, c)."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


pass_invocation = click.make_pass_decorator(Invocation)
