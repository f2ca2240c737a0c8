"""A paginator for lists whose total and page rows are found another way than ``COUNT(*)`` and a
slice: the customer list (API and page) counts and pages its scope branch by branch."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator


class ScopedPaginator(Paginator):
    """A paginator that asks ``counter()`` for the total and ``slicer(bottom, top)`` for a page's
    rows, instead of ``COUNT(*)`` and a slice of the list."""

    def __init__(
        self,
        object_list: Any,
        per_page: int,
        *,
        counter: Callable[[], int],
        slicer: Callable[[int, int], Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.counter = counter
        self.slicer = slicer

    @cached_property
    def count(self) -> int:
        return self.counter()

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return Page(self.slicer(bottom, top), number, self)
