from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class StrictSerializerMixin:
    """Reject fields the serializer does not know, so a typo never silently does nothing."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            known = set(self.fields)  # type: ignore[attr-defined]
            unknown = sorted(set(data) - known)
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictSerializer(StrictSerializerMixin, serializers.Serializer):
    pass


class StrictModelSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    pass


class EnumField(serializers.ChoiceField):
    """A choice field over one ``TextChoices`` that is a named enum (``<Choices>Enum``) in the
    OpenAPI schema: several choice sets share a field name (``status`` of customers, orders,
    cases…), which the generator could only name by hash."""

    choices_class: ClassVar[type[models.TextChoices]]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=self.choices_class.choices, **kwargs)


F = TypeVar("F", bound=type[EnumField])


def named_enum(prefix: str = "") -> Callable[[F], F]:
    """Name the field's enum ``<prefix><Choices>Enum`` in the schema."""

    def decorate(field_class: F) -> F:
        choices = field_class.choices_class
        schema = {"type": "string", "enum": list(choices.values)}
        return extend_schema_field(schema, component_name=f"{prefix}{choices.__name__}Enum")(field_class)

    return decorate
