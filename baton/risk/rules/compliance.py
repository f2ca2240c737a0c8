"""R10: sensitive phrases in what people write to and about customers.

The company's dictionary (``baton.risk.models.SensitivePhrase``, defaults in
``baton.risk.phrases``) is matched against an interaction's content and next step, with one
Aho–Corasick automaton per company. It runs on the event ``interaction_recorded`` (sent after
commit by ``baton.customers.services.interaction_record``, with ``interaction``; a bulk import
may send ``interactions``, a list of ids) and in the daily scan over the interactions recorded
in the last day.

One alert per interaction (subject ``customers.interaction``), for the lead of the writer's
team (else the customer's team). The alert names no owner on purpose: the writer is the one
the alert is about and should not be tipped off by their own alert list; team lead, department
head and management see it through the team. The details carry the phrase, its category, the
field and a snippet of 30 characters either side with the match marked 【like this】, plus
every other phrase found. An interaction that already had an R10 alert (even closed) is not
raised again by the scan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baton.risk.phrases import Matcher, matcher_for
from baton.risk.rules.base import TEAM_LEAD, Finding, Rule

SUBJECT = "customers.interaction"
CHUNK = 2000
FIELDS = ("content", "next_step")


class SensitivePhrases(Rule):
    """R10: a phrase of the company's sensitive-word dictionary in an interaction."""

    code = "R10"
    title = gettext_lazy("Sensitive phrase in an interaction")
    description = gettext_lazy(
        "An interaction's content or next step contains a phrase of the company's sensitive-word "
        "dictionary (a private channel or account, a departure, a competitor…)."
    )
    category = "compliance"
    severity = "medium"
    events = ("interaction_recorded",)

    def scan(self, *, company: Any, now: dt.datetime, params: dict[str, Any]) -> Iterable[Finding]:
        from baton.customers.models import Interaction

        recent = Interaction.objects.filter(
            customer__company=company, created_at__gt=now - dt.timedelta(days=1), created_at__lte=now
        )
        return self._findings(company=company, texts=[recent], skip_alerted=True)

    def on_event(
        self, *, company: Any, now: dt.datetime, params: dict[str, Any], event: str, payload: dict[str, Any]
    ) -> Iterable[Finding]:
        from baton.customers.models import Interaction

        ids = list(payload.get("interactions") or [])
        if payload.get("interaction"):
            ids.append(payload["interaction"])
        if not ids:
            return []
        chosen = Interaction.objects.filter(customer__company=company)
        texts = (chosen.filter(pk__in=ids[i : i + CHUNK]) for i in range(0, len(ids), CHUNK))
        return self._findings(company=company, texts=texts, skip_alerted=len(ids) > 1)

    def _findings(self, *, company: Any, texts: Iterable[Any], skip_alerted: bool) -> list[Finding]:
        from baton.alerts.models import Alert

        matcher = matcher_for(company_id=company.pk)
        if not matcher.size:
            return []
        hits = _hits(matcher, texts)
        if skip_alerted and hits:
            seen = Alert.objects.filter(
                rule=self.code, subject_type=SUBJECT, subject_id__in=[str(pk) for pk in hits]
            ).values_list("subject_id", flat=True)
            for subject_id in seen:
                hits.pop(int(subject_id), None)
        return [_finding(row, hits[row["pk"]]) for row in _details(sorted(hits))]


def _hits(matcher: Matcher, texts: Iterable[Any]) -> dict[int, list[tuple[str, Any]]]:
    """{interaction: [(field, match), …]} for every interaction with at least one match.

    Only the id and the two texts are read — in one plain query per queryset, which PostgreSQL
    may run in parallel over a large table (never a streamed, server-side cursor) — and the
    rest only for the few that match."""
    found: dict[int, list[tuple[str, Any]]] = {}
    for queryset in texts:
        for pk, *values in queryset.order_by().values_list("pk", *FIELDS):
            matches = [
                (name, m) for name, text in zip(FIELDS, values, strict=True) for m in matcher.find(text or "")
            ]
            if matches:
                found[pk] = matches
    return found


def _details(ids: list[int]) -> Iterator[Any]:
    """What the alert shows of each interaction, in chunks of ``CHUNK``, by id."""
    from baton.customers.models import Interaction

    for start in range(0, len(ids), CHUNK):
        yield from (
            Interaction.objects.filter(pk__in=ids[start : start + CHUNK])
            .order_by("pk")
            .values(
                "pk",
                "content",
                "next_step",
                "channel",
                "occurred_at",
                "customer_id",
                "customer__name",
                "customer__team_id",
                "employee_id",
                "employee__name",
                "employee__employee_no",
                "employee__team_id",
            )
        )


def _finding(row: dict[str, Any], found: list[tuple[str, Any]]) -> Finding:
    from baton.customers.models import InteractionChannel

    field, first = found[0]
    writer = row["employee__name"] or _("someone")
    channel = dict(InteractionChannel.choices).get(row["channel"], row["channel"])
    return Finding(
        subject_type=SUBJECT,
        subject_id=str(row["pk"]),
        title=_("“%(phrase)s” in %(who)s's %(channel)s with %(customer)s")
        % {
            "phrase": first.phrase,
            "who": writer,
            "channel": channel,
            "customer": row["customer__name"],
        },
        details={
            "phrase": first.phrase,
            "category": first.category,
            "field": field,
            "snippet": first.snippet(row[field]),
            "matches": [{"phrase": m.phrase, "category": m.category, "field": f} for f, m in found],
            "interaction": row["pk"],
            "customer": row["customer_id"],
            "employee": row["employee__employee_no"] or "",
            "channel": row["channel"],
            "occurred_at": row["occurred_at"].isoformat(),
        },
        team_id=row["employee__team_id"] or row["customer__team_id"],
        notify=(TEAM_LEAD,),
    )
