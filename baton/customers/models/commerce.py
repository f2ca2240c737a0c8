"""Business with the customer: orders, contracts, receivables and complaints. Money is Decimal."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrderStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_TRANSIT = "in_transit", _("In transit")
    DELIVERED = "delivered", _("Delivered")
    CLOSED = "closed", pgettext_lazy("order status", "Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_ORDER_STATUSES = (OrderStatus.OPEN, OrderStatus.IN_TRANSIT)


class Order(models.Model):
    """A transport order. ``taken_by`` took it; ``receivable_owner`` collects the money."""

    # No index of its own: customers_order_idx (customer, order_date) starts with it.
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="orders", db_index=False
    )
    number = models.CharField(_("order number"), max_length=40, unique=True)
    order_date = models.DateField(_("order date"))
    route_from = models.CharField(_("from"), max_length=50)
    route_to = models.CharField(_("to"), max_length=50)
    cargo = models.CharField(_("cargo"), max_length=100, blank=True)
    vehicle_type = models.CharField(_("vehicle type"), max_length=50, blank=True)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.OPEN
    )
    taken_by = models.ForeignKey(
        "org.Employee",
        verbose_name=_("taken by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders_taken",
    )
    receivable_owner = models.ForeignKey(
        "org.Employee",
        verbose_name=_("receivable owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders_collecting",
    )
    handover_flag = models.BooleanField(_("handover-period order (交接期订单)"), default=False)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-order_date", "-id"]
        indexes = [
            models.Index(fields=["customer", "order_date"], name="customers_order_idx"),
            models.Index(fields=["status", "customer"], name="customers_order_status_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class Contract(models.Model):
    """A framework or single contract with the customer, with its scan."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="contracts")
    number = models.CharField(_("contract number"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True)
    scan = models.FileField(_("scan"), upload_to="contracts/%Y/", blank=True)
    scan_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    owner = models.ForeignKey(
        "org.Employee",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts",
    )

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.number


class ReceivableStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PAID = "paid", _("Paid")
    WRITTEN_OFF = "written_off", _("Written off")


class Receivable(models.Model):
    """Money the customer owes; ``owner`` follows up collection."""

    # No index of its own: customers_receivable_idx (customer, status) starts with it.
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="receivables", db_index=False
    )
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.PROTECT, related_name="receivables"
    )
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2)
    paid_amount = models.DecimalField(_("paid (CNY)"), max_digits=14, decimal_places=2, default=0)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=16, choices=ReceivableStatus.choices, default=ReceivableStatus.OPEN
    )
    owner = models.ForeignKey(
        "org.Employee",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="receivables",
    )

    class Meta:
        verbose_name = _("receivable")
        verbose_name_plural = _("receivables")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["customer", "status"], name="customers_receivable_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.amount}"


class ComplaintSeverity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class Complaint(models.Model):
    """A complaint by the customer (late delivery, damage, billing, service)."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="complaints")
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="complaints"
    )
    occurred_on = models.DateField(_("date"))
    category = models.CharField(_("category"), max_length=50)
    severity = models.CharField(_("severity"), max_length=16, choices=ComplaintSeverity.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN
    )
    description = models.TextField(_("description"))
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["customer", "occurred_on"], name="customers_complaint_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.category}"
