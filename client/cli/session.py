"""The CLI's global options and the one place where a command's call, output and errors meet."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NoReturn

import click

from iamstore.client._operation import Operation
from iamstore.client._sync import Client
from iamstore.client.cli.output import OutputFormat, render, to_aws
from iamstore.client.credentials import Credentials, NoCredentialsError
from iamstore.client.errors import IamError
from iamstore.client.providers import CredentialProvider, resolve

# Signs calls the node authenticates otherwise (the web identity token); never a real key.
ANONYMOUS = Credentials("ANONYMOUS", "anonymous")
UNSIGNED_OPERATIONS = frozenset({"AssumeRoleWithWebIdentity"})

# The aws CLI exits 255 when a call fails (its "return codes" page); scripts rely on it.
EXIT_CALL_FAILED = 255


@dataclass(frozen=True, slots=True)
class Session:
    """The global options of one CLI invocation."""

    endpoints: tuple[str, ...]
    output: OutputFormat
    region: str
    profile: str | None
    credentials_file: str | None
    # A CA file: talk TLS to the nodes and verify them with it.
    tls_ca: str | None = None

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
                region=self.region,
                tls_ca=self.tls_ca,
            )
        except NoCredentialsError:
            if not unsigned:
                raise
            credentials = ANONYMOUS
        return Client(
            self.endpoints, credentials=credentials, region=self.region, tls_ca=self.tls_ca
        )

    def call(self, operation: Operation[object], params: Mapping[str, object]) -> None:
        """Calls the operation and prints its result, or the error and exit code 255."""
        try:
            with self.client(unsigned=operation.name in UNSIGNED_OPERATIONS) as client:
                result = client._call(operation, params)
        except IamError as error:
            fail(str(error))
        except NoCredentialsError as error:
            fail(str(error))
        if result is not None:
            click.echo(render(to_aws(result), self.output, operation.name))


def fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    raise click.exceptions.Exit(EXIT_CALL_FAILED)


def split_endpoints(values: Sequence[str]) -> tuple[str, ...]:
    """`--endpoint a --endpoint b,c` -> (a, b, c)."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


pass_session = click.make_pass_decorator(Session)
