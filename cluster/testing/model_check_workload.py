"""The model checker's workload: every IAM write operation as a plan over a few shared names.

One entry per write operation of the IAM API (tests/cluster/test_model_check.py checks the
table against the client's operation table), each drawing its arguments from a handful of
names, so that many writers on many nodes hit the same records at once. A plan runs against
the replica's view like a handler's would, and raises the same IamError a handler would.
"""

from __future__ import annotations

import functools
import json
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from iamstore.node.domain import (
    aliases,
    credential_report,
    groups,
    inline,
    instance_profiles,
    keys,
    last_accessed,
    lookup,
    mfa,
    oidc,
    passwords,
    policies,
    roles,
    saml,
    server_certificates,
    service_credentials,
    service_linked_roles,
    signing_certificates,
    ssh_keys,
    tagging,
    users,
    versions,
)
from iamstore.node.domain.entities import (
    Change,
    Group,
    KeyStatus,
    LastAccessedJob,
    LoginProfile,
    Role,
    StsPreferences,
    User,
    root_owner,
)
from iamstore.node.domain.signin_duration import SigninDurationChange
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext

ACCOUNT = "123456789012"
USERS = tuple(f"u{i}" for i in range(4))
GROUPS = ("g0", "g1")
ROLES = ("r0", "r1")
POLICIES = ("p0", "p1")
PROFILES = ("ip0", "ip1")
DEVICES = ("d0", "d1")
URLS = ("https://idp0.example.com", "https://idp1.example.com")
ACTIONS = ("s3:GetObject", "s3:PutObject", "ec2:RunInstances", "iam:ListUsers")
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)

Plan = Callable[[View, WriteContext], tuple[list[Change], object]]

SAML_PROVIDERS = ("sp0", "sp1")
CERTIFICATES = ("c0", "c1")
ALIASES = ("alias-zero", "alias-one")
SERVICES = ("elasticbeanstalk.amazonaws.com", "autoscaling.amazonaws.com")


@dataclass(frozen=True, slots=True)
class _KeyMaterial:
    """One RSA key and a self-signed certificate for it (valid 1971-2099, so any virtual
    clock is inside it), made once: the certificate and SSH key operations upload them."""

    certificate: str
    private_key: str
    ssh_public_key: str
    saml_metadata: str


@functools.cache
def key_material() -> _KeyMaterial:
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "simulation.example.com")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(datetime.datetime(1971, 1, 1, tzinfo=datetime.UTC))
        .not_valid_after(datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC))
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    der_b64 = "".join(pem.strip().splitlines()[1:-1])
    metadata = (
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example.com">'
        '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>'
        f"{der_b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
        'Location="https://idp.example.com/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>'
    )
    return _KeyMaterial(
        certificate=pem,
        private_key=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        ).decode(),
        ssh_public_key=key.public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        .decode(),
        saml_metadata=metadata,
    )


@dataclass(frozen=True, slots=True)
class Intent:
    """What a write meant, for the checker's sequential specification (model_check.py)."""

    operation: str
    policy: str | None = None  # the policy's name, for policy operations
    version_id: str | None = None  # the version the operation names (None: the one it made)
    document: str | None = None
    sets_default: bool = False
    # TagX/UntagX: each tag key it sets, with its value (None: the key it removes).
    tags: tuple[tuple[str, str | None], ...] = ()


def document(rng: random.Random) -> str:
    """A small identity policy: an Allow or a Deny of one or two actions."""
    effect = rng.choice(("Allow", "Allow", "Deny"))
    actions = sorted(set(rng.sample(ACTIONS, rng.randint(1, 2))))
    statement = {"Effect": effect, "Action": actions, "Resource": "*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, sort_keys=True)


def _arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:policy/{name}"


def _only(plan: Callable[[View, WriteContext], list[Change]]) -> Plan:
    return lambda view, ctx: (plan(view, ctx), None)


def _tag_plan(
    find: Callable[[View, WriteContext], tagging.Taggable], tags: Sequence[tuple[str, str]]
) -> Plan:
    def plan(view: View, ctx: WriteContext) -> tuple[list[Change], object]:
        entity = find(view, ctx)
        return tagging.tag(view, ctx, entity, tags), entity

    return plan


def _untag_plan(find: Callable[[View, WriteContext], tagging.Taggable], key: str) -> Plan:
    def plan(view: View, ctx: WriteContext) -> tuple[list[Change], object]:
        entity = find(view, ctx)
        return tagging.untag(entity, [key]), entity

    return plan


def _version_of(view: View, policy: str, rng: random.Random) -> str:
    """A version id of `policy` on this replica (or `v1` when it has none), chosen by `rng`."""
    found = view.policies.named(ACCOUNT, policy)
    known = sorted(view.versions_of(found.policy_id)) if found is not None else []
    return rng.choice(known) if known else "v1"


def _key_of(view: View, user: str, rng: random.Random) -> str:
    found = view.users.named(ACCOUNT, user)
    owned = sorted(view.keys_of.get(found.user_id, ())) if found is not None else []
    return rng.choice(owned) if owned else "AKIA-NONE"


def _serial(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:mfa/{name}"


def _signing_certificate_of(view: View, owner_id: str) -> str:
    owned = sorted(c.certificate_id for c in signing_certificates.of_owner(view, owner_id, ACCOUNT))
    return owned[0] if owned else "NONE" * 6


@dataclass(frozen=True, slots=True)
class SigninDurationWrite:
    """A plan's result when its write left an entity's MaxSigninSessionDuration (CreateRole,
    UpdateRole, CreateLoginProfile, UpdateLoginProfile): the entity it wrote (its key and
    creation time name the incarnation) and the duration it left, None when reset or unset."""

    entity: Role | LoginProfile
    seconds: int | None


def _signin_change(drawn: int) -> SigninDurationChange | None:
    """MaxSigninSessionDuration from a number the plan already drew, so every seed replays
    the operations it did before durations were written: a third of writes leave it alone,
    a third set one of several values (so a lost write shows), a third reset it."""
    if drawn % 3 == 0:
        return None
    if drawn % 3 == 1:
        return SigninDurationChange(3600 * (1 + drawn % 24))
    return SigninDurationChange(None)


def _seconds(change: SigninDurationChange | None) -> int | None:
    return None if change is None else change.seconds


def _ssh_key_of(view: View, user: User) -> str:
    owned = sorted(k.key_id for k in ssh_keys.of_user(view, user))
    return owned[0] if owned else "APKA-NONE"


def _reset_credential(view: View, user: User) -> list[Change]:
    """ResetServiceSpecificCredential: refused as the handler refuses it; writes nothing (the
    new password is shown once and never stored)."""
    service_credentials.get(view, user, _credential_of(view, user))
    return []


def _credential_of(view: View, user: User) -> str:
    owned = sorted(c.credential_id for c in service_credentials.of_user(view, user))
    return owned[0] if owned else "ACCA-NONE"


def plan_for(operation: str, rng: random.Random, view: View) -> tuple[Plan, Intent]:
    """A plan for `operation` with arguments drawn from `rng` (and ids known to `view`)."""
    user, group, role = rng.choice(USERS), rng.choice(GROUPS), rng.choice(ROLES)
    policy, profile = rng.choice(POLICIES), rng.choice(PROFILES)
    device, url = rng.choice(DEVICES), rng.choice(URLS)
    doc, tag = document(rng), (("k" + str(rng.randrange(3)), str(rng.randrange(99))),)
    owner_kind = rng.choice(("User", "Group", "Role"))
    owner_name = {"User": user, "Group": group, "Role": role}[owner_kind]
    intent = Intent(operation)
    material = key_material()
    alias, certificate = rng.choice(ALIASES), rng.choice(CERTIFICATES)
    service, saml_provider = rng.choice(SERVICES), rng.choice(SAML_PROVIDERS)
    status = rng.choice(("Active", "Inactive"))
    token_version = rng.choice(("v1Token", "v2Token"))
    job_id = uuid.UUID(int=rng.getrandbits(128), version=4)

    def owner(view: View, ctx: WriteContext) -> User | Group | Role:
        if owner_kind == "User":
            return lookup.user(view, ctx.account_id, owner_name)
        if owner_kind == "Group":
            return lookup.group(view, ctx.account_id, owner_name)
        return lookup.role(view, ctx.account_id, owner_name)

    def a_user(view: View, ctx: WriteContext) -> User:
        return lookup.user(view, ctx.account_id, user)

    # MaxSigninSessionDuration: CreateRole and CreateLoginProfile set one or none, UpdateRole
    # and UpdateLoginProfile set, reset or leave it, so several writers on several nodes set,
    # reset and delete one record at once. Each derives it from a number it drew anyway, in
    # the order it drew it (a lookup that fails first draws nothing), so seeds keep their runs.
    def create_role(view: View, ctx: WriteContext) -> tuple[list[Change], object]:
        seconds = _seconds(_signin_change(int(tag[0][1])))
        changes, made = roles.create(
            view, ctx, role, "/", TRUST, None, None, tag, None, max_signin_session_duration=seconds
        )
        return changes, SigninDurationWrite(made, seconds)

    def update_role(view: View, ctx: WriteContext) -> tuple[list[Change], object]:
        drawn = rng.randrange(9)
        change = _signin_change(drawn)
        changes = roles.update(view, ctx, role, f"d{drawn}", None, change)
        if change is None:
            return changes, None
        return changes, SigninDurationWrite(lookup.role(view, ctx.account_id, role), change.seconds)

    def create_login_profile(view: View, ctx: WriteContext) -> tuple[list[Change], object]:
        holder = a_user(view, ctx)
        drawn = rng.randrange(99)
        seconds = _seconds(_signin_change(drawn))
        changes, made = passwords.create_profile(view, ctx, holder, f"hash-{drawn}", False, seconds)
        return changes, SigninDurationWrite(made, seconds)

    def update_login_profile(view: View, ctx: WriteContext) -> tuple[list[Change], object]:
        holder = a_user(view, ctx)
        drawn = rng.random()
        change = _signin_change(int(drawn * 900))
        changes = passwords.update_profile(view, ctx, holder, None, drawn < 0.5, change)
        if change is None:
            return changes, None
        return changes, SigninDurationWrite(passwords.profile(view, holder), change.seconds)

    # Signing certificates: the root's own (no UserName) when the drawn owner kind is Group,
    # else the drawn user's.
    def certificate_owner(view: View, ctx: WriteContext) -> str:
        if owner_kind == "Group":
            return root_owner(ctx.account_id)
        return a_user(view, ctx).user_id

    plans: dict[str, Plan] = {
        "CreateUser": lambda v, c: users.create(v, c, user, "/", tag, None),
        "UpdateUser": _only(lambda v, c: users.update(v, c, user, None, rng.choice(("/", "/a/")))),
        "DeleteUser": _only(lambda v, c: users.delete(v, c, user)),
        "CreateGroup": lambda v, c: groups.create(v, c, group, "/"),
        "UpdateGroup": _only(lambda v, c: groups.update(v, c, group, None, "/x/")),
        "DeleteGroup": _only(lambda v, c: groups.delete(v, c, group)),
        "AddUserToGroup": _only(lambda v, c: groups.add_user(v, c, group, user)),
        "RemoveUserFromGroup": _only(lambda v, c: groups.remove_user(v, c, group, user)),
        "CreateRole": create_role,
        "UpdateRole": update_role,
        "UpdateAssumeRolePolicy": _only(lambda v, c: roles.update_trust(v, c, role, TRUST)),
        "DeleteRole": _only(lambda v, c: roles.delete(v, c, role)),
        "CreatePolicy": lambda v, c: policies.create(v, c, policy, "/", doc, None, ())[:2],
        "DeletePolicy": _only(lambda v, c: policies.delete(v, c, _arn(policy))),
        "CreatePolicyVersion": lambda v, c: versions.create(
            v, c, _arn(policy), doc, intent_default
        ),
        "SetDefaultPolicyVersion": _only(
            lambda v, c: versions.set_default(v, c, _arn(policy), chosen_version)
        ),
        "DeletePolicyVersion": _only(
            lambda v, c: versions.delete(v, c, _arn(policy), chosen_version)
        ),
        "PutUserPermissionsBoundary": _only(
            lambda v, c: policies.put_boundary(v, c, a_user(v, c), _arn(policy))
        ),
        "DeleteUserPermissionsBoundary": _only(
            lambda v, c: policies.delete_boundary(v, c, a_user(v, c))
        ),
        "PutRolePermissionsBoundary": _only(
            lambda v, c: policies.put_boundary(
                v, c, lookup.role(v, c.account_id, role), _arn(policy)
            )
        ),
        "DeleteRolePermissionsBoundary": _only(
            lambda v, c: policies.delete_boundary(v, c, lookup.role(v, c.account_id, role))
        ),
        "CreateAccessKey": lambda v, c: keys.create(
            v, c, a_user(v, c).user_id, c.new_id("AKIA"), b"sealed"
        ),
        "UpdateAccessKey": _only(
            lambda v, c: keys.update(
                v, c.account_id, a_user(v, c).user_id, chosen_key, rng.choice(KeyStatus.ALL)
            )
        ),
        "DeleteAccessKey": _only(
            lambda v, c: keys.delete(v, c.account_id, a_user(v, c).user_id, chosen_key)
        ),
        "CreateLoginProfile": create_login_profile,
        "UpdateLoginProfile": update_login_profile,
        "ChangePassword": _only(
            lambda v, c: passwords.update_profile(
                v, c, a_user(v, c), f"hash-{rng.randrange(99)}", None
            )
        ),
        "DeleteLoginProfile": _only(lambda v, c: passwords.delete_profile(v, a_user(v, c))),
        "UpdateAccountPasswordPolicy": _only(
            lambda v, c: passwords.update_policy(
                c, passwords.PolicyUpdate(minimum_password_length=rng.randint(6, 20))
            )
        ),
        "DeleteAccountPasswordPolicy": _only(lambda v, c: passwords.delete_policy(v, c.account_id)),
        "CreateVirtualMFADevice": lambda v, c: mfa.create(
            v, c, c.new_id("MFAD"), device, "/", b"seed", ()
        ),
        "EnableMFADevice": _only(
            lambda v, c: mfa.enable(
                v, c, a_user(v, c), mfa.by_serial(v, c.account_id, _serial(device)).device_id, 0
            )
        ),
        "ResyncMFADevice": _only(
            lambda v, c: mfa.resync(v, a_user(v, c), _serial(device), rng.randint(-1, 1))
        ),
        "DeactivateMFADevice": _only(lambda v, c: mfa.deactivate(v, a_user(v, c), _serial(device))),
        "DeleteVirtualMFADevice": _only(lambda v, c: mfa.delete(v, c.account_id, _serial(device))),
        "CreateOpenIDConnectProvider": lambda v, c: oidc.create(
            v, c, url, ["client-0"], ["a" * 40], ()
        ),
        "DeleteOpenIDConnectProvider": _only(
            lambda v, c: oidc.delete(v, c.account_id, oidc.provider_arn(c.account_id, url))
        ),
        "AddClientIDToOpenIDConnectProvider": _only(
            lambda v, c: oidc.add_client_id(
                v, c, oidc.provider_arn(c.account_id, url), f"client-{rng.randrange(3)}"
            )
        ),
        "RemoveClientIDFromOpenIDConnectProvider": _only(
            lambda v, c: oidc.remove_client_id(
                v, c.account_id, oidc.provider_arn(c.account_id, url), f"client-{rng.randrange(3)}"
            )
        ),
        "CreateInstanceProfile": lambda v, c: instance_profiles.create(v, c, profile, "/", ()),
        "DeleteInstanceProfile": _only(
            lambda v, c: instance_profiles.delete(v, c.account_id, profile)
        ),
        "AddRoleToInstanceProfile": _only(
            lambda v, c: instance_profiles.add_role(v, c, profile, role)
        ),
        "RemoveRoleFromInstanceProfile": _only(
            lambda v, c: instance_profiles.remove_role(v, c.account_id, profile, role)
        ),
    }
    for kind in ("User", "Group", "Role"):
        plans[f"Attach{kind}Policy"] = _only(
            lambda v, c: policies.attach(v, c, owner(v, c), _arn(policy))
        )
        plans[f"Detach{kind}Policy"] = _only(
            lambda v, c: policies.detach(v, c, owner(v, c), _arn(policy))
        )
        plans[f"Put{kind}Policy"] = _only(
            lambda v, c: inline.put(v, c, owner(v, c), f"inline{rng.randrange(2)}", doc)
        )
        plans[f"Delete{kind}Policy"] = _only(
            lambda v, c: inline.delete(v, owner(v, c), f"inline{rng.randrange(2)}")
        )
    # The rest of IAM's API: tags of other entities, account settings, certificates, keys,
    # service-specific credentials, service-linked roles and SAML providers.
    plans.update(
        {
            "UpdateOpenIDConnectProviderThumbprint": _only(
                lambda v, c: oidc.update_thumbprints(
                    v, c, oidc.provider_arn(c.account_id, url), [str(rng.randrange(9)) * 40]
                )
            ),
            "UpdateRoleDescription": lambda v, c: roles.update_description(
                v, c, role, f"d{rng.randrange(9)}"
            ),
            "CreateAccountAlias": _only(lambda v, c: aliases.create(v, c, alias)),
            "DeleteAccountAlias": _only(lambda v, c: aliases.delete(v, c, alias)),
            "SetSecurityTokenServicePreferences": _only(
                lambda v, c: [Change.put(StsPreferences(c.account_id, token_version))]
            ),
            "UploadServerCertificate": lambda v, c: server_certificates.upload(
                v, c, certificate, "/", material.certificate, material.private_key, None, tag
            ),
            "UpdateServerCertificate": _only(
                lambda v, c: server_certificates.update(v, c, certificate, "/x/", None)
            ),
            "DeleteServerCertificate": _only(
                lambda v, c: server_certificates.delete(v, c.account_id, certificate)
            ),
            "UploadSigningCertificate": lambda v, c: signing_certificates.upload(
                v, c, certificate_owner(v, c), material.certificate
            ),
            "UpdateSigningCertificate": _only(
                lambda v, c: signing_certificates.set_status(
                    v,
                    c,
                    certificate_owner(v, c),
                    _signing_certificate_of(v, certificate_owner(v, c)),
                    status,
                )
            ),
            "DeleteSigningCertificate": _only(
                lambda v, c: signing_certificates.delete(
                    v,
                    c,
                    certificate_owner(v, c),
                    _signing_certificate_of(v, certificate_owner(v, c)),
                )
            ),
            "UploadSSHPublicKey": lambda v, c: ssh_keys.upload(
                v, c, a_user(v, c), material.ssh_public_key
            ),
            "UpdateSSHPublicKey": _only(
                lambda v, c: ssh_keys.set_status(
                    v, a_user(v, c), _ssh_key_of(v, a_user(v, c)), status
                )
            ),
            "DeleteSSHPublicKey": _only(
                lambda v, c: ssh_keys.delete(v, a_user(v, c), _ssh_key_of(v, a_user(v, c)))
            ),
            "CreateServiceSpecificCredential": lambda v, c: service_credentials.create(
                v, c, a_user(v, c), "codecommit.amazonaws.com", None
            ),
            "ResetServiceSpecificCredential": _only(
                lambda v, c: _reset_credential(v, a_user(v, c))
            ),
            "UpdateServiceSpecificCredential": _only(
                lambda v, c: service_credentials.set_status(
                    v, a_user(v, c), _credential_of(v, a_user(v, c)), status
                )
            ),
            "DeleteServiceSpecificCredential": _only(
                lambda v, c: service_credentials.delete(
                    v, a_user(v, c), _credential_of(v, a_user(v, c))
                )
            ),
            "GenerateCredentialReport": lambda v, c: credential_report.generate(
                v, c.account_id, c.now_ms
            ),
            "GenerateServiceLastAccessedDetails": _only(
                lambda v, c: last_accessed.start_job(
                    v,
                    LastAccessedJob(
                        str(job_id),
                        c.account_id,
                        f"arn:aws:iam::{c.account_id}:user/{user}",
                        rng.choice((last_accessed.SERVICE_LEVEL, last_accessed.ACTION_LEVEL)),
                        c.now_ms,
                    ),
                )
            ),
            "CreateServiceLinkedRole": lambda v, c: service_linked_roles.create(
                v, c, service, None, None
            ),
            "DeleteServiceLinkedRole": lambda v, c: service_linked_roles.delete(
                v, c, service_linked_roles.role_name(service, None)
            ),
            "CreateSAMLProvider": lambda v, c: saml.create(
                v, c, saml_provider, material.saml_metadata, tag
            ),
            "UpdateSAMLProvider": lambda v, c: saml.update(
                v, c, saml.provider_arn(c.account_id, saml_provider), material.saml_metadata
            ),
            "DeleteSAMLProvider": _only(
                lambda v, c: saml.delete(
                    v, c.account_id, saml.provider_arn(c.account_id, saml_provider)
                )
            ),
        }
    )
    # TagX/UntagX of every taggable kind, one way: the plan's result is the entity it tagged,
    # so the checker's specification knows whose tag each acknowledged write set.
    taggable: dict[str, Callable[[View, WriteContext], tagging.Taggable]] = {
        "User": a_user,
        "Role": lambda v, c: lookup.role(v, c.account_id, role),
        "Policy": lambda v, c: lookup.customer_policy(v, c.account_id, _arn(policy), operation),
        "InstanceProfile": lambda v, c: instance_profiles.get(v, c.account_id, profile),
        "MFADevice": lambda v, c: mfa.by_serial(v, c.account_id, _serial(device)),
        "OpenIDConnectProvider": lambda v, c: oidc.get(
            v, c.account_id, oidc.provider_arn(c.account_id, url)
        ),
        "ServerCertificate": lambda v, c: server_certificates.get(v, c.account_id, certificate),
        "SAMLProvider": lambda v, c: saml.get(
            v, c.account_id, saml.provider_arn(c.account_id, saml_provider)
        ),
    }
    # Users' and roles' tag keys ignore case (node/domain/fields.py): their keys come in two
    # spellings, from the value already drawn, so every seed replays the same operations.
    if operation.endswith(("TagUser", "TagRole")) and int(tag[0][1]) % 2:
        tag = ((tag[0][0].upper(), tag[0][1]),)
    for noun, find in taggable.items():
        plans[f"Tag{noun}"] = _tag_plan(find, tag)
        plans[f"Untag{noun}"] = _untag_plan(find, tag[0][0])
    if operation.startswith(("Attach", "Detach", "Put", "Delete")) and operation.endswith(
        ("UserPolicy", "GroupPolicy", "RolePolicy")
    ):
        # The principal kind is the operation's own, not the one drawn above.
        owner_kind = next(k for k in ("User", "Group", "Role") if f"{k}Policy" in operation)
        owner_name = {"User": user, "Group": group, "Role": role}[owner_kind]
    intent_default = rng.random() < 0.5
    chosen_version = _version_of(view, policy, rng)
    chosen_key = _key_of(view, user, rng)
    if operation == "CreatePolicyVersion":
        intent = Intent(operation, policy, None, doc, intent_default)
    elif operation == "SetDefaultPolicyVersion":
        intent = Intent(operation, policy, chosen_version, None, True)
    elif operation == "DeletePolicyVersion":
        intent = Intent(operation, policy, chosen_version)
    elif operation == "DeletePolicy":
        intent = Intent(operation, policy)
    elif operation == "CreatePolicy":
        intent = Intent(operation, policy, "v1", doc, sets_default=True)
    elif operation.startswith("Tag"):
        intent = Intent(operation, tags=tag)
    elif operation.startswith("Untag"):
        intent = Intent(operation, tags=((tag[0][0], None),))
    return plans[operation], intent


# Every write operation the workload exercises: the keys of `plan_for`'s table.
WRITE_OPERATIONS = [
    "CreateUser",
    "UpdateUser",
    "DeleteUser",
    "TagUser",
    "UntagUser",
    "CreateGroup",
    "UpdateGroup",
    "DeleteGroup",
    "AddUserToGroup",
    "RemoveUserFromGroup",
    "CreateRole",
    "UpdateRole",
    "UpdateAssumeRolePolicy",
    "DeleteRole",
    "TagRole",
    "UntagRole",
    "CreatePolicy",
    "DeletePolicy",
    "CreatePolicyVersion",
    "SetDefaultPolicyVersion",
    "DeletePolicyVersion",
    "AttachUserPolicy",
    "AttachGroupPolicy",
    "AttachRolePolicy",
    "DetachUserPolicy",
    "DetachGroupPolicy",
    "DetachRolePolicy",
    "TagPolicy",
    "UntagPolicy",
    "PutUserPolicy",
    "DeleteUserPolicy",
    "PutGroupPolicy",
    "DeleteGroupPolicy",
    "PutRolePolicy",
    "DeleteRolePolicy",
    "PutUserPermissionsBoundary",
    "DeleteUserPermissionsBoundary",
    "PutRolePermissionsBoundary",
    "DeleteRolePermissionsBoundary",
    "CreateAccessKey",
    "UpdateAccessKey",
    "DeleteAccessKey",
    "CreateLoginProfile",
    "UpdateLoginProfile",
    "DeleteLoginProfile",
    "UpdateAccountPasswordPolicy",
    "DeleteAccountPasswordPolicy",
    "CreateVirtualMFADevice",
    "EnableMFADevice",
    "ResyncMFADevice",
    "DeactivateMFADevice",
    "DeleteVirtualMFADevice",
    "CreateOpenIDConnectProvider",
    "DeleteOpenIDConnectProvider",
    "AddClientIDToOpenIDConnectProvider",
    "RemoveClientIDFromOpenIDConnectProvider",
    "CreateInstanceProfile",
    "DeleteInstanceProfile",
    "AddRoleToInstanceProfile",
    "RemoveRoleFromInstanceProfile",
    "ChangePassword",
    "TagInstanceProfile",
    "UntagInstanceProfile",
    "TagMFADevice",
    "UntagMFADevice",
    "TagOpenIDConnectProvider",
    "UntagOpenIDConnectProvider",
    "UpdateOpenIDConnectProviderThumbprint",
    "UpdateRoleDescription",
    "CreateAccountAlias",
    "DeleteAccountAlias",
    "SetSecurityTokenServicePreferences",
    "UploadServerCertificate",
    "UpdateServerCertificate",
    "DeleteServerCertificate",
    "TagServerCertificate",
    "UntagServerCertificate",
    "UploadSigningCertificate",
    "UpdateSigningCertificate",
    "DeleteSigningCertificate",
    "UploadSSHPublicKey",
    "UpdateSSHPublicKey",
    "DeleteSSHPublicKey",
    "CreateServiceSpecificCredential",
    "ResetServiceSpecificCredential",
    "UpdateServiceSpecificCredential",
    "DeleteServiceSpecificCredential",
    "GenerateCredentialReport",
    "GenerateServiceLastAccessedDetails",
    "CreateServiceLinkedRole",
    "DeleteServiceLinkedRole",
    "CreateSAMLProvider",
    "UpdateSAMLProvider",
    "DeleteSAMLProvider",
    "TagSAMLProvider",
    "UntagSAMLProvider",
]
