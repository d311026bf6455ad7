import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from iamstore.v1 import iam_pb2 as _iam_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TemporaryCredentials(_message.Message):
    __slots__ = ("access_key_id", "secret_access_key", "session_token", "expiration")
    ACCESS_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    SECRET_ACCESS_KEY_FIELD_NUMBER: _ClassVar[int]
    SESSION_TOKEN_FIELD_NUMBER: _ClassVar[int]
    EXPIRATION_FIELD_NUMBER: _ClassVar[int]
    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: _timestamp_pb2.Timestamp
    def __init__(self, access_key_id: _Optional[str] = ..., secret_access_key: _Optional[str] = ..., session_token: _Optional[str] = ..., expiration: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AssumedRoleUser(_message.Message):
    __slots__ = ("assumed_role_id", "arn")
    ASSUMED_ROLE_ID_FIELD_NUMBER: _ClassVar[int]
    ARN_FIELD_NUMBER: _ClassVar[int]
    assumed_role_id: str
    arn: str
    def __init__(self, assumed_role_id: _Optional[str] = ..., arn: _Optional[str] = ...) -> None: ...

class PolicyDescriptorType(_message.Message):
    __slots__ = ("arn",)
    ARN_FIELD_NUMBER: _ClassVar[int]
    arn: str
    def __init__(self, arn: _Optional[str] = ...) -> None: ...

class GetCallerIdentityRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetCallerIdentityResponse(_message.Message):
    __slots__ = ("user_id", "account", "arn")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    ARN_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    account: str
    arn: str
    def __init__(self, user_id: _Optional[str] = ..., account: _Optional[str] = ..., arn: _Optional[str] = ...) -> None: ...

class GetSessionTokenRequest(_message.Message):
    __slots__ = ("duration_seconds", "serial_number", "token_code")
    DURATION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    SERIAL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    TOKEN_CODE_FIELD_NUMBER: _ClassVar[int]
    duration_seconds: int
    serial_number: str
    token_code: str
    def __init__(self, duration_seconds: _Optional[int] = ..., serial_number: _Optional[str] = ..., token_code: _Optional[str] = ...) -> None: ...

class GetSessionTokenResponse(_message.Message):
    __slots__ = ("credentials",)
    CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    credentials: TemporaryCredentials
    def __init__(self, credentials: _Optional[_Union[TemporaryCredentials, _Mapping]] = ...) -> None: ...

class AssumeRoleRequest(_message.Message):
    __slots__ = ("role_arn", "role_session_name", "policy_arns", "policy", "duration_seconds", "tags", "transitive_tag_keys", "external_id", "serial_number", "token_code", "source_identity")
    ROLE_ARN_FIELD_NUMBER: _ClassVar[int]
    ROLE_SESSION_NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_ARNS_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    DURATION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    TRANSITIVE_TAG_KEYS_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    SERIAL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    TOKEN_CODE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_IDENTITY_FIELD_NUMBER: _ClassVar[int]
    role_arn: str
    role_session_name: str
    policy_arns: _containers.RepeatedCompositeFieldContainer[PolicyDescriptorType]
    policy: str
    duration_seconds: int
    tags: _containers.RepeatedCompositeFieldContainer[_iam_pb2.Tag]
    transitive_tag_keys: _containers.RepeatedScalarFieldContainer[str]
    external_id: str
    serial_number: str
    token_code: str
    source_identity: str
    def __init__(self, role_arn: _Optional[str] = ..., role_session_name: _Optional[str] = ..., policy_arns: _Optional[_Iterable[_Union[PolicyDescriptorType, _Mapping]]] = ..., policy: _Optional[str] = ..., duration_seconds: _Optional[int] = ..., tags: _Optional[_Iterable[_Union[_iam_pb2.Tag, _Mapping]]] = ..., transitive_tag_keys: _Optional[_Iterable[str]] = ..., external_id: _Optional[str] = ..., serial_number: _Optional[str] = ..., token_code: _Optional[str] = ..., source_identity: _Optional[str] = ...) -> None: ...

class AssumeRoleResponse(_message.Message):
    __slots__ = ("credentials", "assumed_role_user", "packed_policy_size", "source_identity")
    CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    ASSUMED_ROLE_USER_FIELD_NUMBER: _ClassVar[int]
    PACKED_POLICY_SIZE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_IDENTITY_FIELD_NUMBER: _ClassVar[int]
    credentials: TemporaryCredentials
    assumed_role_user: AssumedRoleUser
    packed_policy_size: int
    source_identity: str
    def __init__(self, credentials: _Optional[_Union[TemporaryCredentials, _Mapping]] = ..., assumed_role_user: _Optional[_Union[AssumedRoleUser, _Mapping]] = ..., packed_policy_size: _Optional[int] = ..., source_identity: _Optional[str] = ...) -> None: ...

class AssumeRoleWithWebIdentityRequest(_message.Message):
    __slots__ = ("role_arn", "role_session_name", "web_identity_token", "provider_id", "policy_arns", "policy", "duration_seconds")
    ROLE_ARN_FIELD_NUMBER: _ClassVar[int]
    ROLE_SESSION_NAME_FIELD_NUMBER: _ClassVar[int]
    WEB_IDENTITY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_ID_FIELD_NUMBER: _ClassVar[int]
    POLICY_ARNS_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    DURATION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    role_arn: str
    role_session_name: str
    web_identity_token: str
    provider_id: str
    policy_arns: _containers.RepeatedCompositeFieldContainer[PolicyDescriptorType]
    policy: str
    duration_seconds: int
    def __init__(self, role_arn: _Optional[str] = ..., role_session_name: _Optional[str] = ..., web_identity_token: _Optional[str] = ..., provider_id: _Optional[str] = ..., policy_arns: _Optional[_Iterable[_Union[PolicyDescriptorType, _Mapping]]] = ..., policy: _Optional[str] = ..., duration_seconds: _Optional[int] = ...) -> None: ...

class AssumeRoleWithWebIdentityResponse(_message.Message):
    __slots__ = ("credentials", "subject_from_web_identity_token", "assumed_role_user", "packed_policy_size", "provider", "audience", "source_identity")
    CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FROM_WEB_IDENTITY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ASSUMED_ROLE_USER_FIELD_NUMBER: _ClassVar[int]
    PACKED_POLICY_SIZE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_IDENTITY_FIELD_NUMBER: _ClassVar[int]
    credentials: TemporaryCredentials
    subject_from_web_identity_token: str
    assumed_role_user: AssumedRoleUser
    packed_policy_size: int
    provider: str
    audience: str
    source_identity: str
    def __init__(self, credentials: _Optional[_Union[TemporaryCredentials, _Mapping]] = ..., subject_from_web_identity_token: _Optional[str] = ..., assumed_role_user: _Optional[_Union[AssumedRoleUser, _Mapping]] = ..., packed_policy_size: _Optional[int] = ..., provider: _Optional[str] = ..., audience: _Optional[str] = ..., source_identity: _Optional[str] = ...) -> None: ...

class AssumeRoleWithSAMLRequest(_message.Message):
    __slots__ = ("role_arn", "principal_arn", "saml_assertion", "policy_arns", "policy", "duration_seconds")
    ROLE_ARN_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_ARN_FIELD_NUMBER: _ClassVar[int]
    SAML_ASSERTION_FIELD_NUMBER: _ClassVar[int]
    POLICY_ARNS_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    DURATION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    role_arn: str
    principal_arn: str
    saml_assertion: str
    policy_arns: _containers.RepeatedCompositeFieldContainer[PolicyDescriptorType]
    policy: str
    duration_seconds: int
    def __init__(self, role_arn: _Optional[str] = ..., principal_arn: _Optional[str] = ..., saml_assertion: _Optional[str] = ..., policy_arns: _Optional[_Iterable[_Union[PolicyDescriptorType, _Mapping]]] = ..., policy: _Optional[str] = ..., duration_seconds: _Optional[int] = ...) -> None: ...

class AssumeRoleWithSAMLResponse(_message.Message):
    __slots__ = ("credentials", "assumed_role_user", "packed_policy_size", "subject", "subject_type", "issuer", "audience", "name_qualifier", "source_identity")
    CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    ASSUMED_ROLE_USER_FIELD_NUMBER: _ClassVar[int]
    PACKED_POLICY_SIZE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_TYPE_FIELD_NUMBER: _ClassVar[int]
    ISSUER_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    NAME_QUALIFIER_FIELD_NUMBER: _ClassVar[int]
    SOURCE_IDENTITY_FIELD_NUMBER: _ClassVar[int]
    credentials: TemporaryCredentials
    assumed_role_user: AssumedRoleUser
    packed_policy_size: int
    subject: str
    subject_type: str
    issuer: str
    audience: str
    name_qualifier: str
    source_identity: str
    def __init__(self, credentials: _Optional[_Union[TemporaryCredentials, _Mapping]] = ..., assumed_role_user: _Optional[_Union[AssumedRoleUser, _Mapping]] = ..., packed_policy_size: _Optional[int] = ..., subject: _Optional[str] = ..., subject_type: _Optional[str] = ..., issuer: _Optional[str] = ..., audience: _Optional[str] = ..., name_qualifier: _Optional[str] = ..., source_identity: _Optional[str] = ...) -> None: ...

class GetAccessKeyInfoRequest(_message.Message):
    __slots__ = ("access_key_id",)
    ACCESS_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    access_key_id: str
    def __init__(self, access_key_id: _Optional[str] = ...) -> None: ...

class GetAccessKeyInfoResponse(_message.Message):
    __slots__ = ("account",)
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    account: str
    def __init__(self, account: _Optional[str] = ...) -> None: ...

class GetFederationTokenRequest(_message.Message):
    __slots__ = ("name", "policy", "policy_arns", "duration_seconds", "tags")
    NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    POLICY_ARNS_FIELD_NUMBER: _ClassVar[int]
    DURATION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    name: str
    policy: str
    policy_arns: _containers.RepeatedCompositeFieldContainer[PolicyDescriptorType]
    duration_seconds: int
    tags: _containers.RepeatedCompositeFieldContainer[_iam_pb2.Tag]
    def __init__(self, name: _Optional[str] = ..., policy: _Optional[str] = ..., policy_arns: _Optional[_Iterable[_Union[PolicyDescriptorType, _Mapping]]] = ..., duration_seconds: _Optional[int] = ..., tags: _Optional[_Iterable[_Union[_iam_pb2.Tag, _Mapping]]] = ...) -> None: ...

class FederatedUser(_message.Message):
    __slots__ = ("federated_user_id", "arn")
    FEDERATED_USER_ID_FIELD_NUMBER: _ClassVar[int]
    ARN_FIELD_NUMBER: _ClassVar[int]
    federated_user_id: str
    arn: str
    def __init__(self, federated_user_id: _Optional[str] = ..., arn: _Optional[str] = ...) -> None: ...

class GetFederationTokenResponse(_message.Message):
    __slots__ = ("credentials", "federated_user", "packed_policy_size")
    CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    FEDERATED_USER_FIELD_NUMBER: _ClassVar[int]
    PACKED_POLICY_SIZE_FIELD_NUMBER: _ClassVar[int]
    credentials: TemporaryCredentials
    federated_user: FederatedUser
    packed_policy_size: int
    def __init__(self, credentials: _Optional[_Union[TemporaryCredentials, _Mapping]] = ..., federated_user: _Optional[_Union[FederatedUser, _Mapping]] = ..., packed_policy_size: _Optional[int] = ...) -> None: ...

class DecodeAuthorizationMessageRequest(_message.Message):
    __slots__ = ("encoded_message",)
    ENCODED_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    encoded_message: str
    def __init__(self, encoded_message: _Optional[str] = ...) -> None: ...

class DecodeAuthorizationMessageResponse(_message.Message):
    __slots__ = ("decoded_message",)
    DECODED_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    decoded_message: str
    def __init__(self, decoded_message: _Optional[str] = ...) -> None: ...
