"""Forms of the customer pages. They parse input; the services decide. Choices that name people
or records come from the user's scoped selectors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baton.core import clock
from baton.customers.models import (
    ComplaintSeverity,
    Contact,
    Customer,
    CustomerStatus,
    FactStatus,
    Industry,
    InteractionChannel,
    Order,
    OrderStatus,
    Region,
    Tier,
)
from baton.customers.selectors import contacts_visible_to, orders_visible_to
from baton.org.models import EmployeeStatus
from baton.org.selectors import employees_visible_to

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
SHORT_TEXT = forms.Textarea(attrs={"rows": 2})


def _local_now() -> Any:
    return timezone.localtime(clock.now()).replace(second=0, microsecond=0)


class CustomerCreateForm(forms.Form):
    """A new customer, with an optional first contact."""

    name = forms.CharField(label=_("Name"), max_length=200)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=18,
        required=False,
        help_text=_("18 characters; optional, checked when given."),
    )
    # A blank first choice, so that no region, industry or tier is chosen by not looking.
    region = forms.ChoiceField(label=_("Region"), choices=[("", "—"), *Region.choices])
    industry = forms.ChoiceField(label=_("Industry"), choices=[("", "—"), *Industry.choices])
    tier = forms.ChoiceField(label=_("Scale tier"), choices=[("", "—"), *Tier.choices])
    status = forms.ChoiceField(
        label=_("Status"), choices=CustomerStatus.choices, initial=CustomerStatus.PROSPECT
    )
    is_key_account = forms.BooleanField(label=_("Key account"), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    source = forms.CharField(label=_("Source"), max_length=100, required=False)
    contact_name = forms.CharField(label=_("Contact name"), max_length=100, required=False)
    contact_title = forms.CharField(label=_("Contact title"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=32, required=False)
    contact_wechat_id = forms.CharField(label=_("Contact WeChat ID"), max_length=64, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)

    CONTACT_FIELDS = ("contact_name", "contact_title", "contact_phone", "contact_wechat_id", "contact_email")

    def customer_part(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.CONTACT_FIELDS]

    def contact_part(self) -> list[forms.BoundField]:
        return [self[name] for name in self.CONTACT_FIELDS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        others = [n for n in self.CONTACT_FIELDS[1:] if data.get(n)]
        if others and not data.get("contact_name"):
            self.add_error("contact_name", _("Give the contact's name, or leave all contact fields blank."))
        return data

    def customer_fields(self) -> dict[str, Any]:
        names = ("name", "credit_code", "region", "industry", "tier", "status", "is_key_account")
        return {n: self.cleaned_data[n] for n in (*names, "address", "source")}

    def contacts(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        if not data.get("contact_name"):
            return []
        return [
            {
                "name": data["contact_name"],
                "title": data["contact_title"],
                "phone": data["contact_phone"],
                "wechat_id": data["contact_wechat_id"],
                "email": data["contact_email"],
                "is_primary": True,
            }
        ]


class InteractionForm(forms.Form):
    """What happened with the customer: channel, when, with whom, what was said, what comes next."""

    channel = forms.ChoiceField(label=_("Channel"), choices=InteractionChannel.choices)
    occurred_at = forms.DateTimeField(label=_("Time"), widget=DATETIME_INPUT)
    contact: forms.ModelChoiceField[Contact] = forms.ModelChoiceField(
        label=_("Contact"), queryset=Contact.objects.none(), required=False
    )
    content = forms.CharField(label=_("What was said"), widget=forms.Textarea(attrs={"rows": 3}))
    next_step = forms.CharField(label=_("Next step"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any, customer: Customer, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"occurred_at": _local_now()})
        super().__init__(*args, **kwargs)
        contacts = contacts_visible_to(user=user).filter(customer=customer, removed_at__isnull=True)
        self.fields["contact"].queryset = contacts  # type: ignore[attr-defined]


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    title = forms.CharField(label=_("Title"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    wechat_id = forms.CharField(label=_("WeChat ID"), max_length=64, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    is_primary = forms.BooleanField(label=_("Main contact"), required=False)


class ReleaseForm(forms.Form):
    reason = forms.CharField(label=_("Why release it to the public pool?"), max_length=300, widget=SHORT_TEXT)


class AssignForm(forms.Form):
    """Give the customer to a member of its team (choices: the team's members the user may see)."""

    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("New owner"), queryset=None)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = employees_visible_to(user=user).exclude(status=EmployeeStatus.LEFT)
        members = members.filter(team_id=customer.team_id) if customer.team_id else members.none()
        if customer.owner_id:
            members = members.exclude(pk=customer.owner_id)
        self.fields["owner"].queryset = members.order_by("employee_no")  # type: ignore[attr-defined]


class OrderForm(forms.Form):
    number = forms.CharField(label=_("Order number"), max_length=40)
    order_date = forms.DateField(label=_("Order date"), widget=DATE_INPUT)
    route_from = forms.CharField(label=_("From"), max_length=50)
    route_to = forms.CharField(label=_("To"), max_length=50)
    amount = forms.DecimalField(
        label=_("Amount (CNY)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    cargo = forms.CharField(label=_("Cargo"), max_length=100, required=False)
    vehicle_type = forms.CharField(label=_("Vehicle type"), max_length=50, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=OrderStatus.choices, initial=OrderStatus.OPEN)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"order_date": _local_now().date()})
        super().__init__(*args, **kwargs)


class ComplaintForm(forms.Form):
    occurred_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    category = forms.CharField(
        label=_("Category"), max_length=50, help_text=_("Late delivery, damage, billing, service …")
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=ComplaintSeverity.choices)
    order_number = forms.CharField(label=_("Order number"), max_length=40, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, customer: Customer, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"occurred_on": _local_now().date()})
        super().__init__(*args, **kwargs)
        self.user, self.customer = user, customer

    def clean_order_number(self) -> Order | None:
        number = self.cleaned_data["order_number"].strip()
        if not number:
            return None
        order = orders_visible_to(user=self.user).filter(customer=self.customer, number=number).first()
        if order is None:
            raise forms.ValidationError(_("This customer has no order with this number that you can see."))
        return order


class FactReviewForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (s.value, s.label) for s in (FactStatus.CONFIRMED, FactStatus.CORRECTED, FactStatus.REJECTED)
        ]
    )
    text = forms.CharField(label=_("What is right"), max_length=300, required=False)


class ContractForm(forms.Form):
    """A contract with its scan (PDF or image; the service checks what the file really is)."""

    number = forms.CharField(label=_("Contract number"), max_length=40)
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE_INPUT)
    amount = forms.DecimalField(
        label=_("Amount (CNY)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"), required=False
    )
    scan = forms.FileField(
        label=_("Scan"), required=False, help_text=_("PDF, PNG, JPEG or WebP, at most 20 MB.")
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A document, image, call recording (MP3, M4A, AMR) or text, at most 20 MB."),
    )


class ComplaintResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("How was it resolved?"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount received (CNY)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
