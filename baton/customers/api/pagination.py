"""Pages of the customer list API, whose total and rows the view finds branch by branch."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db.models import QuerySet
from rest_framework.request import Request

from baton.core.api.pagination import StandardPagination
from baton.customers.pagination import ScopedPaginator


class ScopedListPagination(StandardPagination):
    """The standard pages (``{"count", "next", "previous", "results"}``). A view with
    ``count_rows(queryset)`` and ``page_rows(queryset, bottom, top)`` gives the exact total and the
    rows of a page of its (filtered, ordered) queryset itself."""

    def paginate_queryset(self, queryset: QuerySet[Any], request: Request, view: Any = None) -> Any:
        if view is not None and hasattr(view, "count_rows") and hasattr(view, "page_rows"):
            # DRF only calls it as ``django_paginator_class(queryset, page_size)``.
            self.django_paginator_class = partial(  # type: ignore[assignment]
                ScopedPaginator,
                counter=lambda: view.count_rows(queryset),
                slicer=lambda bottom, top: view.page_rows(queryset, bottom, top),
            )
        return super().paginate_queryset(queryset, request, view)
