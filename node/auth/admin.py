"""Admin-call authorization: each API operation as `iam:<Operation>` on its target's ARN.

AWS's Service Authorization Reference for IAM names, per action, the resource type it is
authorized on (user, group, role, policy, instance-profile, mfa, oidc-provider,
saml-provider) and the condition keys it carries (iam:PermissionsBoundary, iam:PolicyARN,
aws:RequestTag/*, aws:TagKeys, aws:ResourceTag/*, iam:ResourceTag/*). `targets()` turns one
request into those questions; `AdminGate.check` asks them all before the handler runs and
refuses with AWS's message. Requests are read by field name only, so this module never
imports protobuf types.

The account root skips the questions (it may do everything in its own account); nobody can
name another account's entity, because every ARN is built in the caller's own account.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from iamstore.node.auth.authenticate import Caller
from iamstore.node.auth.authorize import Authorizer, Principal, Question
from iamstore.node.auth.index import PrincipalPolicies
from iamstore.node.auth.request_context import Environment, tag_keys
from iamstore.node.domain.entities import Group, Tags, User
from iamstore.node.domain.errors import AccessDenied, InvalidInput, ValidationError
from iamstore.node.domain.oidc import provider_arn
from iamstore.node.domain.protected import SERVICE_ROLE_PATH
from iamstore.node.domain.saml import provider_arn as saml_provider_arn
from iamstore.node.domain.service_linked_roles import role_name as service_linked_role_name
from iamstore.node.domain.view import View
from iamstore.node.policy import (
    CompiledPolicy,
    Decision,
    Outcome,
    PolicyKind,
    PolicySet,
    Request,
    compile_policy,
    evaluate,
    parse_policy,
)

ContextValues = Mapping[str, str | tuple[str, ...]]
IAM_SERVICE = "iamstore.v1.Iam"
# iamstore's own action for the Authz service's Authorize and AuthorizeBatch (not an AWS one).
AUTHORIZE_ACTION = "iamstore:Authorize"
LIST_AUDIT_ACTION = "iamstore:ListAuditEvents"
# AccountTransfer.ImportAccount writes entities with the ids, ARNs and dates it is given,
# which no IAM action allows: an action of its own (the root may; anyone else needs a policy
# allowing it, as `"Action": "*"` does).
IMPORT_ACCOUNT_ACTION = "iamstore:ImportAccount"
# Node.Status shows the cluster's members, addresses and replication state: an IAM user of
# the management account needs this permission like any other (the root excepted).
NODE_STATUS_ACTION = "iamstore:Status"
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsiamaccessanalyzer.html
VALIDATE_POLICY_ACTION = "access-analyzer:ValidatePolicy"
# The service a role passed by AddRoleToInstanceProfile is used by (iam:PassedToService).
INSTANCE_PROFILE_SERVICE = "ec2.amazonaws.com"
# AWS's answer when a role session omits the user an operation would default to.
NON_USER_CREDENTIALS = "Must specify userName when calling with non-User credentials"


@dataclass(frozen=True, slots=True)
class Target:
    """One authorization question an operation asks: an action on a resource, with its keys."""

    action: str
    resource: str
    resource_tags: Tags = ()
    request_tags: Tags = ()
    extra: ContextValues = field(default_factory=dict)
    # A permission the account grants on its own (not a policy of the principal), evaluated
    # as one more identity policy: it can allow, and every deny and boundary still counts.
    account_grant: CompiledPolicy | None = None


# What AllowUsersToChangePassword grants every IAM user of the account: the statements of
# AWS's managed IAMUserChangePassword policy, iam:ChangePassword on the caller's own user (any
# path) and iam:GetAccountPasswordPolicy, so a user can read the rules its new password must
# meet (IAM User Guide, "Permit IAM users to change their own passwords",
# https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_enable-user-change.html).
CHANGE_OWN_PASSWORD = compile_policy(
    parse_policy(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        '"Action": "iam:ChangePassword", "Resource": '
        '["arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::*:user/*/${aws:username}"]}, '
        '{"Effect": "Allow", "Action": "iam:GetAccountPasswordPolicy", "Resource": "*"}]}',
        PolicyKind.IDENTITY,
    ),
    "AllowUsersToChangePassword",
)


class PolicyDenied(AccessDenied):
    """An AccessDenied from the policy engine, carrying what the audit record needs."""

    def __init__(self, message: str, target: Target, decision: Decision) -> None:
        super().__init__(message)
        self.target = target
        self.decision = decision


def _s(request: Any, name: str) -> str | None:
    if name not in request.DESCRIPTOR.fields_by_name or not request.HasField(name):
        return None
    return str(getattr(request, name))


def _tags(request: Any) -> Tags:
    return tuple((t.key, t.value) for t in request.tags)


class _Resolver:
    """Builds target ARNs in the caller's account from the replica (stored path and tags)."""

    def __init__(self, view: View, caller: Caller) -> None:
        self.view = view
        self.caller = caller
        self.account = caller.account_id

    def arn(self, kind: str, path: str | None, name: str) -> str:
        return f"arn:aws:iam::{self.account}:{kind}{path or '/'}{name}"

    def _boundary_arn(self, entity_id: str) -> str | None:
        boundary = self.view.boundaries.get(entity_id)
        policy = (
            None if boundary is None else self.view.managed_policy(boundary.policy_id, self.account)
        )
        return None if policy is None else policy.arn

    def user(self, action: str, request: Any, *, boundary_key: bool = False) -> Target:
        """The named user, or the caller itself when the request names none (AWS's default)."""
        name = _s(request, "user_name")
        found: User | None
        if name is None:
            if self.caller.is_role_session and "user_name" in request.DESCRIPTOR.fields_by_name:
                raise ValidationError(NON_USER_CREDENTIALS, "UserName")
            if self.caller.user_id is None:
                return Target(action, self.caller.arn)
            found = self.view.users.get(self.caller.user_id)
        else:
            found = self.view.users.named(self.account, name)
        if found is None:
            return Target(action, self.arn("user", None, name or ""))
        extra = _resource_tag_keys(found.tags)
        bound = self._boundary_arn(found.user_id) if boundary_key else None
        if bound is not None:
            extra["iam:permissionsboundary"] = bound
        return Target(action, found.arn, found.tags, extra=extra)

    def role(self, action: str, name: str | None, *, boundary_key: bool = False) -> Target:
        found = None if name is None else self.view.roles.named(self.account, name)
        if found is None:
            return Target(action, self.arn("role", None, name or ""))
        extra = _resource_tag_keys(found.tags)
        bound = self._boundary_arn(found.role_id) if boundary_key else None
        if bound is not None:
            extra["iam:permissionsboundary"] = bound
        return Target(action, found.arn, found.tags, extra=extra)

    def group(self, action: str, name: str | None) -> Target:
        found = None if name is None else self.view.groups.named(self.account, name)
        return Target(action, found.arn if found else self.arn("group", None, name or ""))

    def policy(self, action: str, arn: str | None) -> Target:
        policy_id = self.view.policy_arns.get(arn or "")
        found = None if policy_id is None else self.view.policies.get(policy_id)
        if found is None or found.account_id != self.account:
            return Target(action, arn or "*")
        return Target(action, found.arn, found.tags, extra=_resource_tag_keys(found.tags))

    def instance_profile(self, action: str, name: str | None) -> Target:
        found = None if name is None else self.view.instance_profiles.named(self.account, name)
        if found is None:
            return Target(action, self.arn("instance-profile", None, name or ""))
        tags = found.tags
        return Target(action, found.arn, tags, extra=_resource_tag_keys(tags))

    def server_certificate(self, action: str, name: str | None) -> Target:
        found = None if name is None else self.view.server_certificates.named(self.account, name)
        if found is None:
            return Target(action, self.arn("server-certificate", None, name or ""))
        tags = found.tags
        return Target(action, found.arn, tags, extra=_resource_tag_keys(tags))

    def mfa(self, action: str, serial: str | None) -> Target:
        for device in self.view.mfa_devices.in_account(self.account):
            if device.serial_number == serial:
                tags = device.tags
                return Target(action, device.serial_number, tags, extra=_resource_tag_keys(tags))
        return Target(action, serial or "*")

    def oidc(self, action: str, arn: str | None) -> Target:
        found = self.view.oidc_providers.get(self.account, {}).get(arn or "")
        if found is None:
            return Target(action, arn or "*")
        tags = found.tags
        return Target(action, found.arn, tags, extra=_resource_tag_keys(tags))

    def saml(self, action: str, arn: str | None) -> Target:
        found = self.view.saml_providers.get(self.account, {}).get(arn or "")
        if found is None:
            return Target(action, arn or "*")
        return Target(action, found.arn, found.tags, extra=_resource_tag_keys(found.tags))


def on_entity(action: str, arn: str, tags: Tags = (), keys: ContextValues | None = None) -> Target:
    """A question about an entity holding `tags` (aws:ResourceTag, iam:ResourceTag), with
    more condition keys (lower-case names: `iam:policyarn`)."""
    extra = _resource_tag_keys(tags)
    extra.update(keys or {})
    return Target(action, arn, tags, extra=extra)


def _resource_tag_keys(tags: Tags) -> dict[str, str | tuple[str, ...]]:
    """iam:ResourceTag/k (IAM's own spelling of aws:ResourceTag/k, set by contexts.build)."""
    return {f"iam:resourcetag/{key.lower()}": value for key, value in tags}


def _with(target: Target, **keys: str | tuple[str, ...] | None) -> Target:
    extra = dict(target.extra)
    extra.update({k: v for k, v in keys.items() if v is not None})
    return Target(target.action, target.resource, target.resource_tags, target.request_tags, extra)


def _tagging(target: Target, request: Any) -> Target:
    """aws:RequestTag/k and aws:TagKeys for Tag*; aws:TagKeys alone for Untag*."""
    if target.action.startswith("iam:Untag"):
        return _with(target, **{"aws:tagkeys": tuple(request.tag_keys)})
    return Target(
        target.action, target.resource, target.resource_tags, _tags(request), target.extra
    )


_LIST_KIND = {
    "ListUsers": "user",
    "ListGroups": "group",
    "ListRoles": "role",
    "ListInstanceProfiles": "instance-profile",
}
# Actions AWS authorizes on `*` (no resource type in the reference).
_ACCOUNT_WIDE = frozenset(
    {
        "GetAccountPasswordPolicy",
        "UpdateAccountPasswordPolicy",
        "DeleteAccountPasswordPolicy",
        "GetAccountSummary",
        "ListPolicies",
        "ListOpenIDConnectProviders",
        "ListVirtualMFADevices",
        # Account aliases have no resource type in the Service Authorization Reference.
        "CreateAccountAlias",
        "DeleteAccountAlias",
        "ListAccountAliases",
        "GetAccountAuthorizationDetails",
        "SetSecurityTokenServicePreferences",
        "ListServerCertificates",
    }
)
# Operations on one MFA device, named by its serial number (the `mfa` resource type).
_ON_MFA_DEVICE = frozenset(
    {"DeleteVirtualMFADevice", "TagMFADevice", "UntagMFADevice", "ListMFADeviceTags"}
)
# Operations on an existing user or role that carry iam:PermissionsBoundary, the boundary it
# has (AWS's Service Authorization Reference for IAM; tests/unit/node/test_admin_targets.py
# checks this set against it). CreateUser, CreateRole and Put*PermissionsBoundary carry the
# boundary they set instead (`iam_targets`).
_BOUNDARY_KEYED = frozenset(
    {
        "AttachUserPolicy",
        "DetachUserPolicy",
        "PutUserPolicy",
        "DeleteUserPolicy",
        "DeleteUserPermissionsBoundary",
        "AttachRolePolicy",
        "DetachRolePolicy",
        "PutRolePolicy",
        "DeleteRolePolicy",
        "DeleteRolePermissionsBoundary",
        "DeleteRole",
        "GetRole",
        "UpdateAssumeRolePolicy",
        "UpdateRole",
        "UpdateRoleDescription",
    }
)


def _lets_users_change_passwords(view: View, caller: Caller) -> bool:
    """Whether the account's password policy grants this caller, an IAM user (or its own
    GetSessionToken session), AllowUsersToChangePassword's permissions."""
    if caller.user_id is None or caller.is_role_session:
        return False
    rules = view.password_policies.get(caller.account_id)
    return rules is not None and bool(rules.allow_users_to_change_password)


def iam_targets(view: View, caller: Caller, operation: str, request: Any) -> list[Target]:
    """Every question one Iam operation asks, in the order AWS asks them."""
    action = f"iam:{operation}"
    at = _Resolver(view, caller)
    if operation in _MOVES:
        return _move_targets(at, operation, action, request)
    if operation == "ChangePassword":
        # AWS: AllowUsersToChangePassword grants each user iam:ChangePassword on itself
        # (https://docs.aws.amazon.com/IAM/latest/APIReference/API_PasswordPolicy.html): a
        # grant, not a bypass, so explicit denies, boundaries and session policies count.
        # Without the setting a policy may grant it instead (AWS's IAMUserChangePassword).
        own = at.user(action, request)
        if _lets_users_change_passwords(view, caller):
            own = replace(own, account_grant=CHANGE_OWN_PASSWORD)
        return [own]
    if operation == "GetAccountPasswordPolicy" and _lets_users_change_passwords(view, caller):
        # The same grant as ChangePassword's: to IAM users only (roles and the root are not
        # "users in the account"), and every deny, boundary and session policy still counts.
        return [Target(action, "*", account_grant=CHANGE_OWN_PASSWORD)]
    if operation in _ACCOUNT_WIDE:
        return [Target(action, "*")]
    if operation in _LIST_KIND:
        prefix = _s(request, "path_prefix") or "/"
        return [Target(action, at.arn(_LIST_KIND[operation], prefix, "*"))]
    if operation in ("CreateUser", "CreateRole"):
        kind = "user" if operation == "CreateUser" else "role"
        name = _s(request, "user_name" if kind == "user" else "role_name") or ""
        target = Target(action, at.arn(kind, _s(request, "path"), name), (), _tags(request))
        return [_with(target, **{"iam:permissionsboundary": _s(request, "permissions_boundary")})]
    if operation == "CreateGroup":
        return [
            Target(action, at.arn("group", _s(request, "path"), _s(request, "group_name") or ""))
        ]
    if operation == "CreatePolicy":
        arn = at.arn("policy", _s(request, "path"), _s(request, "policy_name") or "")
        return [Target(action, arn, (), _tags(request))]
    if operation == "CreateInstanceProfile":
        name = _s(request, "instance_profile_name") or ""
        return [
            Target(
                action, at.arn("instance-profile", _s(request, "path"), name), (), _tags(request)
            )
        ]
    if operation == "CreateServiceLinkedRole":
        service = _s(request, "aws_service_name") or ""
        name = service_linked_role_name(service, _s(request, "custom_suffix"))
        arn = at.arn("role", f"{SERVICE_ROLE_PATH}{service}/", name)
        return [_with(Target(action, arn), **{"iam:awsservicename": service})]
    if operation == "GetServiceLinkedRoleDeletionStatus":
        return [Target(action, f"arn:aws:iam::{caller.account_id}:role/aws-service-role/*")]
    if operation == "UploadServerCertificate":
        name = _s(request, "server_certificate_name") or ""
        arn = at.arn("server-certificate", _s(request, "path"), name)
        return [Target(action, arn, (), _tags(request))]
    if operation == "CreateVirtualMFADevice":
        name = _s(request, "virtual_mfa_device_name") or ""
        return [Target(action, at.arn("mfa", _s(request, "path"), name), (), _tags(request))]
    if operation == "CreateOpenIDConnectProvider":
        try:
            arn = provider_arn(caller.account_id, _s(request, "url") or "")
        except InvalidInput:  # the handler names the bad url; authorize on the account
            arn = f"arn:aws:iam::{caller.account_id}:oidc-provider/*"
        return [Target(action, arn, (), _tags(request))]
    if operation == "CreateSAMLProvider":
        name = _s(request, "name") or "*"
        arn = saml_provider_arn(caller.account_id, name)
        return [Target(action, arn, (), _tags(request))]
    if operation == "AddRoleToInstanceProfile":
        role = _s(request, "role_name")
        pass_role = at.role("iam:PassRole", role)
        return [
            at.instance_profile(action, _s(request, "instance_profile_name")),
            _with(pass_role, **{"iam:passedtoservice": INSTANCE_PROFILE_SERVICE}),
        ]
    if operation == "ListPoliciesGrantingServiceAccess":  # on the user, group or role named
        return [Target(action, _s(request, "arn") or "*")]
    if operation == "GenerateServiceLastAccessedDetails":  # on the user, group, role or policy
        return [Target(action, _s(request, "arn") or "*")]
    if operation == "GetAccessKeyLastUsed":
        key = view.access_keys.get(_s(request, "access_key_id") or "")
        owner = (
            None
            if key is None or key.account_id != caller.account_id
            else view.users.get(key.owner_id)
        )
        if owner is None:
            return [Target(action, caller.arn if key is not None and caller.is_root else "*")]
        return [Target(action, owner.arn, owner.tags, extra=_resource_tag_keys(owner.tags))]
    target = _entity_target(at, operation, action, request)
    if operation.startswith(("Tag", "Untag")):
        target = _tagging(target, request)
    if operation.startswith(("Attach", "Detach")):
        target = _with(target, **{"iam:policyarn": _s(request, "policy_arn")})
    if operation in ("PutUserPermissionsBoundary", "PutRolePermissionsBoundary"):
        target = _with(target, **{"iam:permissionsboundary": _s(request, "permissions_boundary")})
    if operation in _SERVICE_NAME_KEYED:
        credential_service = _credential_service(view, caller, operation, request)
        target = _with(target, **{"iam:servicespecificcredentialservicename": credential_service})
    return [target]


# The service-specific credential operations AWS's Service Authorization Reference keys by
# iam:ServiceSpecificCredentialServiceName.
_SERVICE_NAME_KEYED = frozenset(
    {
        "CreateServiceSpecificCredential",
        "DeleteServiceSpecificCredential",
        "ResetServiceSpecificCredential",
        "UpdateServiceSpecificCredential",
    }
)


def _credential_service(view: View, caller: Caller, operation: str, request: Any) -> str | None:
    """The service a credential is (to be) for: the request's, or the credential's own."""
    if operation == "CreateServiceSpecificCredential":
        return _s(request, "service_name")
    found = view.service_credentials.get(_s(request, "service_specific_credential_id") or "")
    return (
        found.service_name if found is not None and found.account_id == caller.account_id else None
    )


# Operations that move an entity to a new name or path, and the request fields naming the
# entity and its new name. AWS asks for permission on both the source and the target of a
# rename (https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateUser.html and
# API_UpdateGroup.html); a new path moves the ARN just as a new name does.
_MOVES = {
    "UpdateUser": ("user", "user_name", "new_user_name"),
    "UpdateGroup": ("group", "group_name", "new_group_name"),
}


def _move_targets(at: _Resolver, operation: str, action: str, request: Any) -> list[Target]:
    """The entity under its current ARN, then under the ARN it moves to (when that differs)."""
    kind, name_field, new_name_field = _MOVES[operation]
    name = _s(request, name_field) or ""
    found: User | Group | None
    if kind == "user":
        found, source = at.view.users.named(at.account, name), at.user(action, request)
    else:
        found, source = at.view.groups.named(at.account, name), at.group(action, name)
    new_path = _s(request, "new_path") or (found.path if found is not None else None)
    destination = at.arn(kind, new_path, _s(request, new_name_field) or name)
    if destination == source.resource:
        return [source]
    return [source, replace(source, resource=destination)]


def _entity_target(at: _Resolver, operation: str, action: str, request: Any) -> Target:
    """The target of an operation on one existing entity, found by the request's fields."""
    fields = request.DESCRIPTOR.fields_by_name
    boundary_key = operation in _BOUNDARY_KEYED
    if "instance_profile_name" in fields:
        return at.instance_profile(action, _s(request, "instance_profile_name"))
    if "server_certificate_name" in fields:
        return at.server_certificate(action, _s(request, "server_certificate_name"))
    if "open_id_connect_provider_arn" in fields:
        return at.oidc(action, _s(request, "open_id_connect_provider_arn"))
    if "saml_provider_arn" in fields:
        return at.saml(action, _s(request, "saml_provider_arn"))
    if "policy_arn" in fields and not operation.startswith(("Attach", "Detach", "ListAttached")):
        return at.policy(action, _s(request, "policy_arn"))
    if "group_name" in fields:
        return at.group(action, _s(request, "group_name"))
    if "role_name" in fields:
        return at.role(action, _s(request, "role_name"), boundary_key=boundary_key)
    if "user_name" in fields or operation == "ChangePassword":
        return at.user(action, request, boundary_key=boundary_key)
    if operation in _ON_MFA_DEVICE:
        return at.mfa(action, _s(request, "serial_number"))
    return Target(action, "*")


def service_targets(
    view: View, caller: Caller, service: str, operation: str, request: Any
) -> list[Target]:
    """The questions a call asks before its handler runs; empty when it needs none.

    Ping (no data) and CreateAccount (only an account root) decide in their handlers;
    Status asks for a permission, and its handler also admits only the management account.
    """
    if service == IAM_SERVICE:
        return iam_targets(view, caller, operation, request)
    if service == "iamstore.v1.Authz":
        if operation in ("Authorize", "AuthorizeBatch"):
            return [Target(AUTHORIZE_ACTION, "*")]
        if operation in ("SimulatePrincipalPolicy", "GetContextKeysForPrincipalPolicy"):
            return [Target(f"iam:{operation}", _s(request, "policy_source_arn") or "*")]
        if operation == "ValidatePolicy":  # IAM Access Analyzer's, not IAM's
            return [Target(VALIDATE_POLICY_ACTION, "*")]
        return [Target(f"iam:{operation}", "*")]
    if service == "iamstore.v1.Accounts" and operation == "ListAccounts":
        return [Target("organizations:ListAccounts", "*")]
    if service == "iamstore.v1.Audit":
        return [Target(LIST_AUDIT_ACTION, "*")]
    if service == "iamstore.v1.AccountTransfer":
        return [Target(IMPORT_ACCOUNT_ACTION, "*")]
    if service == "iamstore.v1.Node" and operation == "Status":
        return [Target(NODE_STATUS_ACTION, "*")]
    return []


# --- deciding ------------------------------------------------------------------------------

_EXPLICIT_IN = {
    PolicyKind.BOUNDARY: "a permissions boundary",
    PolicyKind.SESSION: "a session policy",
    PolicyKind.RESOURCE: "a resource-based policy",
    PolicyKind.SCP: "a service control policy",
}


def denial_message(principal_arn: str, target: Target, reason: str) -> str:
    return (
        f"User: {principal_arn} is not authorized to perform: {target.action} "
        f"on resource: {target.resource} {reason}"
    )


class AdminGate:
    """Asks the engine an operation's questions; the first refusal raises PolicyDenied."""

    def __init__(self, authorizer: Authorizer) -> None:
        self.authorizer = authorizer

    def check(
        self,
        caller: Caller,
        environment: Environment,
        service: str,
        operation: str,
        request: Any,
    ) -> list[Target]:
        """The questions asked (also for the root, which is not asked: audit names them)."""
        targets = service_targets(self.authorizer.view, caller, service, operation, request)
        if caller.is_root or not targets:  # the root may do everything in its own account
            return targets
        principal = self.authorizer.principal_for_caller(caller)
        for target in targets:
            self._ask(principal, environment, target)
        return targets

    def _ask(self, principal: Principal, environment: Environment, target: Target) -> None:
        # The same context as an STS call's: temporary credentials bring their session
        # (MFA present and age, token issue time, source identity); principal.facts already
        # carries the session tags in place of the role's.
        context = self.authorizer.contexts.build(
            principal.facts,
            environment,
            request_tags=target.request_tags,
            resource_tags=target.resource_tags,
            extra=target.extra,
            session=principal.session,
        )
        decision = self.authorizer.decide(
            principal,
            target.action,
            target.resource,
            principal.facts.account_id,
            None,
            context,
            granted=target.account_grant,
        )
        if decision.allowed:
            return
        reason = self._reason(principal, target, decision, context)
        raise PolicyDenied(denial_message(principal.request_arn, target, reason), target, decision)

    def _reason(
        self, principal: Principal, target: Target, decision: Decision, context: ContextValues
    ) -> str:
        own = self.authorizer.policies(principal)
        return _denial_reason(principal, own, target, decision, context)

    def batch(self, caller: Caller, environment: Environment) -> TargetBatch | None:
        """What asking `caller`'s many questions off the event loop needs, gathered here on
        it (the principal and its policies from the index); None for the account root, which
        is not asked (it may do everything in its own account)."""
        if caller.is_root:
            return None
        principal = self.authorizer.principal_for_caller(caller)
        base = self.authorizer.contexts.build(
            principal.facts, environment, session=principal.session
        )
        return TargetBatch(self.authorizer, principal, self.authorizer.policies(principal), base)


@dataclass(frozen=True, slots=True)
class TargetBatch:
    """One principal's questions, asked off the event loop (an account import asks one per
    action and resource it writes: some 10^4). Reads no view or index: `own` and `base` were
    gathered on the loop, so `require` may run on the evaluation worker's thread.

    INVARIANT: every question sees the same instant (aws:CurrentTime), as one request does.
    """

    authorizer: Authorizer
    principal: Principal
    own: PrincipalPolicies
    base: ContextValues  # the keys every question shares (principal, session, environment)

    def require(self, targets: Sequence[Target]) -> None:
        """Raises PolicyDenied, with AWS's message, at the first target not allowed."""
        principal, own = self.principal, self.own
        for target in targets:
            context: dict[str, str | tuple[str, ...]] = {**target.extra, **self.base}
            if target.request_tags:
                context.update(tag_keys(target.request_tags, "aws:requesttag/"))
                context["aws:tagkeys"] = tuple(key for key, _ in target.request_tags)
            if target.resource_tags:
                context.update(tag_keys(target.resource_tags, "aws:resourcetag/"))
            identity = (
                own.scanned
                if target.account_grant is None
                else (*own.scanned, target.account_grant)
            )
            request = _request(principal, target, context)
            policies = PolicySet(identity, None, own.boundary, principal.session_policies)
            decision = self.authorizer.answer(Question(request, policies, own.patterns))
            if not decision.allowed:
                reason = _denial_reason(principal, own, target, decision, context)
                message = denial_message(principal.request_arn, target, reason)
                raise PolicyDenied(message, target, decision)


def _denial_reason(
    principal: Principal,
    own: PrincipalPolicies,
    target: Target,
    decision: Decision,
    context: ContextValues,
) -> str:
    if decision.outcome is Outcome.EXPLICIT_DENY:
        kinds = [m.policy_kind for m in decision.matched]
        where = next((_EXPLICIT_IN[k] for k in kinds if k in _EXPLICIT_IN), None)
        return f"with an explicit deny in {where or 'an identity-based policy'}"
    identity = [*own.identity, *filter(None, [target.account_grant])]
    if own.boundary is not None and _identity_allows(principal, target, identity, context):
        return f"because no permissions boundary allows the {target.action} action"
    return f"because no identity-based policy allows the {target.action} action"


def _identity_allows(
    principal: Principal, target: Target, identity: Sequence[Any], context: ContextValues
) -> bool:
    request = _request(principal, target, dict(context))
    return evaluate(request, PolicySet(identity=tuple(identity))).allowed


def _request(principal: Principal, target: Target, context: ContextValues) -> Request:
    """The question a target asks of the caller's policies, in the caller's own account."""
    return Request(
        principal_arn=principal.request_arn,
        principal_account=principal.facts.account_id,
        principal_type=principal.engine_type,
        action=target.action,
        resource_arn=target.resource,
        resource_account=principal.facts.account_id,
        context=context,
        role_name=principal.role_name,
    )
