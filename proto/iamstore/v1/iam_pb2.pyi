import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Tag(_message.Message):
    __slots__ = ("key", "value")
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    key: str
    value: str
    def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...

class CreateUserRequest(_message.Message):
    __slots__ = ("path", "user_name", "permissions_boundary", "tags")
    PATH_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_BOUNDARY_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    path: str
    user_name: str
    permissions_boundary: str
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    def __init__(self, path: _Optional[str] = ..., user_name: _Optional[str] = ..., permissions_boundary: _Optional[str] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ...) -> None: ...

class AttachedPermissionsBoundary(_message.Message):
    __slots__ = ("permissions_boundary_type", "permissions_boundary_arn")
    PERMISSIONS_BOUNDARY_TYPE_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_BOUNDARY_ARN_FIELD_NUMBER: _ClassVar[int]
    permissions_boundary_type: str
    permissions_boundary_arn: str
    def __init__(self, permissions_boundary_type: _Optional[str] = ..., permissions_boundary_arn: _Optional[str] = ...) -> None: ...

class User(_message.Message):
    __slots__ = ("path", "user_name", "user_id", "arn", "create_date", "password_last_used", "permissions_boundary", "tags")
    PATH_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ARN_FIELD_NUMBER: _ClassVar[int]
    CREATE_DATE_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_LAST_USED_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_BOUNDARY_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    path: str
    user_name: str
    user_id: str
    arn: str
    create_date: _timestamp_pb2.Timestamp
    password_last_used: _timestamp_pb2.Timestamp
    permissions_boundary: AttachedPermissionsBoundary
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    def __init__(self, path: _Optional[str] = ..., user_name: _Optional[str] = ..., user_id: _Optional[str] = ..., arn: _Optional[str] = ..., create_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., password_last_used: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., permissions_boundary: _Optional[_Union[AttachedPermissionsBoundary, _Mapping]] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ...) -> None: ...

class CreateUserResponse(_message.Message):
    __slots__ = ("user",)
    USER_FIELD_NUMBER: _ClassVar[int]
    user: User
    def __init__(self, user: _Optional[_Union[User, _Mapping]] = ...) -> None: ...

class GetUserRequest(_message.Message):
    __slots__ = ("user_name",)
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    def __init__(self, user_name: _Optional[str] = ...) -> None: ...

class GetUserResponse(_message.Message):
    __slots__ = ("user",)
    USER_FIELD_NUMBER: _ClassVar[int]
    user: User
    def __init__(self, user: _Optional[_Union[User, _Mapping]] = ...) -> None: ...

class ListUsersRequest(_message.Message):
    __slots__ = ("path_prefix", "marker", "max_items")
    PATH_PREFIX_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    path_prefix: str
    marker: str
    max_items: int
    def __init__(self, path_prefix: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ListUsersResponse(_message.Message):
    __slots__ = ("users", "is_truncated", "marker")
    USERS_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    users: _containers.RepeatedCompositeFieldContainer[User]
    is_truncated: bool
    marker: str
    def __init__(self, users: _Optional[_Iterable[_Union[User, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class UpdateUserRequest(_message.Message):
    __slots__ = ("user_name", "new_path", "new_user_name")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    NEW_PATH_FIELD_NUMBER: _ClassVar[int]
    NEW_USER_NAME_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    new_path: str
    new_user_name: str
    def __init__(self, user_name: _Optional[str] = ..., new_path: _Optional[str] = ..., new_user_name: _Optional[str] = ...) -> None: ...

class UpdateUserResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeleteUserRequest(_message.Message):
    __slots__ = ("user_name",)
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    def __init__(self, user_name: _Optional[str] = ...) -> None: ...

class DeleteUserResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class TagUserRequest(_message.Message):
    __slots__ = ("user_name", "tags")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    def __init__(self, user_name: _Optional[str] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ...) -> None: ...

class TagUserResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UntagUserRequest(_message.Message):
    __slots__ = ("user_name", "tag_keys")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    TAG_KEYS_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    tag_keys: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, user_name: _Optional[str] = ..., tag_keys: _Optional[_Iterable[str]] = ...) -> None: ...

class UntagUserResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListUserTagsRequest(_message.Message):
    __slots__ = ("user_name", "marker", "max_items")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    marker: str
    max_items: int
    def __init__(self, user_name: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ListUserTagsResponse(_message.Message):
    __slots__ = ("tags", "is_truncated", "marker")
    TAGS_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    is_truncated: bool
    marker: str
    def __init__(self, tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class CreateGroupRequest(_message.Message):
    __slots__ = ("path", "group_name")
    PATH_FIELD_NUMBER: _ClassVar[int]
    GROUP_NAME_FIELD_NUMBER: _ClassVar[int]
    path: str
    group_name: str
    def __init__(self, path: _Optional[str] = ..., group_name: _Optional[str] = ...) -> None: ...

class Group(_message.Message):
    __slots__ = ("path", "group_name", "group_id", "arn", "create_date")
    PATH_FIELD_NUMBER: _ClassVar[int]
    GROUP_NAME_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    ARN_FIELD_NUMBER: _ClassVar[int]
    CREATE_DATE_FIELD_NUMBER: _ClassVar[int]
    path: str
    group_name: str
    group_id: str
    arn: str
    create_date: _timestamp_pb2.Timestamp
    def __init__(self, path: _Optional[str] = ..., group_name: _Optional[str] = ..., group_id: _Optional[str] = ..., arn: _Optional[str] = ..., create_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateGroupResponse(_message.Message):
    __slots__ = ("group",)
    GROUP_FIELD_NUMBER: _ClassVar[int]
    group: Group
    def __init__(self, group: _Optional[_Union[Group, _Mapping]] = ...) -> None: ...

class GetGroupRequest(_message.Message):
    __slots__ = ("group_name", "marker", "max_items")
    GROUP_NAME_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    group_name: str
    marker: str
    max_items: int
    def __init__(self, group_name: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class GetGroupResponse(_message.Message):
    __slots__ = ("group", "users", "is_truncated", "marker")
    GROUP_FIELD_NUMBER: _ClassVar[int]
    USERS_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    group: Group
    users: _containers.RepeatedCompositeFieldContainer[User]
    is_truncated: bool
    marker: str
    def __init__(self, group: _Optional[_Union[Group, _Mapping]] = ..., users: _Optional[_Iterable[_Union[User, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class ListGroupsRequest(_message.Message):
    __slots__ = ("path_prefix", "marker", "max_items")
    PATH_PREFIX_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    path_prefix: str
    marker: str
    max_items: int
    def __init__(self, path_prefix: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ListGroupsResponse(_message.Message):
    __slots__ = ("groups", "is_truncated", "marker")
    GROUPS_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    groups: _containers.RepeatedCompositeFieldContainer[Group]
    is_truncated: bool
    marker: str
    def __init__(self, groups: _Optional[_Iterable[_Union[Group, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class UpdateGroupRequest(_message.Message):
    __slots__ = ("group_name", "new_path", "new_group_name")
    GROUP_NAME_FIELD_NUMBER: _ClassVar[int]
    NEW_PATH_FIELD_NUMBER: _ClassVar[int]
    NEW_GROUP_NAME_FIELD_NUMBER: _ClassVar[int]
    group_name: str
    new_path: str
    new_group_name: str
    def __init__(self, group_name: _Optional[str] = ..., new_path: _Optional[str] = ..., new_group_name: _Optional[str] = ...) -> None: ...

class UpdateGroupResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeleteGroupRequest(_message.Message):
    __slots__ = ("group_name",)
    GROUP_NAME_FIELD_NUMBER: _ClassVar[int]
    group_name: str
    def __init__(self, group_name: _Optional[str] = ...) -> None: ...

class DeleteGroupResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AddUserToGroupRequest(_message.Message):
    __slots__ = ("group_name", "user_name")
    GROUP_NAME_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    group_name: str
    user_name: str
    def __init__(self, group_name: _Optional[str] = ..., user_name: _Optional[str] = ...) -> None: ...

class AddUserToGroupResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RemoveUserFromGroupRequest(_message.Message):
    __slots__ = ("group_name", "user_name")
    GROUP_NAME_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    group_name: str
    user_name: str
    def __init__(self, group_name: _Optional[str] = ..., user_name: _Optional[str] = ...) -> None: ...

class RemoveUserFromGroupResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListGroupsForUserRequest(_message.Message):
    __slots__ = ("user_name", "marker", "max_items")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    marker: str
    max_items: int
    def __init__(self, user_name: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ListGroupsForUserResponse(_message.Message):
    __slots__ = ("groups", "is_truncated", "marker")
    GROUPS_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    groups: _containers.RepeatedCompositeFieldContainer[Group]
    is_truncated: bool
    marker: str
    def __init__(self, groups: _Optional[_Iterable[_Union[Group, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class CreateRoleRequest(_message.Message):
    __slots__ = ("path", "role_name", "assume_role_policy_document", "description", "max_session_duration", "max_signin_session_duration", "permissions_boundary", "tags")
    PATH_FIELD_NUMBER: _ClassVar[int]
    ROLE_NAME_FIELD_NUMBER: _ClassVar[int]
    ASSUME_ROLE_POLICY_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    MAX_SESSION_DURATION_FIELD_NUMBER: _ClassVar[int]
    MAX_SIGNIN_SESSION_DURATION_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_BOUNDARY_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    path: str
    role_name: str
    assume_role_policy_document: str
    description: str
    max_session_duration: int
    max_signin_session_duration: int
    permissions_boundary: str
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    def __init__(self, path: _Optional[str] = ..., role_name: _Optional[str] = ..., assume_role_policy_document: _Optional[str] = ..., description: _Optional[str] = ..., max_session_duration: _Optional[int] = ..., max_signin_session_duration: _Optional[int] = ..., permissions_boundary: _Optional[str] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ...) -> None: ...

class RoleLastUsed(_message.Message):
    __slots__ = ("last_used_date", "region")
    LAST_USED_DATE_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    last_used_date: _timestamp_pb2.Timestamp
    region: str
    def __init__(self, last_used_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., region: _Optional[str] = ...) -> None: ...

class SourceRoleTemplate(_message.Message):
    __slots__ = ("template_arn", "template_minor_version")
    TEMPLATE_ARN_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_MINOR_VERSION_FIELD_NUMBER: _ClassVar[int]
    template_arn: str
    template_minor_version: int
    def __init__(self, template_arn: _Optional[str] = ..., template_minor_version: _Optional[int] = ...) -> None: ...

class Role(_message.Message):
    __slots__ = ("path", "role_name", "role_id", "arn", "create_date", "assume_role_policy_document", "description", "max_session_duration", "max_signin_session_duration", "permissions_boundary", "tags", "role_last_used", "source_role_template")
    PATH_FIELD_NUMBER: _ClassVar[int]
    ROLE_NAME_FIELD_NUMBER: _ClassVar[int]
    ROLE_ID_FIELD_NUMBER: _ClassVar[int]
    ARN_FIELD_NUMBER: _ClassVar[int]
    CREATE_DATE_FIELD_NUMBER: _ClassVar[int]
    ASSUME_ROLE_POLICY_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    MAX_SESSION_DURATION_FIELD_NUMBER: _ClassVar[int]
    MAX_SIGNIN_SESSION_DURATION_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_BOUNDARY_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    ROLE_LAST_USED_FIELD_NUMBER: _ClassVar[int]
    SOURCE_ROLE_TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    path: str
    role_name: str
    role_id: str
    arn: str
    create_date: _timestamp_pb2.Timestamp
    assume_role_policy_document: str
    description: str
    max_session_duration: int
    max_signin_session_duration: int
    permissions_boundary: AttachedPermissionsBoundary
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    role_last_used: RoleLastUsed
    source_role_template: SourceRoleTemplate
    def __init__(self, path: _Optional[str] = ..., role_name: _Optional[str] = ..., role_id: _Optional[str] = ..., arn: _Optional[str] = ..., create_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., assume_role_policy_document: _Optional[str] = ..., description: _Optional[str] = ..., max_session_duration: _Optional[int] = ..., max_signin_session_duration: _Optional[int] = ..., permissions_boundary: _Optional[_Union[AttachedPermissionsBoundary, _Mapping]] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ..., role_last_used: _Optional[_Union[RoleLastUsed, _Mapping]] = ..., source_role_template: _Optional[_Union[SourceRoleTemplate, _Mapping]] = ...) -> None: ...

class CreateRoleResponse(_message.Message):
    __slots__ = ("role",)
    ROLE_FIELD_NUMBER: _ClassVar[int]
    role: Role
    def __init__(self, role: _Optional[_Union[Role, _Mapping]] = ...) -> None: ...

class GetRoleRequest(_message.Message):
    __slots__ = ("role_name",)
    ROLE_NAME_FIELD_NUMBER: _ClassVar[int]
    role_name: str
    def __init__(self, role_name: _Optional[str] = ...) -> None: ...

class GetRoleResponse(_message.Message):
    __slots__ = ("role",)
    ROLE_FIELD_NUMBER: _ClassVar[int]
    role: Role
    def __init__(self, role: _Optional[_Union[Role, _Mapping]] = ...) -> None: ...

class ListRolesRequest(_message.Message):
    __slots__ = ("path_prefix", "marker", "max_items")
    PATH_PREFIX_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    path_prefix: str
    marker: str
    max_items: int
    def __init__(self, path_prefix: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ListRolesResponse(_message.Message):
    __slots__ = ("roles", "is_truncated", "marker")
    ROLES_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    roles: _containers.RepeatedCompositeFieldContainer[Role]
    is_truncated: bool
    marker: str
    def __init__(self, roles: _Optional[_Iterable[_Union[Role, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class UpdateRoleRequest(_message.Message):
    __slots__ = ("role_name", "description", "max_session_duration", "max_signin_session_duration", "reset_max_signin_session_duration")
    ROLE_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    MAX_SESSION_DURATION_FIELD_NUMBER: _ClassVar[int]
    MAX_SIGNIN_SESSION_DURATION_FIELD_NUMBER: _ClassVar[int]
    RESET_MAX_SIGNIN_SESSION_DURATION_FIELD_NUMBER: _ClassVar[int]
    role_name: str
    description: str
    max_session_duration: int
    max_signin_session_duration: int
    reset_max_signin_session_duration: bool
    def __init__(self, role_name: _Optional[str] = ..., description: _Optional[str] = ..., max_session_duration: _Optional[int] = ..., max_signin_session_duration: _Optional[int] = ..., reset_max_signin_session_duration: _Optional[bool] = ...) -> None: ...

class UpdateRoleResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UpdateAssumeRolePolicyRequest(_message.Message):
    __slots__ = ("role_name", "policy_document")
    ROLE_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    role_name: str
    policy_document: str
    def __init__(self, role_name: _Optional[str] = ..., policy_document: _Optional[str] = ...) -> None: ...

class UpdateAssumeRolePolicyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeleteRoleRequest(_message.Message):
    __slots__ = ("role_name",)
    ROLE_NAME_FIELD_NUMBER: _ClassVar[int]
    role_name: str
    def __init__(self, role_name: _Optional[str] = ...) -> None: ...

class DeleteRoleResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class TagRoleRequest(_message.Message):
    __slots__ = ("role_name", "tags")
    ROLE_NAME_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    role_name: str
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    def __init__(self, role_name: _Optional[str] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ...) -> None: ...

class TagRoleResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UntagRoleRequest(_message.Message):
    __slots__ = ("role_name", "tag_keys")
    ROLE_NAME_FIELD_NUMBER: _ClassVar[int]
    TAG_KEYS_FIELD_NUMBER: _ClassVar[int]
    role_name: str
    tag_keys: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, role_name: _Optional[str] = ..., tag_keys: _Optional[_Iterable[str]] = ...) -> None: ...

class UntagRoleResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListRoleTagsRequest(_message.Message):
    __slots__ = ("role_name", "marker", "max_items")
    ROLE_NAME_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    role_name: str
    marker: str
    max_items: int
    def __init__(self, role_name: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ListRoleTagsResponse(_message.Message):
    __slots__ = ("tags", "is_truncated", "marker")
    TAGS_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    is_truncated: bool
    marker: str
    def __init__(self, tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class CreatePolicyRequest(_message.Message):
    __slots__ = ("policy_name", "path", "policy_document", "description", "tags")
    POLICY_NAME_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    POLICY_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    policy_name: str
    path: str
    policy_document: str
    description: str
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    def __init__(self, policy_name: _Optional[str] = ..., path: _Optional[str] = ..., policy_document: _Optional[str] = ..., description: _Optional[str] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ...) -> None: ...

class Policy(_message.Message):
    __slots__ = ("policy_name", "policy_id", "arn", "path", "default_version_id", "attachment_count", "permissions_boundary_usage_count", "is_attachable", "description", "create_date", "update_date", "tags")
    POLICY_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_ID_FIELD_NUMBER: _ClassVar[int]
    ARN_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_VERSION_ID_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_BOUNDARY_USAGE_COUNT_FIELD_NUMBER: _ClassVar[int]
    IS_ATTACHABLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CREATE_DATE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_DATE_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    policy_name: str
    policy_id: str
    arn: str
    path: str
    default_version_id: str
    attachment_count: int
    permissions_boundary_usage_count: int
    is_attachable: bool
    description: str
    create_date: _timestamp_pb2.Timestamp
    update_date: _timestamp_pb2.Timestamp
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    def __init__(self, policy_name: _Optional[str] = ..., policy_id: _Optional[str] = ..., arn: _Optional[str] = ..., path: _Optional[str] = ..., default_version_id: _Optional[str] = ..., attachment_count: _Optional[int] = ..., permissions_boundary_usage_count: _Optional[int] = ..., is_attachable: _Optional[bool] = ..., description: _Optional[str] = ..., create_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ...) -> None: ...

class CreatePolicyResponse(_message.Message):
    __slots__ = ("policy",)
    POLICY_FIELD_NUMBER: _ClassVar[int]
    policy: Policy
    def __init__(self, policy: _Optional[_Union[Policy, _Mapping]] = ...) -> None: ...

class GetPolicyRequest(_message.Message):
    __slots__ = ("policy_arn",)
    POLICY_ARN_FIELD_NUMBER: _ClassVar[int]
    policy_arn: str
    def __init__(self, policy_arn: _Optional[str] = ...) -> None: ...

class GetPolicyResponse(_message.Message):
    __slots__ = ("policy",)
    POLICY_FIELD_NUMBER: _ClassVar[int]
    policy: Policy
    def __init__(self, policy: _Optional[_Union[Policy, _Mapping]] = ...) -> None: ...

class ListPoliciesRequest(_message.Message):
    __slots__ = ("scope", "only_attached", "path_prefix", "policy_usage_filter", "marker", "max_items")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    ONLY_ATTACHED_FIELD_NUMBER: _ClassVar[int]
    PATH_PREFIX_FIELD_NUMBER: _ClassVar[int]
    POLICY_USAGE_FILTER_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    scope: str
    only_attached: bool
    path_prefix: str
    policy_usage_filter: str
    marker: str
    max_items: int
    def __init__(self, scope: _Optional[str] = ..., only_attached: _Optional[bool] = ..., path_prefix: _Optional[str] = ..., policy_usage_filter: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ListPoliciesResponse(_message.Message):
    __slots__ = ("policies", "is_truncated", "marker")
    POLICIES_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    policies: _containers.RepeatedCompositeFieldContainer[Policy]
    is_truncated: bool
    marker: str
    def __init__(self, policies: _Optional[_Iterable[_Union[Policy, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class DeletePolicyRequest(_message.Message):
    __slots__ = ("policy_arn",)
    POLICY_ARN_FIELD_NUMBER: _ClassVar[int]
    policy_arn: str
    def __init__(self, policy_arn: _Optional[str] = ...) -> None: ...

class DeletePolicyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CreatePolicyVersionRequest(_message.Message):
    __slots__ = ("policy_arn", "policy_document", "set_as_default")
    POLICY_ARN_FIELD_NUMBER: _ClassVar[int]
    POLICY_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    SET_AS_DEFAULT_FIELD_NUMBER: _ClassVar[int]
    policy_arn: str
    policy_document: str
    set_as_default: bool
    def __init__(self, policy_arn: _Optional[str] = ..., policy_document: _Optional[str] = ..., set_as_default: _Optional[bool] = ...) -> None: ...

class PolicyVersion(_message.Message):
    __slots__ = ("document", "version_id", "is_default_version", "create_date")
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    VERSION_ID_FIELD_NUMBER: _ClassVar[int]
    IS_DEFAULT_VERSION_FIELD_NUMBER: _ClassVar[int]
    CREATE_DATE_FIELD_NUMBER: _ClassVar[int]
    document: str
    version_id: str
    is_default_version: bool
    create_date: _timestamp_pb2.Timestamp
    def __init__(self, document: _Optional[str] = ..., version_id: _Optional[str] = ..., is_default_version: _Optional[bool] = ..., create_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreatePolicyVersionResponse(_message.Message):
    __slots__ = ("policy_version",)
    POLICY_VERSION_FIELD_NUMBER: _ClassVar[int]
    policy_version: PolicyVersion
    def __init__(self, policy_version: _Optional[_Union[PolicyVersion, _Mapping]] = ...) -> None: ...

class GetPolicyVersionRequest(_message.Message):
    __slots__ = ("policy_arn", "version_id")
    POLICY_ARN_FIELD_NUMBER: _ClassVar[int]
    VERSION_ID_FIELD_NUMBER: _ClassVar[int]
    policy_arn: str
    version_id: str
    def __init__(self, policy_arn: _Optional[str] = ..., version_id: _Optional[str] = ...) -> None: ...

class GetPolicyVersionResponse(_message.Message):
    __slots__ = ("policy_version",)
    POLICY_VERSION_FIELD_NUMBER: _ClassVar[int]
    policy_version: PolicyVersion
    def __init__(self, policy_version: _Optional[_Union[PolicyVersion, _Mapping]] = ...) -> None: ...

class ListPolicyVersionsRequest(_message.Message):
    __slots__ = ("policy_arn", "marker", "max_items")
    POLICY_ARN_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    policy_arn: str
    marker: str
    max_items: int
    def __init__(self, policy_arn: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ListPolicyVersionsResponse(_message.Message):
    __slots__ = ("versions", "is_truncated", "marker")
    VERSIONS_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    versions: _containers.RepeatedCompositeFieldContainer[PolicyVersion]
    is_truncated: bool
    marker: str
    def __init__(self, versions: _Optional[_Iterable[_Union[PolicyVersion, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class SetDefaultPolicyVersionRequest(_message.Message):
    __slots__ = ("policy_arn", "version_id")
    POLICY_ARN_FIELD_NUMBER: _ClassVar[int]
    VERSION_ID_FIELD_NUMBER: _ClassVar[int]
    policy_arn: str
    version_id: str
    def __init__(self, policy_arn: _Optional[str] = ..., version_id: _Optional[str] = ...) -> None: ...

class SetDefaultPolicyVersionResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeletePolicyVersionRequest(_message.Message):
    __slots__ = ("policy_arn", "version_id")
    POLICY_ARN_FIELD_NUMBER: _ClassVar[int]
    VERSION_ID_FIELD_NUMBER: _ClassVar[int]
    policy_arn: str
    version_id: str
    def __init__(self, policy_arn: _Optional[str] = ..., version_id: _Optional[str] = ...) -> None: ...

class DeletePolicyVersionResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AttachUserPolicyRequest(_message.Message):
    __slots__ = ("user_name", "policy_arn")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_ARN_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    policy_arn: str
    def __init__(self, user_name: _Optional[str] = ..., policy_arn: _Optional[str] = ...) -> None: ...

class AttachUserPolicyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AttachGroupPolicyRequest(_message.Message):
    __slots__ = ("group_name", "policy_arn")
    GROUP_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_ARN_FIELD_NUMBER: _ClassVar[int]
    group_name: str
    policy_arn: str
    def __init__(self, group_name: _Optional[str] = ..., policy_arn: _Optional[str] = ...) -> None: ...

class AttachGroupPolicyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AttachRolePolicyRequest(_message.Message):
    __slots__ = ("role_name", "policy_arn")
    ROLE_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_ARN_FIELD_NUMBER: _ClassVar[int]
    role_name: str
    policy_arn: str
    def __init__(self, role_name: _Optional[str] = ..., policy_arn: _Optional[str] = ...) -> None: ...

class AttachRolePolicyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DetachUserPolicyRequest(_message.Message):
    __slots__ = ("user_name", "policy_arn")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_ARN_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    policy_arn: str
    def __init__(self, user_name: _Optional[str] = ..., policy_arn: _Optional[str] = ...) -> None: ...

class DetachUserPolicyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DetachGroupPolicyRequest(_message.Message):
    __slots__ = ("group_name", "policy_arn")
    GROUP_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_ARN_FIELD_NUMBER: _ClassVar[int]
    group_name: str
    policy_arn: str
    def __init__(self, group_name: _Optional[str] = ..., policy_arn: _Optional[str] = ...) -> None: ...

class DetachGroupPolicyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DetachRolePolicyRequest(_message.Message):
    __slots__ = ("role_name", "policy_arn")
    ROLE_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_ARN_FIELD_NUMBER: _ClassVar[int]
    role_name: str
    policy_arn: str
    def __init__(self, role_name: _Optional[str] = ..., policy_arn: _Optional[str] = ...) -> None: ...

class DetachRolePolicyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListAttachedUserPoliciesRequest(_message.Message):
    __slots__ = ("user_name", "path_prefix", "marker", "max_items")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    PATH_PREFIX_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    path_prefix: str
    marker: str
    max_items: int
    def __init__(self, user_name: _Optional[str] = ..., path_prefix: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class AttachedPolicy(_message.Message):
    __slots__ = ("policy_name", "policy_arn")
    POLICY_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_ARN_FIELD_NUMBER: _ClassVar[int]
    policy_name: str
    policy_arn: str
    def __init__(self, policy_name: _Optional[str] = ..., policy_arn: _Optional[str] = ...) -> None: ...

class ListAttachedUserPoliciesResponse(_message.Message):
    __slots__ = ("attached_policies", "is_truncated", "marker")
    ATTACHED_POLICIES_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    attached_policies: _containers.RepeatedCompositeFieldContainer[AttachedPolicy]
    is_truncated: bool
    marker: str
    def __init__(self, attached_policies: _Optional[_Iterable[_Union[AttachedPolicy, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class ListAttachedGroupPoliciesRequest(_message.Message):
    __slots__ = ("group_name", "path_prefix", "marker", "max_items")
    GROUP_NAME_FIELD_NUMBER: _ClassVar[int]
    PATH_PREFIX_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    group_name: str
    path_prefix: str
    marker: str
    max_items: int
    def __init__(self, group_name: _Optional[str] = ..., path_prefix: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ListAttachedGroupPoliciesResponse(_message.Message):
    __slots__ = ("attached_policies", "is_truncated", "marker")
    ATTACHED_POLICIES_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    attached_policies: _containers.RepeatedCompositeFieldContainer[AttachedPolicy]
    is_truncated: bool
    marker: str
    def __init__(self, attached_policies: _Optional[_Iterable[_Union[AttachedPolicy, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class ListAttachedRolePoliciesRequest(_message.Message):
    __slots__ = ("role_name", "path_prefix", "marker", "max_items")
    ROLE_NAME_FIELD_NUMBER: _ClassVar[int]
    PATH_PREFIX_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    role_name: str
    path_prefix: str
    marker: str
    max_items: int
    def __init__(self, role_name: _Optional[str] = ..., path_prefix: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ListAttachedRolePoliciesResponse(_message.Message):
    __slots__ = ("attached_policies", "is_truncated", "marker")
    ATTACHED_POLICIES_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    attached_policies: _containers.RepeatedCompositeFieldContainer[AttachedPolicy]
    is_truncated: bool
    marker: str
    def __init__(self, attached_policies: _Optional[_Iterable[_Union[AttachedPolicy, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class ListEntitiesForPolicyRequest(_message.Message):
    __slots__ = ("policy_arn", "entity_filter", "path_prefix", "policy_usage_filter", "marker", "max_items")
    POLICY_ARN_FIELD_NUMBER: _ClassVar[int]
    ENTITY_FILTER_FIELD_NUMBER: _ClassVar[int]
    PATH_PREFIX_FIELD_NUMBER: _ClassVar[int]
    POLICY_USAGE_FILTER_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    policy_arn: str
    entity_filter: str
    path_prefix: str
    policy_usage_filter: str
    marker: str
    max_items: int
    def __init__(self, policy_arn: _Optional[str] = ..., entity_filter: _Optional[str] = ..., path_prefix: _Optional[str] = ..., policy_usage_filter: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class PolicyGroup(_message.Message):
    __slots__ = ("group_name", "group_id")
    GROUP_NAME_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    group_name: str
    group_id: str
    def __init__(self, group_name: _Optional[str] = ..., group_id: _Optional[str] = ...) -> None: ...

class PolicyUser(_message.Message):
    __slots__ = ("user_name", "user_id")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    user_id: str
    def __init__(self, user_name: _Optional[str] = ..., user_id: _Optional[str] = ...) -> None: ...

class PolicyRole(_message.Message):
    __slots__ = ("role_name", "role_id")
    ROLE_NAME_FIELD_NUMBER: _ClassVar[int]
    ROLE_ID_FIELD_NUMBER: _ClassVar[int]
    role_name: str
    role_id: str
    def __init__(self, role_name: _Optional[str] = ..., role_id: _Optional[str] = ...) -> None: ...

class ListEntitiesForPolicyResponse(_message.Message):
    __slots__ = ("policy_groups", "policy_users", "policy_roles", "is_truncated", "marker")
    POLICY_GROUPS_FIELD_NUMBER: _ClassVar[int]
    POLICY_USERS_FIELD_NUMBER: _ClassVar[int]
    POLICY_ROLES_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    policy_groups: _containers.RepeatedCompositeFieldContainer[PolicyGroup]
    policy_users: _containers.RepeatedCompositeFieldContainer[PolicyUser]
    policy_roles: _containers.RepeatedCompositeFieldContainer[PolicyRole]
    is_truncated: bool
    marker: str
    def __init__(self, policy_groups: _Optional[_Iterable[_Union[PolicyGroup, _Mapping]]] = ..., policy_users: _Optional[_Iterable[_Union[PolicyUser, _Mapping]]] = ..., policy_roles: _Optional[_Iterable[_Union[PolicyRole, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class TagPolicyRequest(_message.Message):
    __slots__ = ("policy_arn", "tags")
    POLICY_ARN_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    policy_arn: str
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    def __init__(self, policy_arn: _Optional[str] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ...) -> None: ...

class TagPolicyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UntagPolicyRequest(_message.Message):
    __slots__ = ("policy_arn", "tag_keys")
    POLICY_ARN_FIELD_NUMBER: _ClassVar[int]
    TAG_KEYS_FIELD_NUMBER: _ClassVar[int]
    policy_arn: str
    tag_keys: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, policy_arn: _Optional[str] = ..., tag_keys: _Optional[_Iterable[str]] = ...) -> None: ...

class UntagPolicyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListPolicyTagsRequest(_message.Message):
    __slots__ = ("policy_arn", "marker", "max_items")
    POLICY_ARN_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    policy_arn: str
    marker: str
    max_items: int
    def __init__(self, policy_arn: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ListPolicyTagsResponse(_message.Message):
    __slots__ = ("tags", "is_truncated", "marker")
    TAGS_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    is_truncated: bool
    marker: str
    def __init__(self, tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class PutUserPolicyRequest(_message.Message):
    __slots__ = ("user_name", "policy_name", "policy_document")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    policy_name: str
    policy_document: str
    def __init__(self, user_name: _Optional[str] = ..., policy_name: _Optional[str] = ..., policy_document: _Optional[str] = ...) -> None: ...

class PutUserPolicyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetUserPolicyRequest(_message.Message):
    __slots__ = ("user_name", "policy_name")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_NAME_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    policy_name: str
    def __init__(self, user_name: _Optional[str] = ..., policy_name: _Optional[str] = ...) -> None: ...

class GetUserPolicyResponse(_message.Message):
    __slots__ = ("user_name", "policy_name", "policy_document")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    policy_name: str
    policy_document: str
    def __init__(self, user_name: _Optional[str] = ..., policy_name: _Optional[str] = ..., policy_document: _Optional[str] = ...) -> None: ...

class DeleteUserPolicyRequest(_message.Message):
    __slots__ = ("user_name", "policy_name")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_NAME_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    policy_name: str
    def __init__(self, user_name: _Optional[str] = ..., policy_name: _Optional[str] = ...) -> None: ...

class DeleteUserPolicyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListUserPoliciesRequest(_message.Message):
    __slots__ = ("user_name", "marker", "max_items")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    marker: str
    max_items: int
    def __init__(self, user_name: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ListUserPoliciesResponse(_message.Message):
    __slots__ = ("policy_names", "is_truncated", "marker")
    POLICY_NAMES_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    policy_names: _containers.RepeatedScalarFieldContainer[str]
    is_truncated: bool
    marker: str
    def __init__(self, policy_names: _Optional[_Iterable[str]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class PutGroupPolicyRequest(_message.Message):
    __slots__ = ("group_name", "policy_name", "policy_document")
    GROUP_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    group_name: str
    policy_name: str
    policy_document: str
    def __init__(self, group_name: _Optional[str] = ..., policy_name: _Optional[str] = ..., policy_document: _Optional[str] = ...) -> None: ...

class PutGroupPolicyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetGroupPolicyRequest(_message.Message):
    __slots__ = ("group_name", "policy_name")
    GROUP_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_NAME_FIELD_NUMBER: _ClassVar[int]
    group_name: str
    policy_name: str
    def __init__(self, group_name: _Optional[str] = ..., policy_name: _Optional[str] = ...) -> None: ...

class GetGroupPolicyResponse(_message.Message):
    __slots__ = ("group_name", "policy_name", "policy_document")
    GROUP_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    group_name: str
    policy_name: str
    policy_document: str
    def __init__(self, group_name: _Optional[str] = ..., policy_name: _Optional[str] = ..., policy_document: _Optional[str] = ...) -> None: ...

class DeleteGroupPolicyRequest(_message.Message):
    __slots__ = ("group_name", "policy_name")
    GROUP_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_NAME_FIELD_NUMBER: _ClassVar[int]
    group_name: str
    policy_name: str
    def __init__(self, group_name: _Optional[str] = ..., policy_name: _Optional[str] = ...) -> None: ...

class DeleteGroupPolicyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListGroupPoliciesRequest(_message.Message):
    __slots__ = ("group_name", "marker", "max_items")
    GROUP_NAME_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    group_name: str
    marker: str
    max_items: int
    def __init__(self, group_name: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ListGroupPoliciesResponse(_message.Message):
    __slots__ = ("policy_names", "is_truncated", "marker")
    POLICY_NAMES_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    policy_names: _containers.RepeatedScalarFieldContainer[str]
    is_truncated: bool
    marker: str
    def __init__(self, policy_names: _Optional[_Iterable[str]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class PutRolePolicyRequest(_message.Message):
    __slots__ = ("role_name", "policy_name", "policy_document")
    ROLE_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    role_name: str
    policy_name: str
    policy_document: str
    def __init__(self, role_name: _Optional[str] = ..., policy_name: _Optional[str] = ..., policy_document: _Optional[str] = ...) -> None: ...

class PutRolePolicyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetRolePolicyRequest(_message.Message):
    __slots__ = ("role_name", "policy_name")
    ROLE_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_NAME_FIELD_NUMBER: _ClassVar[int]
    role_name: str
    policy_name: str
    def __init__(self, role_name: _Optional[str] = ..., policy_name: _Optional[str] = ...) -> None: ...

class GetRolePolicyResponse(_message.Message):
    __slots__ = ("role_name", "policy_name", "policy_document")
    ROLE_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    role_name: str
    policy_name: str
    policy_document: str
    def __init__(self, role_name: _Optional[str] = ..., policy_name: _Optional[str] = ..., policy_document: _Optional[str] = ...) -> None: ...

class DeleteRolePolicyRequest(_message.Message):
    __slots__ = ("role_name", "policy_name")
    ROLE_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_NAME_FIELD_NUMBER: _ClassVar[int]
    role_name: str
    policy_name: str
    def __init__(self, role_name: _Optional[str] = ..., policy_name: _Optional[str] = ...) -> None: ...

class DeleteRolePolicyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListRolePoliciesRequest(_message.Message):
    __slots__ = ("role_name", "marker", "max_items")
    ROLE_NAME_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    role_name: str
    marker: str
    max_items: int
    def __init__(self, role_name: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ListRolePoliciesResponse(_message.Message):
    __slots__ = ("policy_names", "is_truncated", "marker")
    POLICY_NAMES_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    policy_names: _containers.RepeatedScalarFieldContainer[str]
    is_truncated: bool
    marker: str
    def __init__(self, policy_names: _Optional[_Iterable[str]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class PutUserPermissionsBoundaryRequest(_message.Message):
    __slots__ = ("user_name", "permissions_boundary")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_BOUNDARY_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    permissions_boundary: str
    def __init__(self, user_name: _Optional[str] = ..., permissions_boundary: _Optional[str] = ...) -> None: ...

class PutUserPermissionsBoundaryResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeleteUserPermissionsBoundaryRequest(_message.Message):
    __slots__ = ("user_name",)
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    def __init__(self, user_name: _Optional[str] = ...) -> None: ...

class DeleteUserPermissionsBoundaryResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class PutRolePermissionsBoundaryRequest(_message.Message):
    __slots__ = ("role_name", "permissions_boundary")
    ROLE_NAME_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_BOUNDARY_FIELD_NUMBER: _ClassVar[int]
    role_name: str
    permissions_boundary: str
    def __init__(self, role_name: _Optional[str] = ..., permissions_boundary: _Optional[str] = ...) -> None: ...

class PutRolePermissionsBoundaryResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeleteRolePermissionsBoundaryRequest(_message.Message):
    __slots__ = ("role_name",)
    ROLE_NAME_FIELD_NUMBER: _ClassVar[int]
    role_name: str
    def __init__(self, role_name: _Optional[str] = ...) -> None: ...

class DeleteRolePermissionsBoundaryResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CreateAccessKeyRequest(_message.Message):
    __slots__ = ("user_name",)
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    def __init__(self, user_name: _Optional[str] = ...) -> None: ...

class AccessKey(_message.Message):
    __slots__ = ("user_name", "access_key_id", "status", "secret_access_key", "create_date")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    ACCESS_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SECRET_ACCESS_KEY_FIELD_NUMBER: _ClassVar[int]
    CREATE_DATE_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    access_key_id: str
    status: str
    secret_access_key: str
    create_date: _timestamp_pb2.Timestamp
    def __init__(self, user_name: _Optional[str] = ..., access_key_id: _Optional[str] = ..., status: _Optional[str] = ..., secret_access_key: _Optional[str] = ..., create_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateAccessKeyResponse(_message.Message):
    __slots__ = ("access_key",)
    ACCESS_KEY_FIELD_NUMBER: _ClassVar[int]
    access_key: AccessKey
    def __init__(self, access_key: _Optional[_Union[AccessKey, _Mapping]] = ...) -> None: ...

class ListAccessKeysRequest(_message.Message):
    __slots__ = ("user_name", "marker", "max_items")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    marker: str
    max_items: int
    def __init__(self, user_name: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class AccessKeyMetadata(_message.Message):
    __slots__ = ("user_name", "access_key_id", "status", "create_date")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    ACCESS_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CREATE_DATE_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    access_key_id: str
    status: str
    create_date: _timestamp_pb2.Timestamp
    def __init__(self, user_name: _Optional[str] = ..., access_key_id: _Optional[str] = ..., status: _Optional[str] = ..., create_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListAccessKeysResponse(_message.Message):
    __slots__ = ("access_key_metadata", "is_truncated", "marker")
    ACCESS_KEY_METADATA_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    access_key_metadata: _containers.RepeatedCompositeFieldContainer[AccessKeyMetadata]
    is_truncated: bool
    marker: str
    def __init__(self, access_key_metadata: _Optional[_Iterable[_Union[AccessKeyMetadata, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class UpdateAccessKeyRequest(_message.Message):
    __slots__ = ("user_name", "access_key_id", "status")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    ACCESS_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    access_key_id: str
    status: str
    def __init__(self, user_name: _Optional[str] = ..., access_key_id: _Optional[str] = ..., status: _Optional[str] = ...) -> None: ...

class UpdateAccessKeyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeleteAccessKeyRequest(_message.Message):
    __slots__ = ("user_name", "access_key_id")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    ACCESS_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    access_key_id: str
    def __init__(self, user_name: _Optional[str] = ..., access_key_id: _Optional[str] = ...) -> None: ...

class DeleteAccessKeyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetAccessKeyLastUsedRequest(_message.Message):
    __slots__ = ("access_key_id",)
    ACCESS_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    access_key_id: str
    def __init__(self, access_key_id: _Optional[str] = ...) -> None: ...

class AccessKeyLastUsed(_message.Message):
    __slots__ = ("last_used_date", "service_name", "region")
    LAST_USED_DATE_FIELD_NUMBER: _ClassVar[int]
    SERVICE_NAME_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    last_used_date: _timestamp_pb2.Timestamp
    service_name: str
    region: str
    def __init__(self, last_used_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., service_name: _Optional[str] = ..., region: _Optional[str] = ...) -> None: ...

class GetAccessKeyLastUsedResponse(_message.Message):
    __slots__ = ("user_name", "access_key_last_used")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    ACCESS_KEY_LAST_USED_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    access_key_last_used: AccessKeyLastUsed
    def __init__(self, user_name: _Optional[str] = ..., access_key_last_used: _Optional[_Union[AccessKeyLastUsed, _Mapping]] = ...) -> None: ...

class CreateLoginProfileRequest(_message.Message):
    __slots__ = ("user_name", "password", "password_reset_required", "max_signin_session_duration")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_RESET_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    MAX_SIGNIN_SESSION_DURATION_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    password: str
    password_reset_required: bool
    max_signin_session_duration: int
    def __init__(self, user_name: _Optional[str] = ..., password: _Optional[str] = ..., password_reset_required: _Optional[bool] = ..., max_signin_session_duration: _Optional[int] = ...) -> None: ...

class LoginProfile(_message.Message):
    __slots__ = ("user_name", "create_date", "password_reset_required", "max_signin_session_duration")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    CREATE_DATE_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_RESET_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    MAX_SIGNIN_SESSION_DURATION_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    create_date: _timestamp_pb2.Timestamp
    password_reset_required: bool
    max_signin_session_duration: int
    def __init__(self, user_name: _Optional[str] = ..., create_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., password_reset_required: _Optional[bool] = ..., max_signin_session_duration: _Optional[int] = ...) -> None: ...

class CreateLoginProfileResponse(_message.Message):
    __slots__ = ("login_profile",)
    LOGIN_PROFILE_FIELD_NUMBER: _ClassVar[int]
    login_profile: LoginProfile
    def __init__(self, login_profile: _Optional[_Union[LoginProfile, _Mapping]] = ...) -> None: ...

class GetLoginProfileRequest(_message.Message):
    __slots__ = ("user_name",)
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    def __init__(self, user_name: _Optional[str] = ...) -> None: ...

class GetLoginProfileResponse(_message.Message):
    __slots__ = ("login_profile",)
    LOGIN_PROFILE_FIELD_NUMBER: _ClassVar[int]
    login_profile: LoginProfile
    def __init__(self, login_profile: _Optional[_Union[LoginProfile, _Mapping]] = ...) -> None: ...

class UpdateLoginProfileRequest(_message.Message):
    __slots__ = ("user_name", "password", "password_reset_required", "max_signin_session_duration", "reset_max_signin_session_duration")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_RESET_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    MAX_SIGNIN_SESSION_DURATION_FIELD_NUMBER: _ClassVar[int]
    RESET_MAX_SIGNIN_SESSION_DURATION_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    password: str
    password_reset_required: bool
    max_signin_session_duration: int
    reset_max_signin_session_duration: bool
    def __init__(self, user_name: _Optional[str] = ..., password: _Optional[str] = ..., password_reset_required: _Optional[bool] = ..., max_signin_session_duration: _Optional[int] = ..., reset_max_signin_session_duration: _Optional[bool] = ...) -> None: ...

class UpdateLoginProfileResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeleteLoginProfileRequest(_message.Message):
    __slots__ = ("user_name",)
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    def __init__(self, user_name: _Optional[str] = ...) -> None: ...

class DeleteLoginProfileResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetAccountPasswordPolicyRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class PasswordPolicy(_message.Message):
    __slots__ = ("minimum_password_length", "require_symbols", "require_numbers", "require_uppercase_characters", "require_lowercase_characters", "allow_users_to_change_password", "expire_passwords", "max_password_age", "password_reuse_prevention", "hard_expiry")
    MINIMUM_PASSWORD_LENGTH_FIELD_NUMBER: _ClassVar[int]
    REQUIRE_SYMBOLS_FIELD_NUMBER: _ClassVar[int]
    REQUIRE_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    REQUIRE_UPPERCASE_CHARACTERS_FIELD_NUMBER: _ClassVar[int]
    REQUIRE_LOWERCASE_CHARACTERS_FIELD_NUMBER: _ClassVar[int]
    ALLOW_USERS_TO_CHANGE_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_PASSWORDS_FIELD_NUMBER: _ClassVar[int]
    MAX_PASSWORD_AGE_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_REUSE_PREVENTION_FIELD_NUMBER: _ClassVar[int]
    HARD_EXPIRY_FIELD_NUMBER: _ClassVar[int]
    minimum_password_length: int
    require_symbols: bool
    require_numbers: bool
    require_uppercase_characters: bool
    require_lowercase_characters: bool
    allow_users_to_change_password: bool
    expire_passwords: bool
    max_password_age: int
    password_reuse_prevention: int
    hard_expiry: bool
    def __init__(self, minimum_password_length: _Optional[int] = ..., require_symbols: _Optional[bool] = ..., require_numbers: _Optional[bool] = ..., require_uppercase_characters: _Optional[bool] = ..., require_lowercase_characters: _Optional[bool] = ..., allow_users_to_change_password: _Optional[bool] = ..., expire_passwords: _Optional[bool] = ..., max_password_age: _Optional[int] = ..., password_reuse_prevention: _Optional[int] = ..., hard_expiry: _Optional[bool] = ...) -> None: ...

class GetAccountPasswordPolicyResponse(_message.Message):
    __slots__ = ("password_policy",)
    PASSWORD_POLICY_FIELD_NUMBER: _ClassVar[int]
    password_policy: PasswordPolicy
    def __init__(self, password_policy: _Optional[_Union[PasswordPolicy, _Mapping]] = ...) -> None: ...

class UpdateAccountPasswordPolicyRequest(_message.Message):
    __slots__ = ("minimum_password_length", "require_symbols", "require_numbers", "require_uppercase_characters", "require_lowercase_characters", "allow_users_to_change_password", "max_password_age", "password_reuse_prevention", "hard_expiry")
    MINIMUM_PASSWORD_LENGTH_FIELD_NUMBER: _ClassVar[int]
    REQUIRE_SYMBOLS_FIELD_NUMBER: _ClassVar[int]
    REQUIRE_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    REQUIRE_UPPERCASE_CHARACTERS_FIELD_NUMBER: _ClassVar[int]
    REQUIRE_LOWERCASE_CHARACTERS_FIELD_NUMBER: _ClassVar[int]
    ALLOW_USERS_TO_CHANGE_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    MAX_PASSWORD_AGE_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_REUSE_PREVENTION_FIELD_NUMBER: _ClassVar[int]
    HARD_EXPIRY_FIELD_NUMBER: _ClassVar[int]
    minimum_password_length: int
    require_symbols: bool
    require_numbers: bool
    require_uppercase_characters: bool
    require_lowercase_characters: bool
    allow_users_to_change_password: bool
    max_password_age: int
    password_reuse_prevention: int
    hard_expiry: bool
    def __init__(self, minimum_password_length: _Optional[int] = ..., require_symbols: _Optional[bool] = ..., require_numbers: _Optional[bool] = ..., require_uppercase_characters: _Optional[bool] = ..., require_lowercase_characters: _Optional[bool] = ..., allow_users_to_change_password: _Optional[bool] = ..., max_password_age: _Optional[int] = ..., password_reuse_prevention: _Optional[int] = ..., hard_expiry: _Optional[bool] = ...) -> None: ...

class UpdateAccountPasswordPolicyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeleteAccountPasswordPolicyRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeleteAccountPasswordPolicyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetAccountSummaryRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetAccountSummaryResponse(_message.Message):
    __slots__ = ("summary_map",)
    class SummaryMapEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    SUMMARY_MAP_FIELD_NUMBER: _ClassVar[int]
    summary_map: _containers.ScalarMap[str, int]
    def __init__(self, summary_map: _Optional[_Mapping[str, int]] = ...) -> None: ...

class CreateVirtualMFADeviceRequest(_message.Message):
    __slots__ = ("path", "virtual_mfa_device_name", "tags")
    PATH_FIELD_NUMBER: _ClassVar[int]
    VIRTUAL_MFA_DEVICE_NAME_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    path: str
    virtual_mfa_device_name: str
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    def __init__(self, path: _Optional[str] = ..., virtual_mfa_device_name: _Optional[str] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ...) -> None: ...

class VirtualMFADevice(_message.Message):
    __slots__ = ("serial_number", "base32_string_seed", "qr_code_png", "user", "enable_date", "tags")
    SERIAL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    BASE32_STRING_SEED_FIELD_NUMBER: _ClassVar[int]
    QR_CODE_PNG_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    ENABLE_DATE_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    serial_number: str
    base32_string_seed: bytes
    qr_code_png: bytes
    user: User
    enable_date: _timestamp_pb2.Timestamp
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    def __init__(self, serial_number: _Optional[str] = ..., base32_string_seed: _Optional[bytes] = ..., qr_code_png: _Optional[bytes] = ..., user: _Optional[_Union[User, _Mapping]] = ..., enable_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ...) -> None: ...

class CreateVirtualMFADeviceResponse(_message.Message):
    __slots__ = ("virtual_mfa_device",)
    VIRTUAL_MFA_DEVICE_FIELD_NUMBER: _ClassVar[int]
    virtual_mfa_device: VirtualMFADevice
    def __init__(self, virtual_mfa_device: _Optional[_Union[VirtualMFADevice, _Mapping]] = ...) -> None: ...

class EnableMFADeviceRequest(_message.Message):
    __slots__ = ("user_name", "serial_number", "authentication_code1", "authentication_code2")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    SERIAL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    AUTHENTICATION_CODE1_FIELD_NUMBER: _ClassVar[int]
    AUTHENTICATION_CODE2_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    serial_number: str
    authentication_code1: str
    authentication_code2: str
    def __init__(self, user_name: _Optional[str] = ..., serial_number: _Optional[str] = ..., authentication_code1: _Optional[str] = ..., authentication_code2: _Optional[str] = ...) -> None: ...

class EnableMFADeviceResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ResyncMFADeviceRequest(_message.Message):
    __slots__ = ("user_name", "serial_number", "authentication_code1", "authentication_code2")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    SERIAL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    AUTHENTICATION_CODE1_FIELD_NUMBER: _ClassVar[int]
    AUTHENTICATION_CODE2_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    serial_number: str
    authentication_code1: str
    authentication_code2: str
    def __init__(self, user_name: _Optional[str] = ..., serial_number: _Optional[str] = ..., authentication_code1: _Optional[str] = ..., authentication_code2: _Optional[str] = ...) -> None: ...

class ResyncMFADeviceResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeactivateMFADeviceRequest(_message.Message):
    __slots__ = ("user_name", "serial_number")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    SERIAL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    serial_number: str
    def __init__(self, user_name: _Optional[str] = ..., serial_number: _Optional[str] = ...) -> None: ...

class DeactivateMFADeviceResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeleteVirtualMFADeviceRequest(_message.Message):
    __slots__ = ("serial_number",)
    SERIAL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    serial_number: str
    def __init__(self, serial_number: _Optional[str] = ...) -> None: ...

class DeleteVirtualMFADeviceResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListMFADevicesRequest(_message.Message):
    __slots__ = ("user_name", "marker", "max_items")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    marker: str
    max_items: int
    def __init__(self, user_name: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class MFADevice(_message.Message):
    __slots__ = ("user_name", "serial_number", "enable_date")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    SERIAL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    ENABLE_DATE_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    serial_number: str
    enable_date: _timestamp_pb2.Timestamp
    def __init__(self, user_name: _Optional[str] = ..., serial_number: _Optional[str] = ..., enable_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListMFADevicesResponse(_message.Message):
    __slots__ = ("mfa_devices", "is_truncated", "marker")
    MFA_DEVICES_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    mfa_devices: _containers.RepeatedCompositeFieldContainer[MFADevice]
    is_truncated: bool
    marker: str
    def __init__(self, mfa_devices: _Optional[_Iterable[_Union[MFADevice, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class ListVirtualMFADevicesRequest(_message.Message):
    __slots__ = ("assignment_status", "marker", "max_items")
    ASSIGNMENT_STATUS_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    assignment_status: str
    marker: str
    max_items: int
    def __init__(self, assignment_status: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ListVirtualMFADevicesResponse(_message.Message):
    __slots__ = ("virtual_mfa_devices", "is_truncated", "marker")
    VIRTUAL_MFA_DEVICES_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    virtual_mfa_devices: _containers.RepeatedCompositeFieldContainer[VirtualMFADevice]
    is_truncated: bool
    marker: str
    def __init__(self, virtual_mfa_devices: _Optional[_Iterable[_Union[VirtualMFADevice, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class ContextProviderKeyDefinition(_message.Message):
    __slots__ = ("source_key", "target_key")
    SOURCE_KEY_FIELD_NUMBER: _ClassVar[int]
    TARGET_KEY_FIELD_NUMBER: _ClassVar[int]
    source_key: str
    target_key: str
    def __init__(self, source_key: _Optional[str] = ..., target_key: _Optional[str] = ...) -> None: ...

class ContextProvider(_message.Message):
    __slots__ = ("key_definition_list", "subject_source_key", "subject_type_value", "subject_type_source_key")
    KEY_DEFINITION_LIST_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_SOURCE_KEY_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_TYPE_VALUE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_TYPE_SOURCE_KEY_FIELD_NUMBER: _ClassVar[int]
    key_definition_list: _containers.RepeatedCompositeFieldContainer[ContextProviderKeyDefinition]
    subject_source_key: str
    subject_type_value: str
    subject_type_source_key: str
    def __init__(self, key_definition_list: _Optional[_Iterable[_Union[ContextProviderKeyDefinition, _Mapping]]] = ..., subject_source_key: _Optional[str] = ..., subject_type_value: _Optional[str] = ..., subject_type_source_key: _Optional[str] = ...) -> None: ...

class CreateOpenIDConnectProviderRequest(_message.Message):
    __slots__ = ("url", "client_id_list", "thumbprint_list", "tags", "context_provider", "identity_center_instance_arn")
    URL_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_LIST_FIELD_NUMBER: _ClassVar[int]
    THUMBPRINT_LIST_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_PROVIDER_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_CENTER_INSTANCE_ARN_FIELD_NUMBER: _ClassVar[int]
    url: str
    client_id_list: _containers.RepeatedScalarFieldContainer[str]
    thumbprint_list: _containers.RepeatedScalarFieldContainer[str]
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    context_provider: ContextProvider
    identity_center_instance_arn: str
    def __init__(self, url: _Optional[str] = ..., client_id_list: _Optional[_Iterable[str]] = ..., thumbprint_list: _Optional[_Iterable[str]] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ..., context_provider: _Optional[_Union[ContextProvider, _Mapping]] = ..., identity_center_instance_arn: _Optional[str] = ...) -> None: ...

class CreateOpenIDConnectProviderResponse(_message.Message):
    __slots__ = ("open_id_connect_provider_arn", "tags")
    OPEN_ID_CONNECT_PROVIDER_ARN_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    open_id_connect_provider_arn: str
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    def __init__(self, open_id_connect_provider_arn: _Optional[str] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ...) -> None: ...

class GetOpenIDConnectProviderRequest(_message.Message):
    __slots__ = ("open_id_connect_provider_arn",)
    OPEN_ID_CONNECT_PROVIDER_ARN_FIELD_NUMBER: _ClassVar[int]
    open_id_connect_provider_arn: str
    def __init__(self, open_id_connect_provider_arn: _Optional[str] = ...) -> None: ...

class GetOpenIDConnectProviderResponse(_message.Message):
    __slots__ = ("url", "client_id_list", "thumbprint_list", "create_date", "tags", "context_provider", "identity_center_instance_arn", "identity_store_arn")
    URL_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_LIST_FIELD_NUMBER: _ClassVar[int]
    THUMBPRINT_LIST_FIELD_NUMBER: _ClassVar[int]
    CREATE_DATE_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_PROVIDER_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_CENTER_INSTANCE_ARN_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_STORE_ARN_FIELD_NUMBER: _ClassVar[int]
    url: str
    client_id_list: _containers.RepeatedScalarFieldContainer[str]
    thumbprint_list: _containers.RepeatedScalarFieldContainer[str]
    create_date: _timestamp_pb2.Timestamp
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    context_provider: ContextProvider
    identity_center_instance_arn: str
    identity_store_arn: str
    def __init__(self, url: _Optional[str] = ..., client_id_list: _Optional[_Iterable[str]] = ..., thumbprint_list: _Optional[_Iterable[str]] = ..., create_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ..., context_provider: _Optional[_Union[ContextProvider, _Mapping]] = ..., identity_center_instance_arn: _Optional[str] = ..., identity_store_arn: _Optional[str] = ...) -> None: ...

class ListOpenIDConnectProvidersRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class OpenIDConnectProviderListEntry(_message.Message):
    __slots__ = ("arn", "is_trusted_identity_propagation_enabled")
    ARN_FIELD_NUMBER: _ClassVar[int]
    IS_TRUSTED_IDENTITY_PROPAGATION_ENABLED_FIELD_NUMBER: _ClassVar[int]
    arn: str
    is_trusted_identity_propagation_enabled: bool
    def __init__(self, arn: _Optional[str] = ..., is_trusted_identity_propagation_enabled: _Optional[bool] = ...) -> None: ...

class ListOpenIDConnectProvidersResponse(_message.Message):
    __slots__ = ("open_id_connect_provider_list",)
    OPEN_ID_CONNECT_PROVIDER_LIST_FIELD_NUMBER: _ClassVar[int]
    open_id_connect_provider_list: _containers.RepeatedCompositeFieldContainer[OpenIDConnectProviderListEntry]
    def __init__(self, open_id_connect_provider_list: _Optional[_Iterable[_Union[OpenIDConnectProviderListEntry, _Mapping]]] = ...) -> None: ...

class DeleteOpenIDConnectProviderRequest(_message.Message):
    __slots__ = ("open_id_connect_provider_arn",)
    OPEN_ID_CONNECT_PROVIDER_ARN_FIELD_NUMBER: _ClassVar[int]
    open_id_connect_provider_arn: str
    def __init__(self, open_id_connect_provider_arn: _Optional[str] = ...) -> None: ...

class DeleteOpenIDConnectProviderResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AddClientIDToOpenIDConnectProviderRequest(_message.Message):
    __slots__ = ("open_id_connect_provider_arn", "client_id")
    OPEN_ID_CONNECT_PROVIDER_ARN_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    open_id_connect_provider_arn: str
    client_id: str
    def __init__(self, open_id_connect_provider_arn: _Optional[str] = ..., client_id: _Optional[str] = ...) -> None: ...

class AddClientIDToOpenIDConnectProviderResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RemoveClientIDFromOpenIDConnectProviderRequest(_message.Message):
    __slots__ = ("open_id_connect_provider_arn", "client_id")
    OPEN_ID_CONNECT_PROVIDER_ARN_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    open_id_connect_provider_arn: str
    client_id: str
    def __init__(self, open_id_connect_provider_arn: _Optional[str] = ..., client_id: _Optional[str] = ...) -> None: ...

class RemoveClientIDFromOpenIDConnectProviderResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CreateSAMLProviderRequest(_message.Message):
    __slots__ = ("saml_metadata_document", "name", "tags", "assertion_encryption_mode", "add_private_key", "context_provider", "identity_center_instance_arn")
    SAML_METADATA_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    ASSERTION_ENCRYPTION_MODE_FIELD_NUMBER: _ClassVar[int]
    ADD_PRIVATE_KEY_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_PROVIDER_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_CENTER_INSTANCE_ARN_FIELD_NUMBER: _ClassVar[int]
    saml_metadata_document: str
    name: str
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    assertion_encryption_mode: str
    add_private_key: str
    context_provider: ContextProvider
    identity_center_instance_arn: str
    def __init__(self, saml_metadata_document: _Optional[str] = ..., name: _Optional[str] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ..., assertion_encryption_mode: _Optional[str] = ..., add_private_key: _Optional[str] = ..., context_provider: _Optional[_Union[ContextProvider, _Mapping]] = ..., identity_center_instance_arn: _Optional[str] = ...) -> None: ...

class CreateSAMLProviderResponse(_message.Message):
    __slots__ = ("saml_provider_arn", "tags")
    SAML_PROVIDER_ARN_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    saml_provider_arn: str
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    def __init__(self, saml_provider_arn: _Optional[str] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ...) -> None: ...

class GetSAMLProviderRequest(_message.Message):
    __slots__ = ("saml_provider_arn",)
    SAML_PROVIDER_ARN_FIELD_NUMBER: _ClassVar[int]
    saml_provider_arn: str
    def __init__(self, saml_provider_arn: _Optional[str] = ...) -> None: ...

class SAMLPrivateKey(_message.Message):
    __slots__ = ("key_id", "timestamp")
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    timestamp: _timestamp_pb2.Timestamp
    def __init__(self, key_id: _Optional[str] = ..., timestamp: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetSAMLProviderResponse(_message.Message):
    __slots__ = ("saml_provider_uuid", "saml_metadata_document", "create_date", "valid_until", "tags", "assertion_encryption_mode", "private_key_list", "context_provider", "identity_center_instance_arn", "identity_store_arn")
    SAML_PROVIDER_UUID_FIELD_NUMBER: _ClassVar[int]
    SAML_METADATA_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    CREATE_DATE_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    ASSERTION_ENCRYPTION_MODE_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_KEY_LIST_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_PROVIDER_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_CENTER_INSTANCE_ARN_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_STORE_ARN_FIELD_NUMBER: _ClassVar[int]
    saml_provider_uuid: str
    saml_metadata_document: str
    create_date: _timestamp_pb2.Timestamp
    valid_until: _timestamp_pb2.Timestamp
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    assertion_encryption_mode: str
    private_key_list: _containers.RepeatedCompositeFieldContainer[SAMLPrivateKey]
    context_provider: ContextProvider
    identity_center_instance_arn: str
    identity_store_arn: str
    def __init__(self, saml_provider_uuid: _Optional[str] = ..., saml_metadata_document: _Optional[str] = ..., create_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., valid_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ..., assertion_encryption_mode: _Optional[str] = ..., private_key_list: _Optional[_Iterable[_Union[SAMLPrivateKey, _Mapping]]] = ..., context_provider: _Optional[_Union[ContextProvider, _Mapping]] = ..., identity_center_instance_arn: _Optional[str] = ..., identity_store_arn: _Optional[str] = ...) -> None: ...

class ListSAMLProvidersRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SAMLProviderListEntry(_message.Message):
    __slots__ = ("arn", "valid_until", "create_date", "is_trusted_identity_propagation_enabled")
    ARN_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    CREATE_DATE_FIELD_NUMBER: _ClassVar[int]
    IS_TRUSTED_IDENTITY_PROPAGATION_ENABLED_FIELD_NUMBER: _ClassVar[int]
    arn: str
    valid_until: _timestamp_pb2.Timestamp
    create_date: _timestamp_pb2.Timestamp
    is_trusted_identity_propagation_enabled: bool
    def __init__(self, arn: _Optional[str] = ..., valid_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., is_trusted_identity_propagation_enabled: _Optional[bool] = ...) -> None: ...

class ListSAMLProvidersResponse(_message.Message):
    __slots__ = ("saml_provider_list",)
    SAML_PROVIDER_LIST_FIELD_NUMBER: _ClassVar[int]
    saml_provider_list: _containers.RepeatedCompositeFieldContainer[SAMLProviderListEntry]
    def __init__(self, saml_provider_list: _Optional[_Iterable[_Union[SAMLProviderListEntry, _Mapping]]] = ...) -> None: ...

class UpdateSAMLProviderRequest(_message.Message):
    __slots__ = ("saml_metadata_document", "saml_provider_arn", "assertion_encryption_mode", "add_private_key", "remove_private_key", "context_provider", "identity_center_instance_arn", "remove_context_provider", "remove_identity_center_instance")
    SAML_METADATA_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    SAML_PROVIDER_ARN_FIELD_NUMBER: _ClassVar[int]
    ASSERTION_ENCRYPTION_MODE_FIELD_NUMBER: _ClassVar[int]
    ADD_PRIVATE_KEY_FIELD_NUMBER: _ClassVar[int]
    REMOVE_PRIVATE_KEY_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_PROVIDER_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_CENTER_INSTANCE_ARN_FIELD_NUMBER: _ClassVar[int]
    REMOVE_CONTEXT_PROVIDER_FIELD_NUMBER: _ClassVar[int]
    REMOVE_IDENTITY_CENTER_INSTANCE_FIELD_NUMBER: _ClassVar[int]
    saml_metadata_document: str
    saml_provider_arn: str
    assertion_encryption_mode: str
    add_private_key: str
    remove_private_key: str
    context_provider: ContextProvider
    identity_center_instance_arn: str
    remove_context_provider: bool
    remove_identity_center_instance: bool
    def __init__(self, saml_metadata_document: _Optional[str] = ..., saml_provider_arn: _Optional[str] = ..., assertion_encryption_mode: _Optional[str] = ..., add_private_key: _Optional[str] = ..., remove_private_key: _Optional[str] = ..., context_provider: _Optional[_Union[ContextProvider, _Mapping]] = ..., identity_center_instance_arn: _Optional[str] = ..., remove_context_provider: _Optional[bool] = ..., remove_identity_center_instance: _Optional[bool] = ...) -> None: ...

class UpdateSAMLProviderResponse(_message.Message):
    __slots__ = ("saml_provider_arn",)
    SAML_PROVIDER_ARN_FIELD_NUMBER: _ClassVar[int]
    saml_provider_arn: str
    def __init__(self, saml_provider_arn: _Optional[str] = ...) -> None: ...

class DeleteSAMLProviderRequest(_message.Message):
    __slots__ = ("saml_provider_arn",)
    SAML_PROVIDER_ARN_FIELD_NUMBER: _ClassVar[int]
    saml_provider_arn: str
    def __init__(self, saml_provider_arn: _Optional[str] = ...) -> None: ...

class DeleteSAMLProviderResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class TagSAMLProviderRequest(_message.Message):
    __slots__ = ("saml_provider_arn", "tags")
    SAML_PROVIDER_ARN_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    saml_provider_arn: str
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    def __init__(self, saml_provider_arn: _Optional[str] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ...) -> None: ...

class TagSAMLProviderResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UntagSAMLProviderRequest(_message.Message):
    __slots__ = ("saml_provider_arn", "tag_keys")
    SAML_PROVIDER_ARN_FIELD_NUMBER: _ClassVar[int]
    TAG_KEYS_FIELD_NUMBER: _ClassVar[int]
    saml_provider_arn: str
    tag_keys: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, saml_provider_arn: _Optional[str] = ..., tag_keys: _Optional[_Iterable[str]] = ...) -> None: ...

class UntagSAMLProviderResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListSAMLProviderTagsRequest(_message.Message):
    __slots__ = ("saml_provider_arn", "marker", "max_items")
    SAML_PROVIDER_ARN_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    saml_provider_arn: str
    marker: str
    max_items: int
    def __init__(self, saml_provider_arn: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ListSAMLProviderTagsResponse(_message.Message):
    __slots__ = ("tags", "is_truncated", "marker")
    TAGS_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    is_truncated: bool
    marker: str
    def __init__(self, tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class CreateInstanceProfileRequest(_message.Message):
    __slots__ = ("instance_profile_name", "path", "tags")
    INSTANCE_PROFILE_NAME_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    instance_profile_name: str
    path: str
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    def __init__(self, instance_profile_name: _Optional[str] = ..., path: _Optional[str] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ...) -> None: ...

class InstanceProfile(_message.Message):
    __slots__ = ("path", "instance_profile_name", "instance_profile_id", "arn", "create_date", "roles", "tags")
    PATH_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_PROFILE_NAME_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_PROFILE_ID_FIELD_NUMBER: _ClassVar[int]
    ARN_FIELD_NUMBER: _ClassVar[int]
    CREATE_DATE_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    path: str
    instance_profile_name: str
    instance_profile_id: str
    arn: str
    create_date: _timestamp_pb2.Timestamp
    roles: _containers.RepeatedCompositeFieldContainer[Role]
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    def __init__(self, path: _Optional[str] = ..., instance_profile_name: _Optional[str] = ..., instance_profile_id: _Optional[str] = ..., arn: _Optional[str] = ..., create_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., roles: _Optional[_Iterable[_Union[Role, _Mapping]]] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ...) -> None: ...

class CreateInstanceProfileResponse(_message.Message):
    __slots__ = ("instance_profile",)
    INSTANCE_PROFILE_FIELD_NUMBER: _ClassVar[int]
    instance_profile: InstanceProfile
    def __init__(self, instance_profile: _Optional[_Union[InstanceProfile, _Mapping]] = ...) -> None: ...

class GetInstanceProfileRequest(_message.Message):
    __slots__ = ("instance_profile_name",)
    INSTANCE_PROFILE_NAME_FIELD_NUMBER: _ClassVar[int]
    instance_profile_name: str
    def __init__(self, instance_profile_name: _Optional[str] = ...) -> None: ...

class GetInstanceProfileResponse(_message.Message):
    __slots__ = ("instance_profile",)
    INSTANCE_PROFILE_FIELD_NUMBER: _ClassVar[int]
    instance_profile: InstanceProfile
    def __init__(self, instance_profile: _Optional[_Union[InstanceProfile, _Mapping]] = ...) -> None: ...

class ListInstanceProfilesRequest(_message.Message):
    __slots__ = ("path_prefix", "marker", "max_items")
    PATH_PREFIX_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    path_prefix: str
    marker: str
    max_items: int
    def __init__(self, path_prefix: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ListInstanceProfilesResponse(_message.Message):
    __slots__ = ("instance_profiles", "is_truncated", "marker")
    INSTANCE_PROFILES_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    instance_profiles: _containers.RepeatedCompositeFieldContainer[InstanceProfile]
    is_truncated: bool
    marker: str
    def __init__(self, instance_profiles: _Optional[_Iterable[_Union[InstanceProfile, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class DeleteInstanceProfileRequest(_message.Message):
    __slots__ = ("instance_profile_name",)
    INSTANCE_PROFILE_NAME_FIELD_NUMBER: _ClassVar[int]
    instance_profile_name: str
    def __init__(self, instance_profile_name: _Optional[str] = ...) -> None: ...

class DeleteInstanceProfileResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AddRoleToInstanceProfileRequest(_message.Message):
    __slots__ = ("instance_profile_name", "role_name")
    INSTANCE_PROFILE_NAME_FIELD_NUMBER: _ClassVar[int]
    ROLE_NAME_FIELD_NUMBER: _ClassVar[int]
    instance_profile_name: str
    role_name: str
    def __init__(self, instance_profile_name: _Optional[str] = ..., role_name: _Optional[str] = ...) -> None: ...

class AddRoleToInstanceProfileResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RemoveRoleFromInstanceProfileRequest(_message.Message):
    __slots__ = ("instance_profile_name", "role_name")
    INSTANCE_PROFILE_NAME_FIELD_NUMBER: _ClassVar[int]
    ROLE_NAME_FIELD_NUMBER: _ClassVar[int]
    instance_profile_name: str
    role_name: str
    def __init__(self, instance_profile_name: _Optional[str] = ..., role_name: _Optional[str] = ...) -> None: ...

class RemoveRoleFromInstanceProfileResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ChangePasswordRequest(_message.Message):
    __slots__ = ("old_password", "new_password")
    OLD_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    NEW_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    old_password: str
    new_password: str
    def __init__(self, old_password: _Optional[str] = ..., new_password: _Optional[str] = ...) -> None: ...

class ChangePasswordResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListInstanceProfilesForRoleRequest(_message.Message):
    __slots__ = ("role_name", "marker", "max_items")
    ROLE_NAME_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    role_name: str
    marker: str
    max_items: int
    def __init__(self, role_name: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ListInstanceProfilesForRoleResponse(_message.Message):
    __slots__ = ("instance_profiles", "is_truncated", "marker")
    INSTANCE_PROFILES_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    instance_profiles: _containers.RepeatedCompositeFieldContainer[InstanceProfile]
    is_truncated: bool
    marker: str
    def __init__(self, instance_profiles: _Optional[_Iterable[_Union[InstanceProfile, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class UpdateRoleDescriptionRequest(_message.Message):
    __slots__ = ("role_name", "description")
    ROLE_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    role_name: str
    description: str
    def __init__(self, role_name: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class UpdateRoleDescriptionResponse(_message.Message):
    __slots__ = ("role",)
    ROLE_FIELD_NUMBER: _ClassVar[int]
    role: Role
    def __init__(self, role: _Optional[_Union[Role, _Mapping]] = ...) -> None: ...

class TagInstanceProfileRequest(_message.Message):
    __slots__ = ("instance_profile_name", "tags")
    INSTANCE_PROFILE_NAME_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    instance_profile_name: str
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    def __init__(self, instance_profile_name: _Optional[str] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ...) -> None: ...

class TagInstanceProfileResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UntagInstanceProfileRequest(_message.Message):
    __slots__ = ("instance_profile_name", "tag_keys")
    INSTANCE_PROFILE_NAME_FIELD_NUMBER: _ClassVar[int]
    TAG_KEYS_FIELD_NUMBER: _ClassVar[int]
    instance_profile_name: str
    tag_keys: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, instance_profile_name: _Optional[str] = ..., tag_keys: _Optional[_Iterable[str]] = ...) -> None: ...

class UntagInstanceProfileResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListInstanceProfileTagsRequest(_message.Message):
    __slots__ = ("instance_profile_name", "marker", "max_items")
    INSTANCE_PROFILE_NAME_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    instance_profile_name: str
    marker: str
    max_items: int
    def __init__(self, instance_profile_name: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ListInstanceProfileTagsResponse(_message.Message):
    __slots__ = ("tags", "is_truncated", "marker")
    TAGS_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    is_truncated: bool
    marker: str
    def __init__(self, tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class TagMFADeviceRequest(_message.Message):
    __slots__ = ("serial_number", "tags")
    SERIAL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    serial_number: str
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    def __init__(self, serial_number: _Optional[str] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ...) -> None: ...

class TagMFADeviceResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UntagMFADeviceRequest(_message.Message):
    __slots__ = ("serial_number", "tag_keys")
    SERIAL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    TAG_KEYS_FIELD_NUMBER: _ClassVar[int]
    serial_number: str
    tag_keys: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, serial_number: _Optional[str] = ..., tag_keys: _Optional[_Iterable[str]] = ...) -> None: ...

class UntagMFADeviceResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListMFADeviceTagsRequest(_message.Message):
    __slots__ = ("serial_number", "marker", "max_items")
    SERIAL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    serial_number: str
    marker: str
    max_items: int
    def __init__(self, serial_number: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ListMFADeviceTagsResponse(_message.Message):
    __slots__ = ("tags", "is_truncated", "marker")
    TAGS_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    is_truncated: bool
    marker: str
    def __init__(self, tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class TagOpenIDConnectProviderRequest(_message.Message):
    __slots__ = ("open_id_connect_provider_arn", "tags")
    OPEN_ID_CONNECT_PROVIDER_ARN_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    open_id_connect_provider_arn: str
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    def __init__(self, open_id_connect_provider_arn: _Optional[str] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ...) -> None: ...

class TagOpenIDConnectProviderResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UntagOpenIDConnectProviderRequest(_message.Message):
    __slots__ = ("open_id_connect_provider_arn", "tag_keys")
    OPEN_ID_CONNECT_PROVIDER_ARN_FIELD_NUMBER: _ClassVar[int]
    TAG_KEYS_FIELD_NUMBER: _ClassVar[int]
    open_id_connect_provider_arn: str
    tag_keys: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, open_id_connect_provider_arn: _Optional[str] = ..., tag_keys: _Optional[_Iterable[str]] = ...) -> None: ...

class UntagOpenIDConnectProviderResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListOpenIDConnectProviderTagsRequest(_message.Message):
    __slots__ = ("open_id_connect_provider_arn", "marker", "max_items")
    OPEN_ID_CONNECT_PROVIDER_ARN_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    open_id_connect_provider_arn: str
    marker: str
    max_items: int
    def __init__(self, open_id_connect_provider_arn: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ListOpenIDConnectProviderTagsResponse(_message.Message):
    __slots__ = ("tags", "is_truncated", "marker")
    TAGS_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    is_truncated: bool
    marker: str
    def __init__(self, tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class UpdateOpenIDConnectProviderThumbprintRequest(_message.Message):
    __slots__ = ("open_id_connect_provider_arn", "thumbprint_list")
    OPEN_ID_CONNECT_PROVIDER_ARN_FIELD_NUMBER: _ClassVar[int]
    THUMBPRINT_LIST_FIELD_NUMBER: _ClassVar[int]
    open_id_connect_provider_arn: str
    thumbprint_list: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, open_id_connect_provider_arn: _Optional[str] = ..., thumbprint_list: _Optional[_Iterable[str]] = ...) -> None: ...

class UpdateOpenIDConnectProviderThumbprintResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CreateAccountAliasRequest(_message.Message):
    __slots__ = ("account_alias",)
    ACCOUNT_ALIAS_FIELD_NUMBER: _ClassVar[int]
    account_alias: str
    def __init__(self, account_alias: _Optional[str] = ...) -> None: ...

class CreateAccountAliasResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeleteAccountAliasRequest(_message.Message):
    __slots__ = ("account_alias",)
    ACCOUNT_ALIAS_FIELD_NUMBER: _ClassVar[int]
    account_alias: str
    def __init__(self, account_alias: _Optional[str] = ...) -> None: ...

class DeleteAccountAliasResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListAccountAliasesRequest(_message.Message):
    __slots__ = ("marker", "max_items")
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    marker: str
    max_items: int
    def __init__(self, marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ListAccountAliasesResponse(_message.Message):
    __slots__ = ("account_aliases", "is_truncated", "marker")
    ACCOUNT_ALIASES_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    account_aliases: _containers.RepeatedScalarFieldContainer[str]
    is_truncated: bool
    marker: str
    def __init__(self, account_aliases: _Optional[_Iterable[str]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class GetAccountAuthorizationDetailsRequest(_message.Message):
    __slots__ = ("filter", "max_items", "marker")
    FILTER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    filter: _containers.RepeatedScalarFieldContainer[str]
    max_items: int
    marker: str
    def __init__(self, filter: _Optional[_Iterable[str]] = ..., max_items: _Optional[int] = ..., marker: _Optional[str] = ...) -> None: ...

class PolicyDetail(_message.Message):
    __slots__ = ("policy_name", "policy_document")
    POLICY_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    policy_name: str
    policy_document: str
    def __init__(self, policy_name: _Optional[str] = ..., policy_document: _Optional[str] = ...) -> None: ...

class UserDetail(_message.Message):
    __slots__ = ("path", "user_name", "user_id", "arn", "create_date", "user_policy_list", "group_list", "attached_managed_policies", "permissions_boundary", "tags")
    PATH_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ARN_FIELD_NUMBER: _ClassVar[int]
    CREATE_DATE_FIELD_NUMBER: _ClassVar[int]
    USER_POLICY_LIST_FIELD_NUMBER: _ClassVar[int]
    GROUP_LIST_FIELD_NUMBER: _ClassVar[int]
    ATTACHED_MANAGED_POLICIES_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_BOUNDARY_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    path: str
    user_name: str
    user_id: str
    arn: str
    create_date: _timestamp_pb2.Timestamp
    user_policy_list: _containers.RepeatedCompositeFieldContainer[PolicyDetail]
    group_list: _containers.RepeatedScalarFieldContainer[str]
    attached_managed_policies: _containers.RepeatedCompositeFieldContainer[AttachedPolicy]
    permissions_boundary: AttachedPermissionsBoundary
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    def __init__(self, path: _Optional[str] = ..., user_name: _Optional[str] = ..., user_id: _Optional[str] = ..., arn: _Optional[str] = ..., create_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., user_policy_list: _Optional[_Iterable[_Union[PolicyDetail, _Mapping]]] = ..., group_list: _Optional[_Iterable[str]] = ..., attached_managed_policies: _Optional[_Iterable[_Union[AttachedPolicy, _Mapping]]] = ..., permissions_boundary: _Optional[_Union[AttachedPermissionsBoundary, _Mapping]] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ...) -> None: ...

class GroupDetail(_message.Message):
    __slots__ = ("path", "group_name", "group_id", "arn", "create_date", "group_policy_list", "attached_managed_policies")
    PATH_FIELD_NUMBER: _ClassVar[int]
    GROUP_NAME_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    ARN_FIELD_NUMBER: _ClassVar[int]
    CREATE_DATE_FIELD_NUMBER: _ClassVar[int]
    GROUP_POLICY_LIST_FIELD_NUMBER: _ClassVar[int]
    ATTACHED_MANAGED_POLICIES_FIELD_NUMBER: _ClassVar[int]
    path: str
    group_name: str
    group_id: str
    arn: str
    create_date: _timestamp_pb2.Timestamp
    group_policy_list: _containers.RepeatedCompositeFieldContainer[PolicyDetail]
    attached_managed_policies: _containers.RepeatedCompositeFieldContainer[AttachedPolicy]
    def __init__(self, path: _Optional[str] = ..., group_name: _Optional[str] = ..., group_id: _Optional[str] = ..., arn: _Optional[str] = ..., create_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., group_policy_list: _Optional[_Iterable[_Union[PolicyDetail, _Mapping]]] = ..., attached_managed_policies: _Optional[_Iterable[_Union[AttachedPolicy, _Mapping]]] = ...) -> None: ...

class RoleDetail(_message.Message):
    __slots__ = ("path", "role_name", "role_id", "arn", "create_date", "assume_role_policy_document", "instance_profile_list", "role_policy_list", "attached_managed_policies", "permissions_boundary", "tags", "role_last_used")
    PATH_FIELD_NUMBER: _ClassVar[int]
    ROLE_NAME_FIELD_NUMBER: _ClassVar[int]
    ROLE_ID_FIELD_NUMBER: _ClassVar[int]
    ARN_FIELD_NUMBER: _ClassVar[int]
    CREATE_DATE_FIELD_NUMBER: _ClassVar[int]
    ASSUME_ROLE_POLICY_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_PROFILE_LIST_FIELD_NUMBER: _ClassVar[int]
    ROLE_POLICY_LIST_FIELD_NUMBER: _ClassVar[int]
    ATTACHED_MANAGED_POLICIES_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_BOUNDARY_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    ROLE_LAST_USED_FIELD_NUMBER: _ClassVar[int]
    path: str
    role_name: str
    role_id: str
    arn: str
    create_date: _timestamp_pb2.Timestamp
    assume_role_policy_document: str
    instance_profile_list: _containers.RepeatedCompositeFieldContainer[InstanceProfile]
    role_policy_list: _containers.RepeatedCompositeFieldContainer[PolicyDetail]
    attached_managed_policies: _containers.RepeatedCompositeFieldContainer[AttachedPolicy]
    permissions_boundary: AttachedPermissionsBoundary
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    role_last_used: RoleLastUsed
    def __init__(self, path: _Optional[str] = ..., role_name: _Optional[str] = ..., role_id: _Optional[str] = ..., arn: _Optional[str] = ..., create_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., assume_role_policy_document: _Optional[str] = ..., instance_profile_list: _Optional[_Iterable[_Union[InstanceProfile, _Mapping]]] = ..., role_policy_list: _Optional[_Iterable[_Union[PolicyDetail, _Mapping]]] = ..., attached_managed_policies: _Optional[_Iterable[_Union[AttachedPolicy, _Mapping]]] = ..., permissions_boundary: _Optional[_Union[AttachedPermissionsBoundary, _Mapping]] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ..., role_last_used: _Optional[_Union[RoleLastUsed, _Mapping]] = ...) -> None: ...

class ManagedPolicyDetail(_message.Message):
    __slots__ = ("policy_name", "policy_id", "arn", "path", "default_version_id", "attachment_count", "permissions_boundary_usage_count", "is_attachable", "description", "create_date", "update_date", "policy_version_list")
    POLICY_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_ID_FIELD_NUMBER: _ClassVar[int]
    ARN_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_VERSION_ID_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_BOUNDARY_USAGE_COUNT_FIELD_NUMBER: _ClassVar[int]
    IS_ATTACHABLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CREATE_DATE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_DATE_FIELD_NUMBER: _ClassVar[int]
    POLICY_VERSION_LIST_FIELD_NUMBER: _ClassVar[int]
    policy_name: str
    policy_id: str
    arn: str
    path: str
    default_version_id: str
    attachment_count: int
    permissions_boundary_usage_count: int
    is_attachable: bool
    description: str
    create_date: _timestamp_pb2.Timestamp
    update_date: _timestamp_pb2.Timestamp
    policy_version_list: _containers.RepeatedCompositeFieldContainer[PolicyVersion]
    def __init__(self, policy_name: _Optional[str] = ..., policy_id: _Optional[str] = ..., arn: _Optional[str] = ..., path: _Optional[str] = ..., default_version_id: _Optional[str] = ..., attachment_count: _Optional[int] = ..., permissions_boundary_usage_count: _Optional[int] = ..., is_attachable: _Optional[bool] = ..., description: _Optional[str] = ..., create_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., policy_version_list: _Optional[_Iterable[_Union[PolicyVersion, _Mapping]]] = ...) -> None: ...

class GetAccountAuthorizationDetailsResponse(_message.Message):
    __slots__ = ("user_detail_list", "group_detail_list", "role_detail_list", "policies", "is_truncated", "marker")
    USER_DETAIL_LIST_FIELD_NUMBER: _ClassVar[int]
    GROUP_DETAIL_LIST_FIELD_NUMBER: _ClassVar[int]
    ROLE_DETAIL_LIST_FIELD_NUMBER: _ClassVar[int]
    POLICIES_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    user_detail_list: _containers.RepeatedCompositeFieldContainer[UserDetail]
    group_detail_list: _containers.RepeatedCompositeFieldContainer[GroupDetail]
    role_detail_list: _containers.RepeatedCompositeFieldContainer[RoleDetail]
    policies: _containers.RepeatedCompositeFieldContainer[ManagedPolicyDetail]
    is_truncated: bool
    marker: str
    def __init__(self, user_detail_list: _Optional[_Iterable[_Union[UserDetail, _Mapping]]] = ..., group_detail_list: _Optional[_Iterable[_Union[GroupDetail, _Mapping]]] = ..., role_detail_list: _Optional[_Iterable[_Union[RoleDetail, _Mapping]]] = ..., policies: _Optional[_Iterable[_Union[ManagedPolicyDetail, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class GetMFADeviceRequest(_message.Message):
    __slots__ = ("serial_number", "user_name")
    SERIAL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    serial_number: str
    user_name: str
    def __init__(self, serial_number: _Optional[str] = ..., user_name: _Optional[str] = ...) -> None: ...

class GetMFADeviceResponse(_message.Message):
    __slots__ = ("user_name", "serial_number", "enable_date", "certifications")
    class CertificationsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    SERIAL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    ENABLE_DATE_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATIONS_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    serial_number: str
    enable_date: _timestamp_pb2.Timestamp
    certifications: _containers.ScalarMap[str, str]
    def __init__(self, user_name: _Optional[str] = ..., serial_number: _Optional[str] = ..., enable_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., certifications: _Optional[_Mapping[str, str]] = ...) -> None: ...

class ListPoliciesGrantingServiceAccessRequest(_message.Message):
    __slots__ = ("marker", "arn", "service_namespaces")
    MARKER_FIELD_NUMBER: _ClassVar[int]
    ARN_FIELD_NUMBER: _ClassVar[int]
    SERVICE_NAMESPACES_FIELD_NUMBER: _ClassVar[int]
    marker: str
    arn: str
    service_namespaces: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, marker: _Optional[str] = ..., arn: _Optional[str] = ..., service_namespaces: _Optional[_Iterable[str]] = ...) -> None: ...

class PolicyGrantingServiceAccess(_message.Message):
    __slots__ = ("policy_name", "policy_type", "policy_arn", "entity_type", "entity_name")
    POLICY_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_TYPE_FIELD_NUMBER: _ClassVar[int]
    POLICY_ARN_FIELD_NUMBER: _ClassVar[int]
    ENTITY_TYPE_FIELD_NUMBER: _ClassVar[int]
    ENTITY_NAME_FIELD_NUMBER: _ClassVar[int]
    policy_name: str
    policy_type: str
    policy_arn: str
    entity_type: str
    entity_name: str
    def __init__(self, policy_name: _Optional[str] = ..., policy_type: _Optional[str] = ..., policy_arn: _Optional[str] = ..., entity_type: _Optional[str] = ..., entity_name: _Optional[str] = ...) -> None: ...

class ListPoliciesGrantingServiceAccessEntry(_message.Message):
    __slots__ = ("service_namespace", "policies")
    SERVICE_NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    POLICIES_FIELD_NUMBER: _ClassVar[int]
    service_namespace: str
    policies: _containers.RepeatedCompositeFieldContainer[PolicyGrantingServiceAccess]
    def __init__(self, service_namespace: _Optional[str] = ..., policies: _Optional[_Iterable[_Union[PolicyGrantingServiceAccess, _Mapping]]] = ...) -> None: ...

class ListPoliciesGrantingServiceAccessResponse(_message.Message):
    __slots__ = ("policies_granting_service_access", "is_truncated", "marker")
    POLICIES_GRANTING_SERVICE_ACCESS_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    policies_granting_service_access: _containers.RepeatedCompositeFieldContainer[ListPoliciesGrantingServiceAccessEntry]
    is_truncated: bool
    marker: str
    def __init__(self, policies_granting_service_access: _Optional[_Iterable[_Union[ListPoliciesGrantingServiceAccessEntry, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class SetSecurityTokenServicePreferencesRequest(_message.Message):
    __slots__ = ("global_endpoint_token_version",)
    GLOBAL_ENDPOINT_TOKEN_VERSION_FIELD_NUMBER: _ClassVar[int]
    global_endpoint_token_version: str
    def __init__(self, global_endpoint_token_version: _Optional[str] = ...) -> None: ...

class SetSecurityTokenServicePreferencesResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UploadServerCertificateRequest(_message.Message):
    __slots__ = ("path", "server_certificate_name", "certificate_body", "private_key", "certificate_chain", "tags")
    PATH_FIELD_NUMBER: _ClassVar[int]
    SERVER_CERTIFICATE_NAME_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_BODY_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_KEY_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_CHAIN_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    path: str
    server_certificate_name: str
    certificate_body: str
    private_key: str
    certificate_chain: str
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    def __init__(self, path: _Optional[str] = ..., server_certificate_name: _Optional[str] = ..., certificate_body: _Optional[str] = ..., private_key: _Optional[str] = ..., certificate_chain: _Optional[str] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ...) -> None: ...

class ServerCertificateMetadata(_message.Message):
    __slots__ = ("path", "server_certificate_name", "server_certificate_id", "arn", "upload_date", "expiration")
    PATH_FIELD_NUMBER: _ClassVar[int]
    SERVER_CERTIFICATE_NAME_FIELD_NUMBER: _ClassVar[int]
    SERVER_CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    ARN_FIELD_NUMBER: _ClassVar[int]
    UPLOAD_DATE_FIELD_NUMBER: _ClassVar[int]
    EXPIRATION_FIELD_NUMBER: _ClassVar[int]
    path: str
    server_certificate_name: str
    server_certificate_id: str
    arn: str
    upload_date: _timestamp_pb2.Timestamp
    expiration: _timestamp_pb2.Timestamp
    def __init__(self, path: _Optional[str] = ..., server_certificate_name: _Optional[str] = ..., server_certificate_id: _Optional[str] = ..., arn: _Optional[str] = ..., upload_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expiration: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UploadServerCertificateResponse(_message.Message):
    __slots__ = ("server_certificate_metadata", "tags")
    SERVER_CERTIFICATE_METADATA_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    server_certificate_metadata: ServerCertificateMetadata
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    def __init__(self, server_certificate_metadata: _Optional[_Union[ServerCertificateMetadata, _Mapping]] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ...) -> None: ...

class GetServerCertificateRequest(_message.Message):
    __slots__ = ("server_certificate_name",)
    SERVER_CERTIFICATE_NAME_FIELD_NUMBER: _ClassVar[int]
    server_certificate_name: str
    def __init__(self, server_certificate_name: _Optional[str] = ...) -> None: ...

class ServerCertificate(_message.Message):
    __slots__ = ("server_certificate_metadata", "certificate_body", "certificate_chain", "tags")
    SERVER_CERTIFICATE_METADATA_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_BODY_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_CHAIN_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    server_certificate_metadata: ServerCertificateMetadata
    certificate_body: str
    certificate_chain: str
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    def __init__(self, server_certificate_metadata: _Optional[_Union[ServerCertificateMetadata, _Mapping]] = ..., certificate_body: _Optional[str] = ..., certificate_chain: _Optional[str] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ...) -> None: ...

class GetServerCertificateResponse(_message.Message):
    __slots__ = ("server_certificate",)
    SERVER_CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    server_certificate: ServerCertificate
    def __init__(self, server_certificate: _Optional[_Union[ServerCertificate, _Mapping]] = ...) -> None: ...

class ListServerCertificatesRequest(_message.Message):
    __slots__ = ("path_prefix", "marker", "max_items")
    PATH_PREFIX_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    path_prefix: str
    marker: str
    max_items: int
    def __init__(self, path_prefix: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ListServerCertificatesResponse(_message.Message):
    __slots__ = ("server_certificate_metadata_list", "is_truncated", "marker")
    SERVER_CERTIFICATE_METADATA_LIST_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    server_certificate_metadata_list: _containers.RepeatedCompositeFieldContainer[ServerCertificateMetadata]
    is_truncated: bool
    marker: str
    def __init__(self, server_certificate_metadata_list: _Optional[_Iterable[_Union[ServerCertificateMetadata, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class UpdateServerCertificateRequest(_message.Message):
    __slots__ = ("server_certificate_name", "new_path", "new_server_certificate_name")
    SERVER_CERTIFICATE_NAME_FIELD_NUMBER: _ClassVar[int]
    NEW_PATH_FIELD_NUMBER: _ClassVar[int]
    NEW_SERVER_CERTIFICATE_NAME_FIELD_NUMBER: _ClassVar[int]
    server_certificate_name: str
    new_path: str
    new_server_certificate_name: str
    def __init__(self, server_certificate_name: _Optional[str] = ..., new_path: _Optional[str] = ..., new_server_certificate_name: _Optional[str] = ...) -> None: ...

class UpdateServerCertificateResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeleteServerCertificateRequest(_message.Message):
    __slots__ = ("server_certificate_name",)
    SERVER_CERTIFICATE_NAME_FIELD_NUMBER: _ClassVar[int]
    server_certificate_name: str
    def __init__(self, server_certificate_name: _Optional[str] = ...) -> None: ...

class DeleteServerCertificateResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class TagServerCertificateRequest(_message.Message):
    __slots__ = ("server_certificate_name", "tags")
    SERVER_CERTIFICATE_NAME_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    server_certificate_name: str
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    def __init__(self, server_certificate_name: _Optional[str] = ..., tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ...) -> None: ...

class TagServerCertificateResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UntagServerCertificateRequest(_message.Message):
    __slots__ = ("server_certificate_name", "tag_keys")
    SERVER_CERTIFICATE_NAME_FIELD_NUMBER: _ClassVar[int]
    TAG_KEYS_FIELD_NUMBER: _ClassVar[int]
    server_certificate_name: str
    tag_keys: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, server_certificate_name: _Optional[str] = ..., tag_keys: _Optional[_Iterable[str]] = ...) -> None: ...

class UntagServerCertificateResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListServerCertificateTagsRequest(_message.Message):
    __slots__ = ("server_certificate_name", "marker", "max_items")
    SERVER_CERTIFICATE_NAME_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    server_certificate_name: str
    marker: str
    max_items: int
    def __init__(self, server_certificate_name: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ListServerCertificateTagsResponse(_message.Message):
    __slots__ = ("tags", "is_truncated", "marker")
    TAGS_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    is_truncated: bool
    marker: str
    def __init__(self, tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class UploadSigningCertificateRequest(_message.Message):
    __slots__ = ("user_name", "certificate_body")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_BODY_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    certificate_body: str
    def __init__(self, user_name: _Optional[str] = ..., certificate_body: _Optional[str] = ...) -> None: ...

class SigningCertificate(_message.Message):
    __slots__ = ("user_name", "certificate_id", "certificate_body", "status", "upload_date")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_BODY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    UPLOAD_DATE_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    certificate_id: str
    certificate_body: str
    status: str
    upload_date: _timestamp_pb2.Timestamp
    def __init__(self, user_name: _Optional[str] = ..., certificate_id: _Optional[str] = ..., certificate_body: _Optional[str] = ..., status: _Optional[str] = ..., upload_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UploadSigningCertificateResponse(_message.Message):
    __slots__ = ("certificate",)
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    certificate: SigningCertificate
    def __init__(self, certificate: _Optional[_Union[SigningCertificate, _Mapping]] = ...) -> None: ...

class ListSigningCertificatesRequest(_message.Message):
    __slots__ = ("user_name", "marker", "max_items")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    marker: str
    max_items: int
    def __init__(self, user_name: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ListSigningCertificatesResponse(_message.Message):
    __slots__ = ("certificates", "is_truncated", "marker")
    CERTIFICATES_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    certificates: _containers.RepeatedCompositeFieldContainer[SigningCertificate]
    is_truncated: bool
    marker: str
    def __init__(self, certificates: _Optional[_Iterable[_Union[SigningCertificate, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class UpdateSigningCertificateRequest(_message.Message):
    __slots__ = ("user_name", "certificate_id", "status")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    certificate_id: str
    status: str
    def __init__(self, user_name: _Optional[str] = ..., certificate_id: _Optional[str] = ..., status: _Optional[str] = ...) -> None: ...

class UpdateSigningCertificateResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeleteSigningCertificateRequest(_message.Message):
    __slots__ = ("user_name", "certificate_id")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    certificate_id: str
    def __init__(self, user_name: _Optional[str] = ..., certificate_id: _Optional[str] = ...) -> None: ...

class DeleteSigningCertificateResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UploadSSHPublicKeyRequest(_message.Message):
    __slots__ = ("user_name", "ssh_public_key_body")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    SSH_PUBLIC_KEY_BODY_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    ssh_public_key_body: str
    def __init__(self, user_name: _Optional[str] = ..., ssh_public_key_body: _Optional[str] = ...) -> None: ...

class SSHPublicKey(_message.Message):
    __slots__ = ("user_name", "ssh_public_key_id", "fingerprint", "ssh_public_key_body", "status", "upload_date")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    SSH_PUBLIC_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    SSH_PUBLIC_KEY_BODY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    UPLOAD_DATE_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    ssh_public_key_id: str
    fingerprint: str
    ssh_public_key_body: str
    status: str
    upload_date: _timestamp_pb2.Timestamp
    def __init__(self, user_name: _Optional[str] = ..., ssh_public_key_id: _Optional[str] = ..., fingerprint: _Optional[str] = ..., ssh_public_key_body: _Optional[str] = ..., status: _Optional[str] = ..., upload_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UploadSSHPublicKeyResponse(_message.Message):
    __slots__ = ("ssh_public_key",)
    SSH_PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    ssh_public_key: SSHPublicKey
    def __init__(self, ssh_public_key: _Optional[_Union[SSHPublicKey, _Mapping]] = ...) -> None: ...

class GetSSHPublicKeyRequest(_message.Message):
    __slots__ = ("user_name", "ssh_public_key_id", "encoding")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    SSH_PUBLIC_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    ENCODING_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    ssh_public_key_id: str
    encoding: str
    def __init__(self, user_name: _Optional[str] = ..., ssh_public_key_id: _Optional[str] = ..., encoding: _Optional[str] = ...) -> None: ...

class GetSSHPublicKeyResponse(_message.Message):
    __slots__ = ("ssh_public_key",)
    SSH_PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    ssh_public_key: SSHPublicKey
    def __init__(self, ssh_public_key: _Optional[_Union[SSHPublicKey, _Mapping]] = ...) -> None: ...

class ListSSHPublicKeysRequest(_message.Message):
    __slots__ = ("user_name", "marker", "max_items")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    marker: str
    max_items: int
    def __init__(self, user_name: _Optional[str] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class SSHPublicKeyMetadata(_message.Message):
    __slots__ = ("user_name", "ssh_public_key_id", "status", "upload_date")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    SSH_PUBLIC_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    UPLOAD_DATE_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    ssh_public_key_id: str
    status: str
    upload_date: _timestamp_pb2.Timestamp
    def __init__(self, user_name: _Optional[str] = ..., ssh_public_key_id: _Optional[str] = ..., status: _Optional[str] = ..., upload_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListSSHPublicKeysResponse(_message.Message):
    __slots__ = ("ssh_public_keys", "is_truncated", "marker")
    SSH_PUBLIC_KEYS_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    ssh_public_keys: _containers.RepeatedCompositeFieldContainer[SSHPublicKeyMetadata]
    is_truncated: bool
    marker: str
    def __init__(self, ssh_public_keys: _Optional[_Iterable[_Union[SSHPublicKeyMetadata, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class UpdateSSHPublicKeyRequest(_message.Message):
    __slots__ = ("user_name", "ssh_public_key_id", "status")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    SSH_PUBLIC_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    ssh_public_key_id: str
    status: str
    def __init__(self, user_name: _Optional[str] = ..., ssh_public_key_id: _Optional[str] = ..., status: _Optional[str] = ...) -> None: ...

class UpdateSSHPublicKeyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeleteSSHPublicKeyRequest(_message.Message):
    __slots__ = ("user_name", "ssh_public_key_id")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    SSH_PUBLIC_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    ssh_public_key_id: str
    def __init__(self, user_name: _Optional[str] = ..., ssh_public_key_id: _Optional[str] = ...) -> None: ...

class DeleteSSHPublicKeyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CreateServiceSpecificCredentialRequest(_message.Message):
    __slots__ = ("user_name", "service_name", "credential_age_days")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    SERVICE_NAME_FIELD_NUMBER: _ClassVar[int]
    CREDENTIAL_AGE_DAYS_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    service_name: str
    credential_age_days: int
    def __init__(self, user_name: _Optional[str] = ..., service_name: _Optional[str] = ..., credential_age_days: _Optional[int] = ...) -> None: ...

class ServiceSpecificCredential(_message.Message):
    __slots__ = ("create_date", "expiration_date", "service_name", "service_user_name", "service_password", "service_credential_alias", "service_credential_secret", "service_specific_credential_id", "user_name", "status")
    CREATE_DATE_FIELD_NUMBER: _ClassVar[int]
    EXPIRATION_DATE_FIELD_NUMBER: _ClassVar[int]
    SERVICE_NAME_FIELD_NUMBER: _ClassVar[int]
    SERVICE_USER_NAME_FIELD_NUMBER: _ClassVar[int]
    SERVICE_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    SERVICE_CREDENTIAL_ALIAS_FIELD_NUMBER: _ClassVar[int]
    SERVICE_CREDENTIAL_SECRET_FIELD_NUMBER: _ClassVar[int]
    SERVICE_SPECIFIC_CREDENTIAL_ID_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    create_date: _timestamp_pb2.Timestamp
    expiration_date: _timestamp_pb2.Timestamp
    service_name: str
    service_user_name: str
    service_password: str
    service_credential_alias: str
    service_credential_secret: str
    service_specific_credential_id: str
    user_name: str
    status: str
    def __init__(self, create_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expiration_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., service_name: _Optional[str] = ..., service_user_name: _Optional[str] = ..., service_password: _Optional[str] = ..., service_credential_alias: _Optional[str] = ..., service_credential_secret: _Optional[str] = ..., service_specific_credential_id: _Optional[str] = ..., user_name: _Optional[str] = ..., status: _Optional[str] = ...) -> None: ...

class CreateServiceSpecificCredentialResponse(_message.Message):
    __slots__ = ("service_specific_credential",)
    SERVICE_SPECIFIC_CREDENTIAL_FIELD_NUMBER: _ClassVar[int]
    service_specific_credential: ServiceSpecificCredential
    def __init__(self, service_specific_credential: _Optional[_Union[ServiceSpecificCredential, _Mapping]] = ...) -> None: ...

class ResetServiceSpecificCredentialRequest(_message.Message):
    __slots__ = ("user_name", "service_specific_credential_id")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    SERVICE_SPECIFIC_CREDENTIAL_ID_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    service_specific_credential_id: str
    def __init__(self, user_name: _Optional[str] = ..., service_specific_credential_id: _Optional[str] = ...) -> None: ...

class ResetServiceSpecificCredentialResponse(_message.Message):
    __slots__ = ("service_specific_credential",)
    SERVICE_SPECIFIC_CREDENTIAL_FIELD_NUMBER: _ClassVar[int]
    service_specific_credential: ServiceSpecificCredential
    def __init__(self, service_specific_credential: _Optional[_Union[ServiceSpecificCredential, _Mapping]] = ...) -> None: ...

class ListServiceSpecificCredentialsRequest(_message.Message):
    __slots__ = ("user_name", "service_name", "all_users", "marker", "max_items")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    SERVICE_NAME_FIELD_NUMBER: _ClassVar[int]
    ALL_USERS_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    service_name: str
    all_users: bool
    marker: str
    max_items: int
    def __init__(self, user_name: _Optional[str] = ..., service_name: _Optional[str] = ..., all_users: _Optional[bool] = ..., marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ServiceSpecificCredentialMetadata(_message.Message):
    __slots__ = ("user_name", "status", "service_user_name", "service_credential_alias", "create_date", "expiration_date", "service_specific_credential_id", "service_name")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SERVICE_USER_NAME_FIELD_NUMBER: _ClassVar[int]
    SERVICE_CREDENTIAL_ALIAS_FIELD_NUMBER: _ClassVar[int]
    CREATE_DATE_FIELD_NUMBER: _ClassVar[int]
    EXPIRATION_DATE_FIELD_NUMBER: _ClassVar[int]
    SERVICE_SPECIFIC_CREDENTIAL_ID_FIELD_NUMBER: _ClassVar[int]
    SERVICE_NAME_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    status: str
    service_user_name: str
    service_credential_alias: str
    create_date: _timestamp_pb2.Timestamp
    expiration_date: _timestamp_pb2.Timestamp
    service_specific_credential_id: str
    service_name: str
    def __init__(self, user_name: _Optional[str] = ..., status: _Optional[str] = ..., service_user_name: _Optional[str] = ..., service_credential_alias: _Optional[str] = ..., create_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expiration_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., service_specific_credential_id: _Optional[str] = ..., service_name: _Optional[str] = ...) -> None: ...

class ListServiceSpecificCredentialsResponse(_message.Message):
    __slots__ = ("service_specific_credentials", "marker", "is_truncated")
    SERVICE_SPECIFIC_CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    service_specific_credentials: _containers.RepeatedCompositeFieldContainer[ServiceSpecificCredentialMetadata]
    marker: str
    is_truncated: bool
    def __init__(self, service_specific_credentials: _Optional[_Iterable[_Union[ServiceSpecificCredentialMetadata, _Mapping]]] = ..., marker: _Optional[str] = ..., is_truncated: _Optional[bool] = ...) -> None: ...

class UpdateServiceSpecificCredentialRequest(_message.Message):
    __slots__ = ("user_name", "service_specific_credential_id", "status")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    SERVICE_SPECIFIC_CREDENTIAL_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    service_specific_credential_id: str
    status: str
    def __init__(self, user_name: _Optional[str] = ..., service_specific_credential_id: _Optional[str] = ..., status: _Optional[str] = ...) -> None: ...

class UpdateServiceSpecificCredentialResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeleteServiceSpecificCredentialRequest(_message.Message):
    __slots__ = ("user_name", "service_specific_credential_id")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    SERVICE_SPECIFIC_CREDENTIAL_ID_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    service_specific_credential_id: str
    def __init__(self, user_name: _Optional[str] = ..., service_specific_credential_id: _Optional[str] = ...) -> None: ...

class DeleteServiceSpecificCredentialResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CreateServiceLinkedRoleRequest(_message.Message):
    __slots__ = ("aws_service_name", "description", "custom_suffix")
    AWS_SERVICE_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_SUFFIX_FIELD_NUMBER: _ClassVar[int]
    aws_service_name: str
    description: str
    custom_suffix: str
    def __init__(self, aws_service_name: _Optional[str] = ..., description: _Optional[str] = ..., custom_suffix: _Optional[str] = ...) -> None: ...

class CreateServiceLinkedRoleResponse(_message.Message):
    __slots__ = ("role",)
    ROLE_FIELD_NUMBER: _ClassVar[int]
    role: Role
    def __init__(self, role: _Optional[_Union[Role, _Mapping]] = ...) -> None: ...

class DeleteServiceLinkedRoleRequest(_message.Message):
    __slots__ = ("role_name",)
    ROLE_NAME_FIELD_NUMBER: _ClassVar[int]
    role_name: str
    def __init__(self, role_name: _Optional[str] = ...) -> None: ...

class DeleteServiceLinkedRoleResponse(_message.Message):
    __slots__ = ("deletion_task_id",)
    DELETION_TASK_ID_FIELD_NUMBER: _ClassVar[int]
    deletion_task_id: str
    def __init__(self, deletion_task_id: _Optional[str] = ...) -> None: ...

class GetServiceLinkedRoleDeletionStatusRequest(_message.Message):
    __slots__ = ("deletion_task_id",)
    DELETION_TASK_ID_FIELD_NUMBER: _ClassVar[int]
    deletion_task_id: str
    def __init__(self, deletion_task_id: _Optional[str] = ...) -> None: ...

class RoleUsageType(_message.Message):
    __slots__ = ("region", "resources")
    REGION_FIELD_NUMBER: _ClassVar[int]
    RESOURCES_FIELD_NUMBER: _ClassVar[int]
    region: str
    resources: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, region: _Optional[str] = ..., resources: _Optional[_Iterable[str]] = ...) -> None: ...

class DeletionTaskFailureReasonType(_message.Message):
    __slots__ = ("reason", "role_usage_list")
    REASON_FIELD_NUMBER: _ClassVar[int]
    ROLE_USAGE_LIST_FIELD_NUMBER: _ClassVar[int]
    reason: str
    role_usage_list: _containers.RepeatedCompositeFieldContainer[RoleUsageType]
    def __init__(self, reason: _Optional[str] = ..., role_usage_list: _Optional[_Iterable[_Union[RoleUsageType, _Mapping]]] = ...) -> None: ...

class GetServiceLinkedRoleDeletionStatusResponse(_message.Message):
    __slots__ = ("status", "reason")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    status: str
    reason: DeletionTaskFailureReasonType
    def __init__(self, status: _Optional[str] = ..., reason: _Optional[_Union[DeletionTaskFailureReasonType, _Mapping]] = ...) -> None: ...

class GenerateCredentialReportRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GenerateCredentialReportResponse(_message.Message):
    __slots__ = ("state", "description")
    STATE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    state: str
    description: str
    def __init__(self, state: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class GetCredentialReportRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetCredentialReportResponse(_message.Message):
    __slots__ = ("content", "report_format", "generated_time")
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    REPORT_FORMAT_FIELD_NUMBER: _ClassVar[int]
    GENERATED_TIME_FIELD_NUMBER: _ClassVar[int]
    content: bytes
    report_format: str
    generated_time: _timestamp_pb2.Timestamp
    def __init__(self, content: _Optional[bytes] = ..., report_format: _Optional[str] = ..., generated_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GenerateServiceLastAccessedDetailsRequest(_message.Message):
    __slots__ = ("arn", "granularity")
    ARN_FIELD_NUMBER: _ClassVar[int]
    GRANULARITY_FIELD_NUMBER: _ClassVar[int]
    arn: str
    granularity: str
    def __init__(self, arn: _Optional[str] = ..., granularity: _Optional[str] = ...) -> None: ...

class GenerateServiceLastAccessedDetailsResponse(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class GetServiceLastAccessedDetailsRequest(_message.Message):
    __slots__ = ("job_id", "max_items", "marker")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    max_items: int
    marker: str
    def __init__(self, job_id: _Optional[str] = ..., max_items: _Optional[int] = ..., marker: _Optional[str] = ...) -> None: ...

class TrackedActionLastAccessed(_message.Message):
    __slots__ = ("action_name", "last_accessed_entity", "last_accessed_time", "last_accessed_region")
    ACTION_NAME_FIELD_NUMBER: _ClassVar[int]
    LAST_ACCESSED_ENTITY_FIELD_NUMBER: _ClassVar[int]
    LAST_ACCESSED_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_ACCESSED_REGION_FIELD_NUMBER: _ClassVar[int]
    action_name: str
    last_accessed_entity: str
    last_accessed_time: _timestamp_pb2.Timestamp
    last_accessed_region: str
    def __init__(self, action_name: _Optional[str] = ..., last_accessed_entity: _Optional[str] = ..., last_accessed_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_accessed_region: _Optional[str] = ...) -> None: ...

class ServiceLastAccessed(_message.Message):
    __slots__ = ("service_name", "last_authenticated", "service_namespace", "last_authenticated_entity", "last_authenticated_region", "total_authenticated_entities", "tracked_actions_last_accessed")
    SERVICE_NAME_FIELD_NUMBER: _ClassVar[int]
    LAST_AUTHENTICATED_FIELD_NUMBER: _ClassVar[int]
    SERVICE_NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    LAST_AUTHENTICATED_ENTITY_FIELD_NUMBER: _ClassVar[int]
    LAST_AUTHENTICATED_REGION_FIELD_NUMBER: _ClassVar[int]
    TOTAL_AUTHENTICATED_ENTITIES_FIELD_NUMBER: _ClassVar[int]
    TRACKED_ACTIONS_LAST_ACCESSED_FIELD_NUMBER: _ClassVar[int]
    service_name: str
    last_authenticated: _timestamp_pb2.Timestamp
    service_namespace: str
    last_authenticated_entity: str
    last_authenticated_region: str
    total_authenticated_entities: int
    tracked_actions_last_accessed: _containers.RepeatedCompositeFieldContainer[TrackedActionLastAccessed]
    def __init__(self, service_name: _Optional[str] = ..., last_authenticated: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., service_namespace: _Optional[str] = ..., last_authenticated_entity: _Optional[str] = ..., last_authenticated_region: _Optional[str] = ..., total_authenticated_entities: _Optional[int] = ..., tracked_actions_last_accessed: _Optional[_Iterable[_Union[TrackedActionLastAccessed, _Mapping]]] = ...) -> None: ...

class ErrorDetails(_message.Message):
    __slots__ = ("message", "code")
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    message: str
    code: str
    def __init__(self, message: _Optional[str] = ..., code: _Optional[str] = ...) -> None: ...

class GetServiceLastAccessedDetailsResponse(_message.Message):
    __slots__ = ("job_status", "job_type", "job_creation_date", "services_last_accessed", "job_completion_date", "is_truncated", "marker", "error")
    JOB_STATUS_FIELD_NUMBER: _ClassVar[int]
    JOB_TYPE_FIELD_NUMBER: _ClassVar[int]
    JOB_CREATION_DATE_FIELD_NUMBER: _ClassVar[int]
    SERVICES_LAST_ACCESSED_FIELD_NUMBER: _ClassVar[int]
    JOB_COMPLETION_DATE_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    job_status: str
    job_type: str
    job_creation_date: _timestamp_pb2.Timestamp
    services_last_accessed: _containers.RepeatedCompositeFieldContainer[ServiceLastAccessed]
    job_completion_date: _timestamp_pb2.Timestamp
    is_truncated: bool
    marker: str
    error: ErrorDetails
    def __init__(self, job_status: _Optional[str] = ..., job_type: _Optional[str] = ..., job_creation_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., services_last_accessed: _Optional[_Iterable[_Union[ServiceLastAccessed, _Mapping]]] = ..., job_completion_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ..., error: _Optional[_Union[ErrorDetails, _Mapping]] = ...) -> None: ...

class GetServiceLastAccessedDetailsWithEntitiesRequest(_message.Message):
    __slots__ = ("job_id", "service_namespace", "max_items", "marker")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    SERVICE_NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    service_namespace: str
    max_items: int
    marker: str
    def __init__(self, job_id: _Optional[str] = ..., service_namespace: _Optional[str] = ..., max_items: _Optional[int] = ..., marker: _Optional[str] = ...) -> None: ...

class EntityInfo(_message.Message):
    __slots__ = ("arn", "name", "type", "id", "path")
    ARN_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    arn: str
    name: str
    type: str
    id: str
    path: str
    def __init__(self, arn: _Optional[str] = ..., name: _Optional[str] = ..., type: _Optional[str] = ..., id: _Optional[str] = ..., path: _Optional[str] = ...) -> None: ...

class EntityDetails(_message.Message):
    __slots__ = ("entity_info", "last_authenticated")
    ENTITY_INFO_FIELD_NUMBER: _ClassVar[int]
    LAST_AUTHENTICATED_FIELD_NUMBER: _ClassVar[int]
    entity_info: EntityInfo
    last_authenticated: _timestamp_pb2.Timestamp
    def __init__(self, entity_info: _Optional[_Union[EntityInfo, _Mapping]] = ..., last_authenticated: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetServiceLastAccessedDetailsWithEntitiesResponse(_message.Message):
    __slots__ = ("job_status", "job_creation_date", "job_completion_date", "entity_details_list", "is_truncated", "marker", "error")
    JOB_STATUS_FIELD_NUMBER: _ClassVar[int]
    JOB_CREATION_DATE_FIELD_NUMBER: _ClassVar[int]
    JOB_COMPLETION_DATE_FIELD_NUMBER: _ClassVar[int]
    ENTITY_DETAILS_LIST_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    job_status: str
    job_creation_date: _timestamp_pb2.Timestamp
    job_completion_date: _timestamp_pb2.Timestamp
    entity_details_list: _containers.RepeatedCompositeFieldContainer[EntityDetails]
    is_truncated: bool
    marker: str
    error: ErrorDetails
    def __init__(self, job_status: _Optional[str] = ..., job_creation_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., job_completion_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., entity_details_list: _Optional[_Iterable[_Union[EntityDetails, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ..., error: _Optional[_Union[ErrorDetails, _Mapping]] = ...) -> None: ...
