import random
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from baton.demo.models import DemoDataset
from baton.demo.registry import DemoContext, run_seeders
from baton.org.models import Employee


class Command(BaseCommand):
    help = "Create the demo company (a 20-year-old logistics firm), deterministically from --seed."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (and succeed) when the database already holds employees",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Employee.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Database already holds data; demo not loaded.")
                return
            raise CommandError("seed_demo needs an empty database (it already holds employees).")
        seed = options["seed"]
        ctx = DemoContext(seed=seed, rng=random.Random(seed))
        with transaction.atomic():
            run_seeders(ctx)
            DemoDataset.objects.create(seed=seed)
        self.stdout.write(f"Demo company loaded (seed {seed}): {Employee.objects.count()} employees.")
