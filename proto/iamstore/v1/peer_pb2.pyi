from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Member(_message.Message):
    __slots__ = ("node_id", "address")
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    node_id: str
    address: str
    def __init__(self, node_id: _Optional[str] = ..., address: _Optional[str] = ...) -> None: ...

class PushRequest(_message.Message):
    __slots__ = ("from_node", "commits", "version_vector", "members")
    class VersionVectorEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    FROM_NODE_FIELD_NUMBER: _ClassVar[int]
    COMMITS_FIELD_NUMBER: _ClassVar[int]
    VERSION_VECTOR_FIELD_NUMBER: _ClassVar[int]
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    from_node: str
    commits: _containers.RepeatedScalarFieldContainer[bytes]
    version_vector: _containers.ScalarMap[str, int]
    members: _containers.RepeatedCompositeFieldContainer[Member]
    def __init__(self, from_node: _Optional[str] = ..., commits: _Optional[_Iterable[bytes]] = ..., version_vector: _Optional[_Mapping[str, int]] = ..., members: _Optional[_Iterable[_Union[Member, _Mapping]]] = ...) -> None: ...

class PushResponse(_message.Message):
    __slots__ = ("version_vector", "applied")
    class VersionVectorEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    VERSION_VECTOR_FIELD_NUMBER: _ClassVar[int]
    APPLIED_FIELD_NUMBER: _ClassVar[int]
    version_vector: _containers.ScalarMap[str, int]
    applied: int
    def __init__(self, version_vector: _Optional[_Mapping[str, int]] = ..., applied: _Optional[int] = ...) -> None: ...

class ExchangeRequest(_message.Message):
    __slots__ = ("from_node", "version_vector", "max_commits", "members", "digest", "after", "promises")
    class VersionVectorEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    class AfterEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    class PromisesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: Promise
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[Promise, _Mapping]] = ...) -> None: ...
    FROM_NODE_FIELD_NUMBER: _ClassVar[int]
    VERSION_VECTOR_FIELD_NUMBER: _ClassVar[int]
    MAX_COMMITS_FIELD_NUMBER: _ClassVar[int]
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    AFTER_FIELD_NUMBER: _ClassVar[int]
    PROMISES_FIELD_NUMBER: _ClassVar[int]
    from_node: str
    version_vector: _containers.ScalarMap[str, int]
    max_commits: int
    members: _containers.RepeatedCompositeFieldContainer[Member]
    digest: str
    after: _containers.ScalarMap[str, int]
    promises: _containers.MessageMap[str, Promise]
    def __init__(self, from_node: _Optional[str] = ..., version_vector: _Optional[_Mapping[str, int]] = ..., max_commits: _Optional[int] = ..., members: _Optional[_Iterable[_Union[Member, _Mapping]]] = ..., digest: _Optional[str] = ..., after: _Optional[_Mapping[str, int]] = ..., promises: _Optional[_Mapping[str, Promise]] = ...) -> None: ...

class Promise(_message.Message):
    __slots__ = ("seq", "hlc")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    HLC_FIELD_NUMBER: _ClassVar[int]
    seq: int
    hlc: int
    def __init__(self, seq: _Optional[int] = ..., hlc: _Optional[int] = ...) -> None: ...

class ExchangeResponse(_message.Message):
    __slots__ = ("commits", "version_vector", "members", "digest", "more", "purged", "promises")
    class VersionVectorEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    class PromisesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: Promise
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[Promise, _Mapping]] = ...) -> None: ...
    COMMITS_FIELD_NUMBER: _ClassVar[int]
    VERSION_VECTOR_FIELD_NUMBER: _ClassVar[int]
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    MORE_FIELD_NUMBER: _ClassVar[int]
    PURGED_FIELD_NUMBER: _ClassVar[int]
    PROMISES_FIELD_NUMBER: _ClassVar[int]
    commits: _containers.RepeatedScalarFieldContainer[bytes]
    version_vector: _containers.ScalarMap[str, int]
    members: _containers.RepeatedCompositeFieldContainer[Member]
    digest: str
    more: bool
    purged: bool
    promises: _containers.MessageMap[str, Promise]
    def __init__(self, commits: _Optional[_Iterable[bytes]] = ..., version_vector: _Optional[_Mapping[str, int]] = ..., members: _Optional[_Iterable[_Union[Member, _Mapping]]] = ..., digest: _Optional[str] = ..., more: _Optional[bool] = ..., purged: _Optional[bool] = ..., promises: _Optional[_Mapping[str, Promise]] = ...) -> None: ...

class SnapshotRequest(_message.Message):
    __slots__ = ("from_node", "version_vector")
    class VersionVectorEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    FROM_NODE_FIELD_NUMBER: _ClassVar[int]
    VERSION_VECTOR_FIELD_NUMBER: _ClassVar[int]
    from_node: str
    version_vector: _containers.ScalarMap[str, int]
    def __init__(self, from_node: _Optional[str] = ..., version_vector: _Optional[_Mapping[str, int]] = ...) -> None: ...

class SnapshotResponse(_message.Message):
    __slots__ = ("snapshot",)
    SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    snapshot: bytes
    def __init__(self, snapshot: _Optional[bytes] = ...) -> None: ...

class SnapshotChunk(_message.Message):
    __slots__ = ("data", "mac")
    DATA_FIELD_NUMBER: _ClassVar[int]
    MAC_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    mac: bytes
    def __init__(self, data: _Optional[bytes] = ..., mac: _Optional[bytes] = ...) -> None: ...

class RemoveMemberRequest(_message.Message):
    __slots__ = ("address", "node_id")
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    address: str
    node_id: str
    def __init__(self, address: _Optional[str] = ..., node_id: _Optional[str] = ...) -> None: ...

class RemoveMemberResponse(_message.Message):
    __slots__ = ("removed",)
    REMOVED_FIELD_NUMBER: _ClassVar[int]
    removed: bool
    def __init__(self, removed: _Optional[bool] = ...) -> None: ...
