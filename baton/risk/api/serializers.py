from __future__ import annotations

from django.db import models
from rest_framework import serializers

from baton.core.api.serializers import EnumField, StrictSerializer, named_enum


class ThresholdKind(models.TextChoices):
    INT = "int", "int"
    DECIMAL = "decimal", "decimal"
    BOOL = "bool", "bool"


@named_enum()
class ThresholdKindField(EnumField):
    choices_class = ThresholdKind


THRESHOLD_VALUE = "An integer, a decimal as a string, or a boolean, as ``kind`` says."


class RiskRuleParamSerializer(serializers.Serializer):
    """One threshold of a rule: its current value for the company, default and bounds."""

    name = serializers.CharField()
    title = serializers.CharField(help_text="What the threshold is called, in the caller's language.")
    kind = ThresholdKindField()
    value = serializers.JSONField(help_text=THRESHOLD_VALUE)
    default = serializers.JSONField(help_text=THRESHOLD_VALUE)
    minimum = serializers.JSONField(allow_null=True, help_text="Lowest value allowed; null when unbounded.")
    maximum = serializers.JSONField(allow_null=True, help_text="Highest value allowed; null when unbounded.")


class RiskRuleSerializer(serializers.Serializer):
    """A risk rule as the caller's company has it."""

    code = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    category = serializers.CharField()
    severity = serializers.CharField(help_text="The severity of its alerts unless a finding says otherwise.")
    enabled = serializers.BooleanField()
    params = RiskRuleParamSerializer(many=True)


class RiskRuleUpdateSerializer(StrictSerializer):
    enabled = serializers.BooleanField(required=False, help_text="Switch the rule on or off.")
    params = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text="Threshold name -> new value; thresholds not named keep theirs.",
    )
