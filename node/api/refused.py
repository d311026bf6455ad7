"""IAM operations of AWS's model that iamstore refuses, each with the reason it has no meaning here.

The coverage table in docs/api.md (scripts/gencoverage) lists them with these reasons; a front
end that meets one answers with its reason instead of a bare "unknown operation".
"""

from __future__ import annotations

from collections.abc import Mapping

_ORGANIZATIONS = (
    "needs AWS Organizations features iamstore does not build (organization-wide root "
    "credentials and sessions, organization-level resources, access reports over an "
    "organization's service control policies)"
)
_DELEGATION = (
    "AWS partner delegation requests: not available for general use in AWS itself (partner "
    "onboarding only)"
)
_OUTBOUND = (
    "outbound web identity federation (AWS issuing JSON web tokens to outside services) is "
    "not built"
)
_WORKLOAD = "AWS workload identity providers and templates are not built"
_ROLE_TEMPLATES = "role templates and AWS Role Manager account properties are not built"
_IDENTITY_CENTER = (
    "links an OIDC provider to AWS IAM Identity Center (context providers for trusted identity "
    "propagation), which iamstore does not build"
)

REFUSED: Mapping[str, str] = {
    "EnableOrganizationsRootCredentialsManagement": _ORGANIZATIONS,
    "DisableOrganizationsRootCredentialsManagement": _ORGANIZATIONS,
    "EnableOrganizationsRootSessions": _ORGANIZATIONS,
    "DisableOrganizationsRootSessions": _ORGANIZATIONS,
    "ListOrganizationsFeatures": _ORGANIZATIONS,
    "GenerateOrganizationsAccessReport": _ORGANIZATIONS,
    "GetOrganizationsAccessReport": _ORGANIZATIONS,
    "EnableOrganizationLevelResources": _ORGANIZATIONS,
    "DisableOrganizationLevelResources": _ORGANIZATIONS,
    "AcceptDelegationRequest": _DELEGATION,
    "AssociateDelegationRequest": _DELEGATION,
    "CreateDelegationRequest": _DELEGATION,
    "GetDelegationRequest": _DELEGATION,
    "ListDelegationRequests": _DELEGATION,
    "RejectDelegationRequest": _DELEGATION,
    "UpdateDelegationRequest": _DELEGATION,
    "SendDelegationToken": _DELEGATION,
    "GetHumanReadableSummary": _DELEGATION + "; its summary is written by a language model",
    "EnableOutboundWebIdentityFederation": _OUTBOUND,
    "DisableOutboundWebIdentityFederation": _OUTBOUND,
    "GetOutboundWebIdentityFederationInfo": _OUTBOUND,
    "CreateWorkloadIdentityProvider": _WORKLOAD,
    "CreateWorkloadIdentityProviderOutboundSigner": _WORKLOAD,
    "CreateWorkloadIdentityTemplate": _WORKLOAD,
    "DeleteWorkloadIdentityProvider": _WORKLOAD,
    "DeleteWorkloadIdentityProviderOutboundSigner": _WORKLOAD,
    "DeleteWorkloadIdentityProviderResourcePolicy": _WORKLOAD,
    "DeleteWorkloadIdentityTemplate": _WORKLOAD,
    "DeleteWorkloadIdentityTemplateAttestationPolicy": _WORKLOAD,
    "DisableWorkloadIdentityProviderOutboundSigner": _WORKLOAD,
    "EnableWorkloadIdentityProviderOutboundSigner": _WORKLOAD,
    "GetWorkloadIdentityProvider": _WORKLOAD,
    "GetWorkloadIdentityProviderDeletionStatus": _WORKLOAD,
    "GetWorkloadIdentityProviderResourcePolicy": _WORKLOAD,
    "GetWorkloadIdentityTemplate": _WORKLOAD,
    "GetWorkloadIdentityTemplateAttestationPolicy": _WORKLOAD,
    "ListWorkloadIdentityProviderOutboundSigners": _WORKLOAD,
    "ListWorkloadIdentityProviderTags": _WORKLOAD,
    "ListWorkloadIdentityProviders": _WORKLOAD,
    "ListWorkloadIdentityTemplateTags": _WORKLOAD,
    "ListWorkloadIdentityTemplates": _WORKLOAD,
    "PutWorkloadIdentityProviderResourcePolicy": _WORKLOAD,
    "PutWorkloadIdentityTemplateAttestationPolicy": _WORKLOAD,
    "TagWorkloadIdentityProvider": _WORKLOAD,
    "TagWorkloadIdentityTemplate": _WORKLOAD,
    "UntagWorkloadIdentityProvider": _WORKLOAD,
    "UntagWorkloadIdentityTemplate": _WORKLOAD,
    "UpdateWorkloadIdentityProviderOutboundSigner": _WORKLOAD,
    "AcquireRole": _ROLE_TEMPLATES,
    "GetRoleTemplateVersion": _ROLE_TEMPLATES,
    "GetAccountProperties": _ROLE_TEMPLATES,
    "PutAccountProperties": _ROLE_TEMPLATES,
    "UpdateOpenIDConnectProvider": _IDENTITY_CENTER,
}
