"""The enterprise-scale dataset for the benchmarks (``manage.py generate_dataset``).

It fills an empty, migrated PostgreSQL database with a company of the demo's shape at any size
(10,000 people, a million customers, ten million interactions, two million orders and a million
audit events at full scale) in a few minutes, by COPY rather than row by row, deterministically
from ``--seed`` and ``--now``. ``docs/benchmarks.md`` ("The dataset") describes what it makes
and the shapes the benchmark relies on; each module's doc describes its part:

- ``options``: the options and their checks; ``runner``: the steps, the guard, the summary;
- ``org`` / ``org_write``: the organisation, accounts, roles, pools and rules;
- ``plan``: who every customer is and who serves it; ``identities``: names, codes, phones;
- ``activity``: interactions and tasks; ``commerce``: orders, statements, contracts, complaints;
- ``accounts``: customers, contacts, collaborators, ownership history; ``audit``: the chain;
- ``sql``: COPY, indexes and sequences; ``timeline``: dates and times; ``texts``: the words;
- ``integrity``: reference checks and the facts the benchmark looks up.
"""

from baton.demo.dataset.options import DEFAULT_NOW, DEFAULT_SEED, DatasetOptions, DatasetRefused
from baton.demo.dataset.runner import Summary, generate_dataset

__all__ = ["DEFAULT_NOW", "DEFAULT_SEED", "DatasetOptions", "DatasetRefused", "Summary", "generate_dataset"]
