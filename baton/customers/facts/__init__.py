"""Offline fact extraction for the customer 360° profile.

Salespeople's calls, WeChat messages, e-mails and visit notes hold facts about what a logistics
customer needs (volumes, vehicles, routes, time windows, who decides, how they pay). The
extractors here turn that free text into :class:`FactCandidate` objects, so the knowledge stays
with the company when the salesperson leaves. The app picks the extractor by dotted path with
:func:`extractor_from_path`; the default is the dictionary-and-rules :class:`RuleExtractor`.
"""

from baton.customers.facts.base import (
    DEFAULT_EXTRACTOR_PATH,
    FactCandidate,
    FactExtractor,
    extractor_from_path,
)

__all__ = ["DEFAULT_EXTRACTOR_PATH", "FactCandidate", "FactExtractor", "extractor_from_path"]
