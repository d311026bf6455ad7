"""The coverage table in docs/api.md is the one the model and the protos give, and it is whole."""

from __future__ import annotations

import iamcoverage

from iamstore.node.api.refused import REFUSED


def test_committed_table_matches_the_model_and_the_protos() -> None:
    # Fails when an operation is added, refused or dropped without `scripts/gencoverage`.
    document = iamcoverage.DOC.read_text()
    assert iamcoverage.updated(document) == document


def test_every_model_operation_is_listed_once_with_one_state() -> None:
    rows = iamcoverage.states()
    operations = [operation for operation, _, _ in rows]
    assert operations == sorted(set(operations)) == iamcoverage.model_operations()
    assert {state for _, state, _ in rows} <= {"implemented", "refused", iamcoverage.NOT_YET}


def test_refused_operations_exist_in_the_model_are_not_served_and_say_why() -> None:
    served = iamcoverage.served_operations()
    model = set(iamcoverage.model_operations())
    for operation, reason in REFUSED.items():
        assert operation in model, operation
        assert operation not in served, operation
        assert len(reason) > 20, operation


def test_new_operations_are_served() -> None:
    served = iamcoverage.served_operations()
    for operation in ("ListInstanceProfilesForRole", "CreateAccountAlias", "TagMFADevice"):
        assert served[operation] == "Iam"
