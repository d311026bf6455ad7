from iamstore.v1 import sts_pb2 as _sts_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SignInRequest(_message.Message):
    __slots__ = ("account", "user_name", "password", "token_code", "duration_seconds")
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    TOKEN_CODE_FIELD_NUMBER: _ClassVar[int]
    DURATION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    account: str
    user_name: str
    password: str
    token_code: str
    duration_seconds: int
    def __init__(self, account: _Optional[str] = ..., user_name: _Optional[str] = ..., password: _Optional[str] = ..., token_code: _Optional[str] = ..., duration_seconds: _Optional[int] = ...) -> None: ...

class SignInResponse(_message.Message):
    __slots__ = ("credentials", "arn", "mfa_authenticated")
    CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    ARN_FIELD_NUMBER: _ClassVar[int]
    MFA_AUTHENTICATED_FIELD_NUMBER: _ClassVar[int]
    credentials: _sts_pb2.TemporaryCredentials
    arn: str
    mfa_authenticated: bool
    def __init__(self, credentials: _Optional[_Union[_sts_pb2.TemporaryCredentials, _Mapping]] = ..., arn: _Optional[str] = ..., mfa_authenticated: _Optional[bool] = ...) -> None: ...
