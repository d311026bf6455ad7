import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PingRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class PingResponse(_message.Message):
    __slots__ = ("node_id",)
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    node_id: str
    def __init__(self, node_id: _Optional[str] = ...) -> None: ...

class StatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class PeerStatus(_message.Message):
    __slots__ = ("node_id", "address", "state", "last_seen_ms_ago")
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    LAST_SEEN_MS_AGO_FIELD_NUMBER: _ClassVar[int]
    node_id: str
    address: str
    state: str
    last_seen_ms_ago: int
    def __init__(self, node_id: _Optional[str] = ..., address: _Optional[str] = ..., state: _Optional[str] = ..., last_seen_ms_ago: _Optional[int] = ...) -> None: ...

class StatusResponse(_message.Message):
    __slots__ = ("node_id", "address", "version_vector", "digest", "peers", "lag_ms", "commits_received", "gossip_rounds", "digest_mismatches", "refused_messages", "removed_members", "removed")
    class VersionVectorEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    class LagMsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    VERSION_VECTOR_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    PEERS_FIELD_NUMBER: _ClassVar[int]
    LAG_MS_FIELD_NUMBER: _ClassVar[int]
    COMMITS_RECEIVED_FIELD_NUMBER: _ClassVar[int]
    GOSSIP_ROUNDS_FIELD_NUMBER: _ClassVar[int]
    DIGEST_MISMATCHES_FIELD_NUMBER: _ClassVar[int]
    REFUSED_MESSAGES_FIELD_NUMBER: _ClassVar[int]
    REMOVED_MEMBERS_FIELD_NUMBER: _ClassVar[int]
    REMOVED_FIELD_NUMBER: _ClassVar[int]
    node_id: str
    address: str
    version_vector: _containers.ScalarMap[str, int]
    digest: str
    peers: _containers.RepeatedCompositeFieldContainer[PeerStatus]
    lag_ms: _containers.ScalarMap[str, int]
    commits_received: int
    gossip_rounds: int
    digest_mismatches: int
    refused_messages: int
    removed_members: _containers.RepeatedCompositeFieldContainer[RemovedMember]
    removed: bool
    def __init__(self, node_id: _Optional[str] = ..., address: _Optional[str] = ..., version_vector: _Optional[_Mapping[str, int]] = ..., digest: _Optional[str] = ..., peers: _Optional[_Iterable[_Union[PeerStatus, _Mapping]]] = ..., lag_ms: _Optional[_Mapping[str, int]] = ..., commits_received: _Optional[int] = ..., gossip_rounds: _Optional[int] = ..., digest_mismatches: _Optional[int] = ..., refused_messages: _Optional[int] = ..., removed_members: _Optional[_Iterable[_Union[RemovedMember, _Mapping]]] = ..., removed: _Optional[bool] = ...) -> None: ...

class RemovedMember(_message.Message):
    __slots__ = ("node_id", "address", "removed_date")
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    REMOVED_DATE_FIELD_NUMBER: _ClassVar[int]
    node_id: str
    address: str
    removed_date: _timestamp_pb2.Timestamp
    def __init__(self, node_id: _Optional[str] = ..., address: _Optional[str] = ..., removed_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Account(_message.Message):
    __slots__ = ("account_id", "account_name", "arn", "create_date", "management")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_NAME_FIELD_NUMBER: _ClassVar[int]
    ARN_FIELD_NUMBER: _ClassVar[int]
    CREATE_DATE_FIELD_NUMBER: _ClassVar[int]
    MANAGEMENT_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    account_name: str
    arn: str
    create_date: _timestamp_pb2.Timestamp
    management: bool
    def __init__(self, account_id: _Optional[str] = ..., account_name: _Optional[str] = ..., arn: _Optional[str] = ..., create_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., management: _Optional[bool] = ...) -> None: ...

class RootCredentials(_message.Message):
    __slots__ = ("access_key_id", "secret_access_key")
    ACCESS_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    SECRET_ACCESS_KEY_FIELD_NUMBER: _ClassVar[int]
    access_key_id: str
    secret_access_key: str
    def __init__(self, access_key_id: _Optional[str] = ..., secret_access_key: _Optional[str] = ...) -> None: ...

class CreateAccountRequest(_message.Message):
    __slots__ = ("account_name", "account_id")
    ACCOUNT_NAME_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    account_name: str
    account_id: str
    def __init__(self, account_name: _Optional[str] = ..., account_id: _Optional[str] = ...) -> None: ...

class CreateAccountResponse(_message.Message):
    __slots__ = ("account", "root_credentials")
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    ROOT_CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    account: Account
    root_credentials: RootCredentials
    def __init__(self, account: _Optional[_Union[Account, _Mapping]] = ..., root_credentials: _Optional[_Union[RootCredentials, _Mapping]] = ...) -> None: ...

class ListAccountsRequest(_message.Message):
    __slots__ = ("marker", "max_items")
    MARKER_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    marker: str
    max_items: int
    def __init__(self, marker: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class ListAccountsResponse(_message.Message):
    __slots__ = ("accounts", "is_truncated", "marker")
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    accounts: _containers.RepeatedCompositeFieldContainer[Account]
    is_truncated: bool
    marker: str
    def __init__(self, accounts: _Optional[_Iterable[_Union[Account, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...
