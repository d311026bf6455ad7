"""What the composition root hands the API is complete: frozen, no optional or default field."""

from __future__ import annotations

import dataclasses
import types
import typing

from iamstore.node.api.call import NodeComponents
from iamstore.node.build import BuiltNode


def test_the_api_components_have_no_optional_field() -> None:
    """A field that may be None makes every handler that uses it check for None; the old
    locator had six, two of them patched in after construction."""
    hints = typing.get_type_hints(NodeComponents)
    optional = [
        name
        for name, hint in hints.items()
        if typing.get_origin(hint) in (typing.Union, types.UnionType)
        and type(None) in typing.get_args(hint)
    ]
    assert optional == []


def test_every_component_is_given_when_the_object_is_built() -> None:
    defaulted = [
        f.name
        for f in dataclasses.fields(NodeComponents)
        if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
    ]
    assert defaulted == []


def test_built_objects_cannot_be_changed_after_construction() -> None:
    assert NodeComponents.__dataclass_params__.frozen  # type: ignore[attr-defined]
    assert BuiltNode.__dataclass_params__.frozen  # type: ignore[attr-defined]
