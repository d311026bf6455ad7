"""The simulators' ResourceHandlingOption: the EC2 scenarios AWS supports and what each needs.

AWS's IAM API Reference (SimulateCustomPolicy, SimulatePrincipalPolicy:
https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html) lists the
supported scenario values and the resources the simulation must then be given: every scenario
an instance, an image, a security group and a network interface; `-Subnet` adds a subnet and
`EBS` a volume. Another value, or a scenario without its resources, is refused (InvalidInput)
rather than simulated as if the option were absent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from iamstore.node.domain.errors import InvalidInput

FIELD = "ResourceHandlingOption"
_EVERY_SCENARIO = ("instance", "image", "security-group", "network-interface")
SCENARIOS: Mapping[str, tuple[str, ...]] = {
    "EC2-VPC-InstanceStore": _EVERY_SCENARIO,
    "EC2-VPC-InstanceStore-Subnet": (*_EVERY_SCENARIO, "subnet"),
    "EC2-VPC-EBS": (*_EVERY_SCENARIO, "volume"),
    "EC2-VPC-EBS-Subnet": (*_EVERY_SCENARIO, "subnet", "volume"),
}


def _ec2_resource_type(arn: str) -> str | None:
    """`instance` for `arn:PARTITION:ec2:REGION:ACCOUNT:instance/ID`; None for another ARN."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "ec2":
        return None
    return parts[5].split("/", 1)[0]


def check_scenario(option: str | None, resource_arns: Sequence[str]) -> None:
    """Refuses an unsupported scenario, or one whose required resources are not all given."""
    if option is None:
        return
    required = SCENARIOS.get(option)
    if required is None:
        supported = ", ".join(SCENARIOS)
        raise InvalidInput(f"`{option}` is not a supported scenario (one of: {supported})", FIELD)
    given = {_ec2_resource_type(arn) for arn in resource_arns}
    missing = [kind for kind in required if kind not in given]
    if missing:
        raise InvalidInput(
            f"the scenario `{option}` needs an ARN in `ResourceArns` for each of: "
            + ", ".join(missing),
            FIELD,
        )
