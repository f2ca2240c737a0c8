"""The sensitive-word dictionary over the API (R10): list, add, change, switch off, remove.

Reading needs ``risk_rule.view``, every write ``risk_rule.change``. A phrase is found within
the caller's company only: another company's phrase answers 404 like a missing one. The
rules (non-empty, at most 100 characters, not in the dictionary already) are the services'
(``baton.risk.services_phrases``), whose refusals come back as 400 in the error envelope with
the field named; each change is audited there.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from baton.core.api.serializers import EnumField, StrictSerializer, named_enum
from baton.core.api.viewsets import ScopedViewSet
from baton.core.errors import InvalidInput
from baton.risk.models import PhraseCategory
from baton.risk.services_phrases import MAX_PHRASE_LENGTH, phrase_add, phrase_delete, phrase_update
from baton.risk.views import company_id_of
from baton.risk.views_phrases import phrases_visible_to

PHRASE_RULES = (
    f"Stripped of surrounding spaces, 1 to {MAX_PHRASE_LENGTH} characters, and not in the "
    "dictionary already (compared as matched: Latin letters ignore case)."
)


@named_enum()
class PhraseCategoryField(EnumField):
    choices_class = PhraseCategory


class SensitivePhraseSerializer(serializers.Serializer):
    """A phrase of the caller's company's dictionary."""

    id = serializers.IntegerField(read_only=True)
    phrase = serializers.CharField(read_only=True)
    category = PhraseCategoryField(read_only=True)
    category_label = serializers.CharField(
        source="get_category_display", read_only=True, help_text="The category in the caller's language."
    )
    active = serializers.BooleanField(read_only=True, help_text="An inactive phrase matches nothing.")
    created_at = serializers.DateTimeField(read_only=True)


class SensitivePhraseCreateSerializer(StrictSerializer):
    # Blank and long input reach the service, which gives the dictionary's own messages.
    phrase = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text=PHRASE_RULES)
    category = PhraseCategoryField(required=False, default=PhraseCategory.OTHER)


class SensitivePhraseUpdateSerializer(StrictSerializer):
    phrase = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, help_text=PHRASE_RULES
    )
    category = PhraseCategoryField(required=False)
    active = serializers.BooleanField(required=False, help_text="Switch the phrase on or off.")


ERRORS = {
    400: OpenApiResponse(
        description="Input refused: `error.fields.phrase` (empty, too long, in the dictionary already) "
        "or `error.fields.category`; `no_employee` for an account that belongs to no company."
    ),
    404: OpenApiResponse(description="No such phrase in your company's dictionary."),
}


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@extend_schema(tags=["risk"])
class SensitivePhraseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The sensitive-word dictionary of the caller's company, which R10 matches in interactions
    (its defaults installed the first time it is read)."""

    resource = "risk_rule"
    selector = phrases_visible_to
    action_policies = {"create": "change", "partial_update": "change", "destroy": "change"}
    serializer_class = SensitivePhraseSerializer
    filterset_fields = ["category", "active"]
    search_fields = ["phrase"]
    ordering_fields = ["phrase", "category", "created_at"]

    @extend_schema(
        request=SensitivePhraseCreateSerializer,
        responses={201: SensitivePhraseSerializer, 400: ERRORS[400]},
    )
    def create(self, request: Request) -> Response:
        """Add a phrase (active at once; R10 matches it from the next interaction). Audited."""
        data = _valid(SensitivePhraseCreateSerializer, request)
        company_id = company_id_of(request.user)
        if company_id is None:
            raise InvalidInput(
                _("This account has no employee record, so it belongs to no company."), code="no_employee"
            )
        phrase = phrase_add(
            actor=request.user, company_id=company_id, phrase=data["phrase"], category=data["category"]
        )
        return Response(self.get_serializer(phrase).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=SensitivePhraseUpdateSerializer,
        responses={200: SensitivePhraseSerializer, **ERRORS},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        """Change a phrase's wording or category, or switch it off or on; fields left out keep
        their value. Audited when something changed."""
        phrase = self.get_object()
        data = _valid(SensitivePhraseUpdateSerializer, request)
        phrase = phrase_update(
            actor=request.user,
            phrase=phrase,
            text=data.get("phrase"),
            category=data.get("category"),
            active=data.get("active"),
        )
        return Response(self.get_serializer(phrase).data)

    @extend_schema(responses={204: None, 404: ERRORS[404]})
    def destroy(self, request: Request, pk: str) -> Response:
        """Remove a phrase from the dictionary; the alerts it raised stay. Audited."""
        phrase_delete(actor=request.user, phrase=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
