from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from baton.core.api.viewsets import BatonAPIView
from baton.core.errors import InvalidInput, NotFound
from baton.core.policy import Policy, requires
from baton.risk import registry
from baton.risk.api.serializers import RiskRuleSerializer, RiskRuleUpdateSerializer
from baton.risk.rules.base import Rule
from baton.risk.services import rule_setting_update
from baton.risk.views import company_id_of, rule_row


def _company_id(user: Any) -> int:
    company_id = company_id_of(user)
    if company_id is None:
        raise InvalidInput(
            _("This account has no employee record, so it belongs to no company."), code="no_employee"
        )
    return company_id


def _rule(code: str) -> Rule:
    try:
        return registry.get(code)
    except KeyError as exc:
        raise NotFound() from exc


@extend_schema(tags=["risk"])
class RiskRuleListView(BatonAPIView):
    """Every risk rule with its switch and thresholds for the caller's company (``risk_rule.view``)."""

    policy = requires("risk_rule", "view")

    @extend_schema(responses=RiskRuleSerializer(many=True))
    def get(self, request: Request) -> Response:
        company_id = _company_id(request.user)
        rows = [rule_row(company_id=company_id, rule=rule).as_json() for rule in registry.all_rules()]
        return Response(RiskRuleSerializer(rows, many=True).data)


@extend_schema(tags=["risk"])
class RiskRuleDetailView(BatonAPIView):
    """One rule; ``PATCH`` switches it and changes thresholds (``risk_rule.change``, audited)."""

    policy = requires("risk_rule", "view")

    def get_policy(self) -> Policy:
        return requires("risk_rule", "change") if self.request.method == "PATCH" else self.policy

    @extend_schema(responses=RiskRuleSerializer)
    def get(self, request: Request, code: str) -> Response:
        rule = _rule(code)
        return Response(
            RiskRuleSerializer(rule_row(company_id=_company_id(request.user), rule=rule).as_json()).data
        )

    @extend_schema(request=RiskRuleUpdateSerializer, responses=RiskRuleSerializer)
    def patch(self, request: Request, code: str) -> Response:
        """Field errors come keyed by the threshold's name; nothing is saved then."""
        rule = _rule(code)
        company_id = _company_id(request.user)
        serializer = RiskRuleUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        rule_setting_update(
            actor=request.user,
            company_id=company_id,
            code=rule.code,
            enabled=data.get("enabled"),
            params=data.get("params"),
        )
        return Response(RiskRuleSerializer(rule_row(company_id=company_id, rule=rule).as_json()).data)
