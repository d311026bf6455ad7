"""Finding an account's entities by name or ARN, with AWS's NoSuchEntity messages."""

from __future__ import annotations

from iamstore.node.domain.entities import Group, ManagedPolicy, Role, User
from iamstore.node.domain.errors import InvalidInput, NoSuchEntity
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
    """The account's managed policy with this ARN; another account's policy does not exist here."""
    if not arn.startswith("arn:"):
        raise InvalidInput(f"ARN {arn} is not valid.", field)
    policy_id = view.policy_arns.get(arn)
    found = None if policy_id is None else view.policies.get(policy_id)
    if found is None or found.account_id != account_id:
        raise NoSuchEntity(f"Policy {arn} does not exist or is not attachable.", field)
    return found


def caller_user(view: View, user_id: str) -> User:
    """The calling user's own row (authentication already found it live)."""
    found = view.users.get(user_id)
    if found is None:
        raise NoSuchEntity("The user making this request no longer exists.", "UserName")
    return found
