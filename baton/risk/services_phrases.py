"""Keeping a company's sensitive-word dictionary (R10): the defaults, adding, changing, removing.

Every change is validated, audited in its transaction and bumps the dictionary's version, so
the matchers built from the older dictionary (``baton.risk.phrases``) are rebuilt at their
next use. Who may change it is the caller's business (``risk_rule.change``, like the rules'
settings); a phrase is loaded by the caller within the actor's company.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from baton.audit.services import audit_record
from baton.core import clock
from baton.core.errors import InvalidInput
from baton.risk.models import PhraseCategory, PhraseDictionary, SensitivePhrase
from baton.risk.phrases import DEFAULT_PHRASES, normalise

MAX_PHRASE_LENGTH = 100


def phrases_install_defaults(*, company_id: int, actor: Any = None) -> int:
    """Give the company the default dictionary, once (later calls do nothing, even after every
    phrase was removed). Returns how many phrases were added."""
    now = clock.now()
    with transaction.atomic():
        _dictionary, created = PhraseDictionary.objects.get_or_create(
            company_id=company_id, defaults={"changed_at": now}
        )
        if not created:
            return 0
        rows = SensitivePhrase.objects.bulk_create(
            [
                SensitivePhrase(company_id=company_id, phrase=phrase, category=category, created_at=now)
                for phrase, category in DEFAULT_PHRASES
            ],
            ignore_conflicts=True,
        )
        audit_record(
            actor=actor,
            actor_label="" if actor is not None else "system",
            action="risk.phrases_installed",
            object_type="risk.phrasedictionary",
            object_id=str(company_id),
            changes={"phrases": [p for p, _c in DEFAULT_PHRASES]},
        )
    return len(rows)


def phrase_dictionary(*, company_id: int) -> QuerySet[SensitivePhrase]:
    """The company's dictionary for the screens (installing the defaults the first time)."""
    phrases_install_defaults(company_id=company_id)
    return SensitivePhrase.objects.filter(company_id=company_id).order_by("category", "phrase")


def _bump(company_id: int) -> None:
    PhraseDictionary.objects.filter(company_id=company_id).update(
        version=F("version") + 1, changed_at=clock.now()
    )


def _clean(*, company_id: int, phrase: Any, category: Any, exclude: int | None = None) -> tuple[str, str]:
    errors: dict[str, list[Any]] = {}
    text = phrase.strip() if isinstance(phrase, str) else ""
    if not text:
        errors["phrase"] = [_("Enter a phrase.")]
    elif len(text) > MAX_PHRASE_LENGTH:
        errors["phrase"] = [_("At most %(n)d characters.") % {"n": MAX_PHRASE_LENGTH}]
    else:
        # Unique as matched: "WeChat" and "wechat" are one phrase.
        key = normalise(text)
        others = SensitivePhrase.objects.filter(company_id=company_id)
        if exclude is not None:
            others = others.exclude(pk=exclude)
        if any(normalise(p) == key for p in others.values_list("phrase", flat=True)):
            errors["phrase"] = [_("This phrase is in the dictionary already.")]
    if category not in PhraseCategory.values:
        errors["category"] = [_("Choose one of the listed values.")]
    if errors:
        raise InvalidInput(fields=errors)
    return text, str(category)


def phrase_add(
    *, actor: Any, company_id: int, phrase: str, category: str = PhraseCategory.OTHER
) -> SensitivePhrase:
    """Add a phrase to the company's dictionary (non-empty, at most 100 characters, new)."""
    with transaction.atomic():
        phrases_install_defaults(company_id=company_id, actor=actor)
        PhraseDictionary.objects.select_for_update().get(company_id=company_id)
        text, cat = _clean(company_id=company_id, phrase=phrase, category=category)
        row = SensitivePhrase.objects.create(
            company_id=company_id, phrase=text, category=cat, created_at=clock.now()
        )
        _bump(company_id)
        audit_record(
            actor=actor, action="risk.phrase_added", target=row, changes={"phrase": text, "category": cat}
        )
    return row


def phrase_update(
    *,
    actor: Any,
    phrase: SensitivePhrase,
    text: str | None = None,
    category: str | None = None,
    active: bool | None = None,
) -> SensitivePhrase:
    """Change a phrase's wording or category, or switch it off (an inactive phrase matches nothing)."""
    company_id = phrase.company_id
    with transaction.atomic():
        phrases_install_defaults(company_id=company_id, actor=actor)
        PhraseDictionary.objects.select_for_update().get(company_id=company_id)
        row = SensitivePhrase.objects.select_for_update().get(pk=phrase.pk)
        before = {"phrase": row.phrase, "category": row.category, "active": row.active}
        row.phrase, row.category = _clean(
            company_id=company_id,
            phrase=row.phrase if text is None else text,
            category=row.category if category is None else category,
            exclude=row.pk,
        )
        if active is not None:
            row.active = bool(active)
        after = {"phrase": row.phrase, "category": row.category, "active": row.active}
        if after == before:
            return row
        row.save(update_fields=["phrase", "category", "active"])
        _bump(company_id)
        audit_record(
            actor=actor,
            action="risk.phrase_changed",
            target=row,
            changes={k: {"before": before[k], "after": v} for k, v in after.items() if before[k] != v},
        )
    return row


def phrase_delete(*, actor: Any, phrase: SensitivePhrase) -> None:
    """Remove a phrase from the dictionary (the alerts it raised stay)."""
    company_id = phrase.company_id
    with transaction.atomic():
        phrases_install_defaults(company_id=company_id, actor=actor)
        PhraseDictionary.objects.select_for_update().get(company_id=company_id)
        row = SensitivePhrase.objects.select_for_update().filter(pk=phrase.pk).first()
        if row is None:
            return
        audit_record(
            actor=actor,
            action="risk.phrase_deleted",
            target=row,
            changes={"phrase": row.phrase, "category": row.category},
        )
        row.delete()
        _bump(company_id)
