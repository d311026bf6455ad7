"""AWS's global condition keys (`aws:`), with the value type and multiplicity AWS documents.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
(each key's "Data type" and "Value type"). The Service Authorization Reference lists only the
tag keys among them, under each service that supports them.
"""

from __future__ import annotations

from iamstore.node.policy.operators import ValueType
from iamstore.node.policy.validation.catalog import ConditionKey, KeyTable

_S, _A, _B, _N, _D, _I = (
    ValueType.STRING,
    ValueType.ARN,
    ValueType.BOOL,
    ValueType.NUMERIC,
    ValueType.DATE,
    ValueType.IP,
)

# (name, type, multivalued)
_KEYS: tuple[tuple[str, ValueType, bool], ...] = (
    # Properties of the principal
    ("aws:PrincipalArn", _A, False),
    ("aws:PrincipalAccount", _S, False),
    ("aws:PrincipalOrgPaths", _S, True),
    ("aws:PrincipalOrgID", _S, False),
    ("aws:PrincipalTag/${TagKey}", _S, False),
    ("aws:PrincipalIsAWSService", _B, False),
    ("aws:PrincipalServiceName", _S, False),
    ("aws:PrincipalServiceNamesList", _S, True),
    ("aws:PrincipalType", _S, False),
    ("aws:userid", _S, False),
    ("aws:username", _S, False),
    # Properties of a role session
    ("aws:AssumedRoot", _S, False),
    ("aws:FederatedProvider", _S, False),
    ("aws:TokenIssueTime", _D, False),
    ("aws:MultiFactorAuthAge", _N, False),
    ("aws:MultiFactorAuthPresent", _B, False),
    ("aws:ChatbotSourceArn", _A, False),
    ("aws:Ec2InstanceSourceVpc", _S, False),
    ("aws:Ec2InstanceSourcePrivateIPv4", _I, False),
    ("aws:SourceIdentity", _S, False),
    ("ec2:RoleDelivery", _N, False),
    ("ec2:SourceInstanceArn", _A, False),
    ("glue:RoleAssumedBy", _S, False),
    ("glue:CredentialIssuingService", _S, False),
    ("lambda:SourceFunctionArn", _A, False),
    ("ssm:SourceInstanceArn", _A, False),
    ("identitystore:UserId", _S, False),
    # Properties of the network
    ("aws:SourceIp", _I, False),
    ("aws:SourceVpc", _S, False),
    ("aws:SourceVpcArn", _A, False),
    ("aws:SourceVpce", _S, False),
    ("aws:VpceAccount", _S, False),
    ("aws:VpceOrgPaths", _S, True),
    ("aws:VpceOrgID", _S, False),
    ("aws:VpcSourceIp", _I, False),
    # Properties of the resource
    ("aws:ResourceAccount", _S, False),
    ("aws:ResourceOrgPaths", _S, True),
    ("aws:ResourceOrgID", _S, False),
    ("aws:ResourceTag/${TagKey}", _S, False),
    # Properties of the request
    ("aws:CalledVia", _S, True),
    ("aws:CalledViaFirst", _S, False),
    ("aws:CalledViaLast", _S, False),
    ("aws:ViaAWSService", _B, False),
    ("aws:CurrentTime", _D, False),
    ("aws:EpochTime", _D, False),
    ("aws:referer", _S, False),
    ("aws:RequestedRegion", _S, False),
    ("aws:RequestTag/${TagKey}", _S, False),
    ("aws:TagKeys", _S, True),
    ("aws:SecureTransport", _B, False),
    ("aws:SourceAccount", _S, False),
    ("aws:SourceArn", _A, False),
    ("aws:SourceOrgID", _S, False),
    ("aws:SourceOrgPaths", _S, True),
    ("aws:UserAgent", _S, False),
    ("aws:IsMcpServiceAction", _B, False),
    ("aws:ViaAWSMCPService", _B, False),
    ("aws:CalledViaAWSMCP", _S, False),
)

GLOBAL_KEYS = KeyTable.of([ConditionKey(name, kind, many) for name, kind, many in _KEYS])

# aws:EpochTime is documented as Date or Numeric: both families of operators apply.
EXTRA_OPERATOR_TYPES: dict[str, frozenset[ValueType]] = {
    "aws:epochtime": frozenset({ValueType.DATE, ValueType.NUMERIC}),
}

# Keys AWS replaced; a policy naming one gets DEPRECATED_GLOBAL_CONDITION_KEY.
DEPRECATED_KEYS: dict[str, str] = {"aws:arn": "aws:PrincipalArn"}
