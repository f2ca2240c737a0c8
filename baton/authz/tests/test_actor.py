"""What the scope filters know about the acting user."""

import pytest
from django.db.models import Q

from baton.authz.actor import Actor, actor_for
from baton.authz.registry import ScopeRule, any_of
from baton.core.testing import _department
from baton.org.models import Employee, Team

pytestmark = pytest.mark.django_db


def test_a_department_head_reaches_the_teams_of_the_whole_subtree(org):
    below = _department(org.company, "深圳分部", org.departments["south"])
    shenzhen = Team.objects.create(department=below, name="深圳客户团队", is_sales=True)
    south = {org.teams["south1"].pk, org.teams["south2"].pk, shenzhen.pk}

    assert set(actor_for(org.user("S1000")).department_team_ids) == south
    assert set(Actor(user=org.user("S1101")).department_team_ids) == south  # their own department
    assert actor_for(org.user("E2001")).department_team_ids == [org.teams["east1"].pk]


def test_someone_in_no_department_reaches_no_team(org):
    Employee.objects.filter(pk=org.employees["S1000"].pk).update(user=None)
    user = type(org.user("S1000")).objects.get(pk=org.user("S1000").pk)  # now without an employee

    assert Actor(user=user).department_team_ids == []


def test_a_rule_made_from_branches_is_their_or():
    rule = ScopeRule.from_branches(lambda scope, actor: [] if scope == "own" else [Q(a=1), Q(b=2)])

    assert rule.filter_for("team", None) == Q(a=1) | Q(b=2)  # type: ignore[arg-type]
    assert rule.filter_for("own", None) == any_of([])  # type: ignore[arg-type]
    assert rule.branches_for("department", None) == [Q(a=1), Q(b=2)]  # type: ignore[arg-type]
