from typing import Any

from django.core.management.base import BaseCommand, CommandError

from baton.demo.dataset import (
    DEFAULT_NOW,
    DEFAULT_SEED,
    DatasetOptions,
    DatasetRefused,
    Summary,
    generate_dataset,
)
from baton.demo.dataset.options import parse_now


class Command(BaseCommand):
    help = (
        "Fill an EMPTY, migrated PostgreSQL database with the benchmark dataset (COPY, deterministic "
        "from --seed and --now). See docs/benchmarks.md, 'The dataset'. Refuses SQLite and any "
        "database that already holds an organisation, accounts or customers."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--employees", type=int, default=10_000)
        parser.add_argument("--customers", type=int, default=1_000_000)
        parser.add_argument("--interactions", type=int, default=10_000_000)
        parser.add_argument("--orders", type=int, default=2_000_000)
        parser.add_argument("--audit-events", type=int, default=1_000_000)
        parser.add_argument(
            "--leaver-customers",
            type=int,
            default=None,
            help="customers of the designated leaver (default 10,000, or 1%% of the customers if fewer)",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--now",
            default=None,
            help="the dataset's 'now', ISO 8601 (no offset = Asia/Shanghai); "
            f"default {DEFAULT_NOW.isoformat()}",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            chosen = DatasetOptions(
                employees=options["employees"],
                customers=options["customers"],
                interactions=options["interactions"],
                orders=options["orders"],
                audit_events=options["audit_events"],
                leaver_customers=options["leaver_customers"],
                seed=options["seed"],
                now=parse_now(options["now"]),
            )
            summary = generate_dataset(chosen, log=self.stdout.write if options["verbosity"] > 1 else _quiet)
        except DatasetRefused as exc:
            raise CommandError(str(exc)) from exc
        self._report(summary)

    def _report(self, summary: Summary) -> None:
        out = self.stdout.write
        out(f"{'table / step':<34}{'rows':>12}{'seconds':>10}")
        for name, count, seconds in summary.steps:
            out(f"{name:<34}{'' if count is None else f'{count:,}':>12}{seconds:10.1f}")
        out(f"{'total':<34}{'':>12}{summary.seconds:10.1f}")
        facts = summary.facts
        leaver, typical = facts.get("leaver", {}), facts.get("typical", {})
        out(f"dataset now {facts.get('now')}, seed {facts.get('seed')}")
        out(
            f"leaver: {leaver.get('employee_no')} {leaver.get('name')} (employee id {leaver.get('id')}) owns "
            f"{leaver.get('customers')} customers: {leaver.get('with_open_orders')} with open orders, "
            f"{leaver.get('with_open_receivables')} with open receivables, "
            f"{leaver.get('with_contracts')} with contracts, {leaver.get('with_open_tasks')} with open tasks"
        )
        if typical:
            out(
                f"team lead {typical['team_lead_no']} (user {typical['team_lead_id']}) of {typical['team']} "
                f"({typical['team_customers']} customers); department head {typical['department_head_no']} "
                f"(user {typical['department_head_id']}) of {typical['department']}; region head "
                f"{typical['region_head_no']} (user {typical['region_head_id']}) of {typical['region']}"
            )
        stars = ", ".join(f"{no} {share}%" for no, share in facts.get("stars", {}).items())
        out(f"high-revenue salespeople (share of 12-month revenue): {stars}")
        out(f"every account's password: {summary.password}  (user id = employee id)")
        for note in summary.notes:
            out(f"note: {note}")


def _quiet(_line: str) -> None:
    return None
