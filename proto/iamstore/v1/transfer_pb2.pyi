from iamstore.v1 import iam_pb2 as _iam_pb2
from iamstore.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ImportAccountRequest(_message.Message):
    __slots__ = ("import_id", "account_id", "user_detail_list", "group_detail_list", "role_detail_list", "policies", "commit", "replace", "dry_run", "part_number", "part_count")
    IMPORT_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_DETAIL_LIST_FIELD_NUMBER: _ClassVar[int]
    GROUP_DETAIL_LIST_FIELD_NUMBER: _ClassVar[int]
    ROLE_DETAIL_LIST_FIELD_NUMBER: _ClassVar[int]
    POLICIES_FIELD_NUMBER: _ClassVar[int]
    COMMIT_FIELD_NUMBER: _ClassVar[int]
    REPLACE_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    PART_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PART_COUNT_FIELD_NUMBER: _ClassVar[int]
    import_id: str
    account_id: str
    user_detail_list: _containers.RepeatedCompositeFieldContainer[_iam_pb2.UserDetail]
    group_detail_list: _containers.RepeatedCompositeFieldContainer[_iam_pb2.GroupDetail]
    role_detail_list: _containers.RepeatedCompositeFieldContainer[_iam_pb2.RoleDetail]
    policies: _containers.RepeatedCompositeFieldContainer[_iam_pb2.ManagedPolicyDetail]
    commit: bool
    replace: bool
    dry_run: bool
    part_number: int
    part_count: int
    def __init__(self, import_id: _Optional[str] = ..., account_id: _Optional[str] = ..., user_detail_list: _Optional[_Iterable[_Union[_iam_pb2.UserDetail, _Mapping]]] = ..., group_detail_list: _Optional[_Iterable[_Union[_iam_pb2.GroupDetail, _Mapping]]] = ..., role_detail_list: _Optional[_Iterable[_Union[_iam_pb2.RoleDetail, _Mapping]]] = ..., policies: _Optional[_Iterable[_Union[_iam_pb2.ManagedPolicyDetail, _Mapping]]] = ..., commit: _Optional[bool] = ..., replace: _Optional[bool] = ..., dry_run: _Optional[bool] = ..., part_number: _Optional[int] = ..., part_count: _Optional[int] = ...) -> None: ...

class ImportTally(_message.Message):
    __slots__ = ("kind", "created", "unchanged", "conflicts", "replaced")
    KIND_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    UNCHANGED_FIELD_NUMBER: _ClassVar[int]
    CONFLICTS_FIELD_NUMBER: _ClassVar[int]
    REPLACED_FIELD_NUMBER: _ClassVar[int]
    kind: str
    created: int
    unchanged: int
    conflicts: int
    replaced: int
    def __init__(self, kind: _Optional[str] = ..., created: _Optional[int] = ..., unchanged: _Optional[int] = ..., conflicts: _Optional[int] = ..., replaced: _Optional[int] = ...) -> None: ...

class ImportConflict(_message.Message):
    __slots__ = ("kind", "name", "reason")
    KIND_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    kind: str
    name: str
    reason: str
    def __init__(self, kind: _Optional[str] = ..., name: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ImportAccountResponse(_message.Message):
    __slots__ = ("staged_entities", "tallies", "conflicts", "commits")
    STAGED_ENTITIES_FIELD_NUMBER: _ClassVar[int]
    TALLIES_FIELD_NUMBER: _ClassVar[int]
    CONFLICTS_FIELD_NUMBER: _ClassVar[int]
    COMMITS_FIELD_NUMBER: _ClassVar[int]
    staged_entities: int
    tallies: _containers.RepeatedCompositeFieldContainer[ImportTally]
    conflicts: _containers.RepeatedCompositeFieldContainer[ImportConflict]
    commits: int
    def __init__(self, staged_entities: _Optional[int] = ..., tallies: _Optional[_Iterable[_Union[ImportTally, _Mapping]]] = ..., conflicts: _Optional[_Iterable[_Union[ImportConflict, _Mapping]]] = ..., commits: _Optional[int] = ...) -> None: ...
