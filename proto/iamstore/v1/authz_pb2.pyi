from iamstore.v1 import iam_pb2 as _iam_pb2
from iamstore.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ContextEntry(_message.Message):
    __slots__ = ("context_key_name", "context_key_values", "context_key_type")
    CONTEXT_KEY_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_KEY_VALUES_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_KEY_TYPE_FIELD_NUMBER: _ClassVar[int]
    context_key_name: str
    context_key_values: _containers.RepeatedScalarFieldContainer[str]
    context_key_type: str
    def __init__(self, context_key_name: _Optional[str] = ..., context_key_values: _Optional[_Iterable[str]] = ..., context_key_type: _Optional[str] = ...) -> None: ...

class SignedRequest(_message.Message):
    __slots__ = ("method", "path", "query", "headers", "payload_sha256")
    METHOD_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_SHA256_FIELD_NUMBER: _ClassVar[int]
    method: str
    path: str
    query: str
    headers: _containers.RepeatedCompositeFieldContainer[SignedRequestHeader]
    payload_sha256: str
    def __init__(self, method: _Optional[str] = ..., path: _Optional[str] = ..., query: _Optional[str] = ..., headers: _Optional[_Iterable[_Union[SignedRequestHeader, _Mapping]]] = ..., payload_sha256: _Optional[str] = ...) -> None: ...

class SignedRequestHeader(_message.Message):
    __slots__ = ("name", "value")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    value: str
    def __init__(self, name: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...

class AuthorizeRequest(_message.Message):
    __slots__ = ("principal_arn", "access_key_id", "action", "resource_arn", "resource_account", "resource_policy", "resource_tags", "request_tags", "context_entries", "source_ip", "user_agent", "requested_region", "secure_transport", "session_token", "signed_request", "encode_failure_message")
    PRINCIPAL_ARN_FIELD_NUMBER: _ClassVar[int]
    ACCESS_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_ARN_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_POLICY_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_TAGS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_TAGS_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_ENTRIES_FIELD_NUMBER: _ClassVar[int]
    SOURCE_IP_FIELD_NUMBER: _ClassVar[int]
    USER_AGENT_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_REGION_FIELD_NUMBER: _ClassVar[int]
    SECURE_TRANSPORT_FIELD_NUMBER: _ClassVar[int]
    SESSION_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SIGNED_REQUEST_FIELD_NUMBER: _ClassVar[int]
    ENCODE_FAILURE_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    principal_arn: str
    access_key_id: str
    action: str
    resource_arn: str
    resource_account: str
    resource_policy: str
    resource_tags: _containers.RepeatedCompositeFieldContainer[_iam_pb2.Tag]
    request_tags: _containers.RepeatedCompositeFieldContainer[_iam_pb2.Tag]
    context_entries: _containers.RepeatedCompositeFieldContainer[ContextEntry]
    source_ip: str
    user_agent: str
    requested_region: str
    secure_transport: bool
    session_token: str
    signed_request: SignedRequest
    encode_failure_message: bool
    def __init__(self, principal_arn: _Optional[str] = ..., access_key_id: _Optional[str] = ..., action: _Optional[str] = ..., resource_arn: _Optional[str] = ..., resource_account: _Optional[str] = ..., resource_policy: _Optional[str] = ..., resource_tags: _Optional[_Iterable[_Union[_iam_pb2.Tag, _Mapping]]] = ..., request_tags: _Optional[_Iterable[_Union[_iam_pb2.Tag, _Mapping]]] = ..., context_entries: _Optional[_Iterable[_Union[ContextEntry, _Mapping]]] = ..., source_ip: _Optional[str] = ..., user_agent: _Optional[str] = ..., requested_region: _Optional[str] = ..., secure_transport: _Optional[bool] = ..., session_token: _Optional[str] = ..., signed_request: _Optional[_Union[SignedRequest, _Mapping]] = ..., encode_failure_message: _Optional[bool] = ...) -> None: ...

class MatchedStatement(_message.Message):
    __slots__ = ("policy_type", "policy_name", "statement_index", "sid")
    POLICY_TYPE_FIELD_NUMBER: _ClassVar[int]
    POLICY_NAME_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_INDEX_FIELD_NUMBER: _ClassVar[int]
    SID_FIELD_NUMBER: _ClassVar[int]
    policy_type: str
    policy_name: str
    statement_index: int
    sid: str
    def __init__(self, policy_type: _Optional[str] = ..., policy_name: _Optional[str] = ..., statement_index: _Optional[int] = ..., sid: _Optional[str] = ...) -> None: ...

class AuthorizeResponse(_message.Message):
    __slots__ = ("decision", "matched_statements", "principal_arn", "encoded_message")
    DECISION_FIELD_NUMBER: _ClassVar[int]
    MATCHED_STATEMENTS_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_ARN_FIELD_NUMBER: _ClassVar[int]
    ENCODED_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    decision: str
    matched_statements: _containers.RepeatedCompositeFieldContainer[MatchedStatement]
    principal_arn: str
    encoded_message: str
    def __init__(self, decision: _Optional[str] = ..., matched_statements: _Optional[_Iterable[_Union[MatchedStatement, _Mapping]]] = ..., principal_arn: _Optional[str] = ..., encoded_message: _Optional[str] = ...) -> None: ...

class AuthorizeBatchRequest(_message.Message):
    __slots__ = ("requests",)
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    requests: _containers.RepeatedCompositeFieldContainer[AuthorizeRequest]
    def __init__(self, requests: _Optional[_Iterable[_Union[AuthorizeRequest, _Mapping]]] = ...) -> None: ...

class AuthorizeBatchResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[AuthorizeResponse]
    def __init__(self, results: _Optional[_Iterable[_Union[AuthorizeResponse, _Mapping]]] = ...) -> None: ...

class SimulatePrincipalPolicyRequest(_message.Message):
    __slots__ = ("policy_source_arn", "policy_input_list", "permissions_boundary_policy_input_list", "policy_exclusion_list", "action_names", "resource_arns", "resource_policy", "resource_owner", "caller_arn", "context_entries", "resource_handling_option", "max_items", "marker")
    POLICY_SOURCE_ARN_FIELD_NUMBER: _ClassVar[int]
    POLICY_INPUT_LIST_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_BOUNDARY_POLICY_INPUT_LIST_FIELD_NUMBER: _ClassVar[int]
    POLICY_EXCLUSION_LIST_FIELD_NUMBER: _ClassVar[int]
    ACTION_NAMES_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_ARNS_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_POLICY_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_OWNER_FIELD_NUMBER: _ClassVar[int]
    CALLER_ARN_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_ENTRIES_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_HANDLING_OPTION_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    policy_source_arn: str
    policy_input_list: _containers.RepeatedScalarFieldContainer[str]
    permissions_boundary_policy_input_list: _containers.RepeatedScalarFieldContainer[str]
    policy_exclusion_list: _containers.RepeatedScalarFieldContainer[str]
    action_names: _containers.RepeatedScalarFieldContainer[str]
    resource_arns: _containers.RepeatedScalarFieldContainer[str]
    resource_policy: str
    resource_owner: str
    caller_arn: str
    context_entries: _containers.RepeatedCompositeFieldContainer[ContextEntry]
    resource_handling_option: str
    max_items: int
    marker: str
    def __init__(self, policy_source_arn: _Optional[str] = ..., policy_input_list: _Optional[_Iterable[str]] = ..., permissions_boundary_policy_input_list: _Optional[_Iterable[str]] = ..., policy_exclusion_list: _Optional[_Iterable[str]] = ..., action_names: _Optional[_Iterable[str]] = ..., resource_arns: _Optional[_Iterable[str]] = ..., resource_policy: _Optional[str] = ..., resource_owner: _Optional[str] = ..., caller_arn: _Optional[str] = ..., context_entries: _Optional[_Iterable[_Union[ContextEntry, _Mapping]]] = ..., resource_handling_option: _Optional[str] = ..., max_items: _Optional[int] = ..., marker: _Optional[str] = ...) -> None: ...

class SimulateCustomPolicyRequest(_message.Message):
    __slots__ = ("policy_input_list", "permissions_boundary_policy_input_list", "ordered_organization_policy_input_list", "action_names", "resource_arns", "resource_policy", "resource_owner", "caller_arn", "context_entries", "resource_handling_option", "max_items", "marker")
    POLICY_INPUT_LIST_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_BOUNDARY_POLICY_INPUT_LIST_FIELD_NUMBER: _ClassVar[int]
    ORDERED_ORGANIZATION_POLICY_INPUT_LIST_FIELD_NUMBER: _ClassVar[int]
    ACTION_NAMES_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_ARNS_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_POLICY_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_OWNER_FIELD_NUMBER: _ClassVar[int]
    CALLER_ARN_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_ENTRIES_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_HANDLING_OPTION_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    policy_input_list: _containers.RepeatedScalarFieldContainer[str]
    permissions_boundary_policy_input_list: _containers.RepeatedScalarFieldContainer[str]
    ordered_organization_policy_input_list: _containers.RepeatedCompositeFieldContainer[OrderedOrganizationPolicy]
    action_names: _containers.RepeatedScalarFieldContainer[str]
    resource_arns: _containers.RepeatedScalarFieldContainer[str]
    resource_policy: str
    resource_owner: str
    caller_arn: str
    context_entries: _containers.RepeatedCompositeFieldContainer[ContextEntry]
    resource_handling_option: str
    max_items: int
    marker: str
    def __init__(self, policy_input_list: _Optional[_Iterable[str]] = ..., permissions_boundary_policy_input_list: _Optional[_Iterable[str]] = ..., ordered_organization_policy_input_list: _Optional[_Iterable[_Union[OrderedOrganizationPolicy, _Mapping]]] = ..., action_names: _Optional[_Iterable[str]] = ..., resource_arns: _Optional[_Iterable[str]] = ..., resource_policy: _Optional[str] = ..., resource_owner: _Optional[str] = ..., caller_arn: _Optional[str] = ..., context_entries: _Optional[_Iterable[_Union[ContextEntry, _Mapping]]] = ..., resource_handling_option: _Optional[str] = ..., max_items: _Optional[int] = ..., marker: _Optional[str] = ...) -> None: ...

class OrderedOrganizationPolicy(_message.Message):
    __slots__ = ("service_control_policy_input_list",)
    SERVICE_CONTROL_POLICY_INPUT_LIST_FIELD_NUMBER: _ClassVar[int]
    service_control_policy_input_list: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, service_control_policy_input_list: _Optional[_Iterable[str]] = ...) -> None: ...

class Position(_message.Message):
    __slots__ = ("line", "column")
    LINE_FIELD_NUMBER: _ClassVar[int]
    COLUMN_FIELD_NUMBER: _ClassVar[int]
    line: int
    column: int
    def __init__(self, line: _Optional[int] = ..., column: _Optional[int] = ...) -> None: ...

class Statement(_message.Message):
    __slots__ = ("source_policy_id", "source_policy_type", "start_position", "end_position")
    SOURCE_POLICY_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_POLICY_TYPE_FIELD_NUMBER: _ClassVar[int]
    START_POSITION_FIELD_NUMBER: _ClassVar[int]
    END_POSITION_FIELD_NUMBER: _ClassVar[int]
    source_policy_id: str
    source_policy_type: str
    start_position: Position
    end_position: Position
    def __init__(self, source_policy_id: _Optional[str] = ..., source_policy_type: _Optional[str] = ..., start_position: _Optional[_Union[Position, _Mapping]] = ..., end_position: _Optional[_Union[Position, _Mapping]] = ...) -> None: ...

class PermissionsBoundaryDecisionDetail(_message.Message):
    __slots__ = ("allowed_by_permissions_boundary",)
    ALLOWED_BY_PERMISSIONS_BOUNDARY_FIELD_NUMBER: _ClassVar[int]
    allowed_by_permissions_boundary: bool
    def __init__(self, allowed_by_permissions_boundary: _Optional[bool] = ...) -> None: ...

class OrganizationsDecisionDetail(_message.Message):
    __slots__ = ("allowed_by_organizations",)
    ALLOWED_BY_ORGANIZATIONS_FIELD_NUMBER: _ClassVar[int]
    allowed_by_organizations: bool
    def __init__(self, allowed_by_organizations: _Optional[bool] = ...) -> None: ...

class ResourceSpecificResult(_message.Message):
    __slots__ = ("eval_resource_name", "eval_resource_decision", "matched_statements", "missing_context_values", "eval_decision_details", "permissions_boundary_decision_detail")
    class EvalDecisionDetailsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    EVAL_RESOURCE_NAME_FIELD_NUMBER: _ClassVar[int]
    EVAL_RESOURCE_DECISION_FIELD_NUMBER: _ClassVar[int]
    MATCHED_STATEMENTS_FIELD_NUMBER: _ClassVar[int]
    MISSING_CONTEXT_VALUES_FIELD_NUMBER: _ClassVar[int]
    EVAL_DECISION_DETAILS_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_BOUNDARY_DECISION_DETAIL_FIELD_NUMBER: _ClassVar[int]
    eval_resource_name: str
    eval_resource_decision: str
    matched_statements: _containers.RepeatedCompositeFieldContainer[Statement]
    missing_context_values: _containers.RepeatedScalarFieldContainer[str]
    eval_decision_details: _containers.ScalarMap[str, str]
    permissions_boundary_decision_detail: PermissionsBoundaryDecisionDetail
    def __init__(self, eval_resource_name: _Optional[str] = ..., eval_resource_decision: _Optional[str] = ..., matched_statements: _Optional[_Iterable[_Union[Statement, _Mapping]]] = ..., missing_context_values: _Optional[_Iterable[str]] = ..., eval_decision_details: _Optional[_Mapping[str, str]] = ..., permissions_boundary_decision_detail: _Optional[_Union[PermissionsBoundaryDecisionDetail, _Mapping]] = ...) -> None: ...

class EvaluationResult(_message.Message):
    __slots__ = ("eval_action_name", "eval_resource_name", "eval_decision", "matched_statements", "missing_context_values", "organizations_decision_detail", "permissions_boundary_decision_detail", "eval_decision_details", "resource_specific_results")
    class EvalDecisionDetailsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    EVAL_ACTION_NAME_FIELD_NUMBER: _ClassVar[int]
    EVAL_RESOURCE_NAME_FIELD_NUMBER: _ClassVar[int]
    EVAL_DECISION_FIELD_NUMBER: _ClassVar[int]
    MATCHED_STATEMENTS_FIELD_NUMBER: _ClassVar[int]
    MISSING_CONTEXT_VALUES_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATIONS_DECISION_DETAIL_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_BOUNDARY_DECISION_DETAIL_FIELD_NUMBER: _ClassVar[int]
    EVAL_DECISION_DETAILS_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_SPECIFIC_RESULTS_FIELD_NUMBER: _ClassVar[int]
    eval_action_name: str
    eval_resource_name: str
    eval_decision: str
    matched_statements: _containers.RepeatedCompositeFieldContainer[Statement]
    missing_context_values: _containers.RepeatedScalarFieldContainer[str]
    organizations_decision_detail: OrganizationsDecisionDetail
    permissions_boundary_decision_detail: PermissionsBoundaryDecisionDetail
    eval_decision_details: _containers.ScalarMap[str, str]
    resource_specific_results: _containers.RepeatedCompositeFieldContainer[ResourceSpecificResult]
    def __init__(self, eval_action_name: _Optional[str] = ..., eval_resource_name: _Optional[str] = ..., eval_decision: _Optional[str] = ..., matched_statements: _Optional[_Iterable[_Union[Statement, _Mapping]]] = ..., missing_context_values: _Optional[_Iterable[str]] = ..., organizations_decision_detail: _Optional[_Union[OrganizationsDecisionDetail, _Mapping]] = ..., permissions_boundary_decision_detail: _Optional[_Union[PermissionsBoundaryDecisionDetail, _Mapping]] = ..., eval_decision_details: _Optional[_Mapping[str, str]] = ..., resource_specific_results: _Optional[_Iterable[_Union[ResourceSpecificResult, _Mapping]]] = ...) -> None: ...

class SimulatePolicyResponse(_message.Message):
    __slots__ = ("evaluation_results", "is_truncated", "marker")
    EVALUATION_RESULTS_FIELD_NUMBER: _ClassVar[int]
    IS_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    MARKER_FIELD_NUMBER: _ClassVar[int]
    evaluation_results: _containers.RepeatedCompositeFieldContainer[EvaluationResult]
    is_truncated: bool
    marker: str
    def __init__(self, evaluation_results: _Optional[_Iterable[_Union[EvaluationResult, _Mapping]]] = ..., is_truncated: _Optional[bool] = ..., marker: _Optional[str] = ...) -> None: ...

class GetContextKeysForCustomPolicyRequest(_message.Message):
    __slots__ = ("policy_input_list",)
    POLICY_INPUT_LIST_FIELD_NUMBER: _ClassVar[int]
    policy_input_list: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, policy_input_list: _Optional[_Iterable[str]] = ...) -> None: ...

class GetContextKeysForPrincipalPolicyRequest(_message.Message):
    __slots__ = ("policy_source_arn", "policy_input_list")
    POLICY_SOURCE_ARN_FIELD_NUMBER: _ClassVar[int]
    POLICY_INPUT_LIST_FIELD_NUMBER: _ClassVar[int]
    policy_source_arn: str
    policy_input_list: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, policy_source_arn: _Optional[str] = ..., policy_input_list: _Optional[_Iterable[str]] = ...) -> None: ...

class GetContextKeysForPolicyResponse(_message.Message):
    __slots__ = ("context_key_names",)
    CONTEXT_KEY_NAMES_FIELD_NUMBER: _ClassVar[int]
    context_key_names: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, context_key_names: _Optional[_Iterable[str]] = ...) -> None: ...

class ValidatePolicyRequest(_message.Message):
    __slots__ = ("policy_document", "policy_type", "validate_policy_resource_type", "max_results", "next_token")
    POLICY_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    POLICY_TYPE_FIELD_NUMBER: _ClassVar[int]
    VALIDATE_POLICY_RESOURCE_TYPE_FIELD_NUMBER: _ClassVar[int]
    MAX_RESULTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_TOKEN_FIELD_NUMBER: _ClassVar[int]
    policy_document: str
    policy_type: str
    validate_policy_resource_type: str
    max_results: int
    next_token: str
    def __init__(self, policy_document: _Optional[str] = ..., policy_type: _Optional[str] = ..., validate_policy_resource_type: _Optional[str] = ..., max_results: _Optional[int] = ..., next_token: _Optional[str] = ...) -> None: ...

class FindingPathElement(_message.Message):
    __slots__ = ("index", "value")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    index: int
    value: str
    def __init__(self, index: _Optional[int] = ..., value: _Optional[str] = ...) -> None: ...

class FindingLocation(_message.Message):
    __slots__ = ("path",)
    PATH_FIELD_NUMBER: _ClassVar[int]
    path: _containers.RepeatedCompositeFieldContainer[FindingPathElement]
    def __init__(self, path: _Optional[_Iterable[_Union[FindingPathElement, _Mapping]]] = ...) -> None: ...

class ValidatePolicyFinding(_message.Message):
    __slots__ = ("finding_details", "finding_type", "issue_code", "learn_more_link", "locations")
    FINDING_DETAILS_FIELD_NUMBER: _ClassVar[int]
    FINDING_TYPE_FIELD_NUMBER: _ClassVar[int]
    ISSUE_CODE_FIELD_NUMBER: _ClassVar[int]
    LEARN_MORE_LINK_FIELD_NUMBER: _ClassVar[int]
    LOCATIONS_FIELD_NUMBER: _ClassVar[int]
    finding_details: str
    finding_type: str
    issue_code: str
    learn_more_link: str
    locations: _containers.RepeatedCompositeFieldContainer[FindingLocation]
    def __init__(self, finding_details: _Optional[str] = ..., finding_type: _Optional[str] = ..., issue_code: _Optional[str] = ..., learn_more_link: _Optional[str] = ..., locations: _Optional[_Iterable[_Union[FindingLocation, _Mapping]]] = ...) -> None: ...

class ValidatePolicyResponse(_message.Message):
    __slots__ = ("findings", "next_token")
    FINDINGS_FIELD_NUMBER: _ClassVar[int]
    NEXT_TOKEN_FIELD_NUMBER: _ClassVar[int]
    findings: _containers.RepeatedCompositeFieldContainer[ValidatePolicyFinding]
    next_token: str
    def __init__(self, findings: _Optional[_Iterable[_Union[ValidatePolicyFinding, _Mapping]]] = ..., next_token: _Optional[str] = ...) -> None: ...
