"""The form of one risk rule's settings: its switch and its thresholds."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baton.risk.rules.base import Param, Rule


def _field_for(param: Param) -> forms.Field:
    help_text = _("Default: %(value)s") % {"value": param.default}
    if param.kind == "bool":
        return forms.BooleanField(label=param.label, required=False, help_text=help_text)
    bounds = {"min_value": param.minimum, "max_value": param.maximum}
    if param.kind == "int":
        return forms.IntegerField(label=param.label, help_text=help_text, **bounds)
    return forms.DecimalField(label=param.label, help_text=help_text, **bounds)


class RuleSettingForm(forms.Form):
    """``enabled`` and one field per threshold of ``rule``, prefixed by the rule's code so that
    every rule's form can stand on one page."""

    enabled = forms.BooleanField(label=_("Enabled"), required=False)

    def __init__(self, *args: Any, rule: Rule, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", rule.code)
        super().__init__(*args, **kwargs)
        self.rule = rule
        for param in rule.params:
            self.fields[param.name] = _field_for(param)

    def changed_params(self) -> dict[str, Any]:
        """Thresholds the person changed (the others keep following the rule's defaults)."""
        return {p.name: self.cleaned_data[p.name] for p in self.rule.params if p.name in self.changed_data}

    def param_fields(self) -> list[forms.BoundField]:
        return [self[p.name] for p in self.rule.params]
