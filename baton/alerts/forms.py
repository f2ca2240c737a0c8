"""Forms of the alert pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from baton.alerts.models import AlertStatus

TARGET_STATUSES = (AlertStatus.ACKNOWLEDGED, AlertStatus.RESOLVED, AlertStatus.DISMISSED)


class AlertTransitionForm(forms.Form):
    """Acknowledge, resolve or dismiss; the service insists on a note to resolve or dismiss."""

    status = forms.ChoiceField(label=_("New status"), choices=[(s.value, s.label) for s in TARGET_STATUSES])
    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when resolving or dismissing."),
    )
