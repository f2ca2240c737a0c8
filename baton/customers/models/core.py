"""Customer accounts, their contacts, the pools that own them, and the history of ownership."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Region(models.TextChoices):
    SOUTH = "south", _("South China (华南)")
    EAST = "east", _("East China (华东)")
    NORTH = "north", _("North China (华北)")
    CENTRAL = "central", _("Central China (华中)")
    SOUTHWEST = "southwest", _("Southwest (西南)")
    NORTHWEST = "northwest", _("Northwest (西北)")
    NORTHEAST = "northeast", _("Northeast (东北)")


class Industry(models.TextChoices):
    MANUFACTURING = "manufacturing", _("Manufacturing")
    TRADE = "trade", _("Trade and wholesale")
    ECOMMERCE = "ecommerce", _("E-commerce")
    FOOD = "food", _("Food and cold chain")
    PHARMA = "pharma", _("Pharmaceuticals")
    CHEMICALS = "chemicals", _("Chemicals")
    AUTOMOTIVE = "automotive", _("Automotive")
    BUILDING = "building", _("Building materials")
    ELECTRONICS = "electronics", _("Electronics")
    OTHER = "other", _("Other")


class Tier(models.TextChoices):
    """Scale tier (客户规模)."""

    LARGE = "large", pgettext_lazy("customer size", "Large")
    MEDIUM = "medium", pgettext_lazy("customer size", "Medium")
    SMALL = "small", pgettext_lazy("customer size", "Small")


class CustomerStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ACTIVE = "active", _("Active customer")
    DORMANT = "dormant", _("Dormant")
    LOST = "lost", _("Lost")


class PoolKind(models.TextChoices):
    TEAM = "team", _("Team pool")
    PUBLIC = "public", _("Public pool (公海)")


class Pool(models.Model):
    """Where customers live: a sales team's resource pool, or the company's public pool (公海).

    The return rules say when an owned customer goes back to the public pool: after
    ``follow_up_days`` without a follow-up or ``deal_days`` without an order, with a
    warning to the owner ``warn_days`` before. Claiming from the public pool is limited per
    person and day and by how many customers one person may hold; a former owner must wait
    ``reclaim_block_days`` before claiming a customer back.
    """

    company = models.ForeignKey(
        "org.Company", verbose_name=_("company"), on_delete=models.PROTECT, related_name="customer_pools"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=PoolKind.choices)
    team = models.OneToOneField(
        "org.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customer_pool",
    )
    follow_up_days = models.PositiveIntegerField(_("days without follow-up before return"), default=30)
    deal_days = models.PositiveIntegerField(_("days without an order before return"), default=180)
    warn_days = models.PositiveIntegerField(_("days of warning before return"), default=7)
    claim_limit_per_day = models.PositiveIntegerField(_("claims per person per day"), default=5)
    max_holding = models.PositiveIntegerField(_("most customers one person may hold"), default=300)
    reclaim_block_days = models.PositiveIntegerField(
        _("days before a former owner may claim again"), default=30
    )

    class Meta:
        verbose_name = _("customer pool")
        verbose_name_plural = _("customer pools")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["company"],
                condition=models.Q(kind="public"),
                name="customers_one_public_pool_per_company",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PoolTierRule(models.Model):
    """Return rules of one pool for one customer tier (overrides the pool's defaults)."""

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="tier_rules")
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices)
    follow_up_days = models.PositiveIntegerField(_("days without follow-up before return"))
    deal_days = models.PositiveIntegerField(_("days without an order before return"))

    class Meta:
        verbose_name = _("tier rule")
        verbose_name_plural = _("tier rules")
        constraints = [models.UniqueConstraint(fields=["pool", "tier"], name="customers_tier_rule_unique")]

    def __str__(self) -> str:
        return f"{self.pool_id}:{self.tier}"


class AssignmentRule(models.Model):
    """Sends a new customer to a team pool by region, industry and scale tier.

    Blank criteria match anything; the matching rule with the lowest ``priority`` wins.
    """

    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="assignment_rules")
    priority = models.PositiveIntegerField(_("priority"), default=100)
    region = models.CharField(_("region"), max_length=16, choices=Region.choices, blank=True)
    industry = models.CharField(_("industry"), max_length=16, choices=Industry.choices, blank=True)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, blank=True)
    pool = models.ForeignKey(
        Pool, verbose_name=_("pool"), on_delete=models.CASCADE, related_name="assignment_rules"
    )

    class Meta:
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        criteria = "/".join(value or "*" for value in (self.region, self.industry, self.tier))
        return f"#{self.priority} {criteria} -> {self.pool_id}"


# Columns the customer list filters and searches on (CustomerFilterSet), kept in the list index.
LIST_FILTER_COLUMNS = [
    "tier",
    "region",
    "industry",
    "status",
    "is_key_account",
    "owner",
    "normalized_name",
    "credit_code",
]


class Customer(models.Model):
    """A company account the firm serves. It belongs to a pool and a team, never to one person:
    the owner (客户经理) and collaborators serve it on the company's behalf."""

    # company and pool have no index of their own: the composite indexes below start with them
    # (every index is written again when a transfer moves a customer; docs/benchmarks.md). The
    # team keeps its narrow index although customers_list_idx starts with it too: counting a
    # department's list reads it in a tenth of the time of the wide list index (B1).
    company = models.ForeignKey(
        "org.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="customers",
        db_index=False,
    )
    name = models.CharField(_("name"), max_length=200)
    normalized_name = models.CharField(max_length=200, editable=False)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    region = models.CharField(_("region"), max_length=16, choices=Region.choices)
    industry = models.CharField(_("industry"), max_length=16, choices=Industry.choices)
    tier = models.CharField(_("scale tier"), max_length=16, choices=Tier.choices)
    is_key_account = models.BooleanField(_("key account"), default=False)
    address = models.CharField(_("address"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CustomerStatus.choices, default=CustomerStatus.PROSPECT
    )
    pool = models.ForeignKey(
        Pool, verbose_name=_("pool"), on_delete=models.PROTECT, related_name="customers", db_index=False
    )
    team = models.ForeignKey(
        "org.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customers",
    )
    owner = models.ForeignKey(
        "org.Employee",
        verbose_name=_("owner (客户经理)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_customers",
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"))
    last_follow_up_at = models.DateTimeField(_("last follow-up"), null=True, blank=True)
    last_order_at = models.DateField(_("last order"), null=True, blank=True)
    owned_since = models.DateTimeField(_("owned since"), null=True, blank=True)
    return_warned_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["company", "owner", "name"], name="customers_owner_idx"),
            # The customer list of a team pool, in its default order, with the columns its filters
            # and search read: a team's first page and the count of a department's filtered list
            # come from this index alone, never from the table (docs/benchmarks.md).
            models.Index(
                fields=["team", "name", "id"],
                include=LIST_FILTER_COLUMNS,
                name="customers_list_idx",
            ),
            # The default order of every customer list: the company-wide list (and a scope of
            # many teams) reads its first page along this index instead of sorting all its rows.
            models.Index(fields=["name", "id"], name="customers_name_idx"),
            models.Index(fields=["pool", "last_follow_up_at"], name="customers_pool_idx"),
            models.Index(fields=["credit_code"], name="customers_credit_idx"),
            # Duplicate checks look names up by equality (search by substring cannot use it).
            models.Index(fields=["normalized_name"], name="customers_normname_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "credit_code"],
                condition=~models.Q(credit_code=""),
                name="customers_credit_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CustomerCollaborator(models.Model):
    """Someone other than the owner who works on the customer, in a team role."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="collaborators")
    employee = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="collaborations")
    team_role = models.CharField(_("team role"), max_length=32)

    class Meta:
        verbose_name = _("collaborator")
        verbose_name_plural = _("collaborators")
        constraints = [
            models.UniqueConstraint(fields=["customer", "employee"], name="customers_collaborator_unique"),
        ]
        indexes = [models.Index(fields=["employee", "customer"], name="customers_collab_emp_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id}:{self.employee_id}"


class Contact(models.Model):
    """A person at the customer. Phone numbers are encrypted at rest; ``phone_hash`` (keyed)
    finds duplicates and matches calls without decrypting; ``phone_masked`` is what people
    see unless they may reveal it (every reveal is audited)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("title"), max_length=100, blank=True)
    phone_encrypted = models.CharField(max_length=200, blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=32, blank=True, editable=False)
    wechat_id = models.CharField(_("WeChat ID"), max_length=64, blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    is_primary = models.BooleanField(_("main contact"), default=False)
    created_at = models.DateTimeField(_("created"))
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name", "id"]

    def __str__(self) -> str:
        return self.name


class OwnershipChangeKind(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    CLAIMED = "claimed", _("Claimed from the public pool")
    RELEASED = "released", _("Released to the public pool")
    RETURNED = "returned", _("Returned to the public pool automatically")
    TRANSFERRED = "transferred", _("Transferred")
    COLLABORATOR_ADDED = "collaborator_added", _("Collaborator added")
    COLLABORATOR_REMOVED = "collaborator_removed", _("Collaborator removed")


class OwnershipChange(models.Model):
    """Every change of a customer's owner, collaborators, team or pool: from, to, when, who, why."""

    # customer and from_owner lead the composite indexes below: no index of their own.
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="ownership_changes", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=32, choices=OwnershipChangeKind.choices)
    occurred_at = models.DateTimeField(_("time"))
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_owner = models.ForeignKey(
        "org.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    to_owner = models.ForeignKey(
        "org.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_pool = models.ForeignKey(Pool, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to_pool = models.ForeignKey(Pool, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    collaborator = models.ForeignKey(
        "org.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("ownership change")
        verbose_name_plural = _("ownership changes")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "occurred_at"], name="customers_ownership_idx"),
            models.Index(fields=["from_owner", "kind", "occurred_at"], name="customers_release_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.kind}"
