"""Finding an account's entities by name or ARN, with AWS's NoSuchEntity messages."""

from __future__ import annotations

from iamstore.node.domain.aws_policies import AWS_ACCOUNT
from iamstore.node.domain.entities import Group, ManagedPolicy, Role, User
from iamstore.node.domain.errors import AccessDenied, InvalidInput, NoSuchEntity
from iamstore.node.domain.view import View


def user(view: View, account_id: str, name: str) -> User:
    found = view.users.named(account_id, name)
    if found is None:
        raise NoSuchEntity(f"The user with name {name} cannot be found.", "UserName")
    return found


def group(view: View, account_id: str, name: str) -> Group:
    found = view.groups.named(account_id, name)
    if found is None:
        raise NoSuchEntity(f"The group with name {name} cannot be found.", "GroupName")
    return found


def role(view: View, account_id: str, name: str) -> Role:
    found = view.roles.named(account_id, name)
    if found is None:
        raise NoSuchEntity(f"The role with name {name} cannot be found.", "RoleName")
    return found


def policy(view: View, account_id: str, arn: str, field: str = "PolicyArn") -> ManagedPolicy:
    """The account's managed policy with this ARN, or an AWS managed policy (every account
    sees those); another account's policy does not exist here."""
    if not arn.startswith("arn:"):
        raise InvalidInput(f"ARN {arn} is not valid.", field)
    found = view.policy_by_arn(arn)
    if found is None or found.account_id not in (account_id, AWS_ACCOUNT):
        raise NoSuchEntity(f"Policy {arn} does not exist or is not attachable.", field)
    return found


def customer_policy(
    view: View, account_id: str, arn: str, action: str, field: str = "PolicyArn"
) -> ManagedPolicy:
    """The account's own managed policy with this ARN, for a call that changes it.

    AWS managed policies belong to AWS's account: a call that would change one is refused
    as AWS refuses it, as access to another account's resource (AccessDenied), and changes
    nothing ("AWS managed policies", IAM User Guide: you cannot change their permissions).
    """
    found = policy(view, account_id, arn, field)
    if found.account_id == AWS_ACCOUNT:
        raise AccessDenied(
            f"not authorized to perform: iam:{action} on resource: policy {arn} "
            "(AWS managed policies are read-only)",
            field,
        )
    return found


def caller_user(view: View, user_id: str) -> User:
    """The calling user's own row (authentication already found it live)."""
    found = view.users.get(user_id)
    if found is None:
        raise NoSuchEntity("The user making this request no longer exists.", "UserName")
    return found
