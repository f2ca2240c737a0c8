"""Forms of the exchange pages. Choices come from the user's scoped selectors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baton.customers.models import CustomerStatus, Industry, Region, Tier
from baton.exchange.models import ExportFormat, ImportKind
from baton.exchange.parsers.files import MAX_UPLOAD_BYTES


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV or Excel (.xlsx) tables; .eml or mbox e-mail; .txt WeChat chats. At most %(mb)d MB.")
        % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
    )


class ImportConfirmForm(forms.Form):
    skip_bad_rows = forms.BooleanField(
        label=_("Skip the rows with errors and import the rest"), required=False
    )


class ExportRequestForm(forms.Form):
    """The format and the customer list's filters."""

    format = forms.ChoiceField(label=_("Format"), choices=ExportFormat.choices)
    q = forms.CharField(label=_("Name or credit code"), required=False, max_length=100)
    region = forms.ChoiceField(label=_("Region"), choices=[("", "—"), *Region.choices], required=False)
    industry = forms.ChoiceField(label=_("Industry"), choices=[("", "—"), *Industry.choices], required=False)
    tier = forms.ChoiceField(label=_("Scale tier"), choices=[("", "—"), *Tier.choices], required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "—"), *CustomerStatus.choices], required=False
    )

    def filters(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "format" and v}


class ExportDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class ReviewAssignForm(forms.Form):
    """Which customer (and contact) the record belongs to; ids checked against the scope."""

    target = forms.RegexField(
        regex=r"^(customer|contact):\d+$",
        error_messages={
            "invalid": _("Choose a customer or a contact."),
            "required": _("Choose a customer or a contact."),
        },
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class ReviewDiscardForm(forms.Form):
    note = forms.CharField(label=_("Why it belongs to no customer"), required=False, max_length=300)
