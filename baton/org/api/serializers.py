from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from baton.core.api.serializers import StrictSerializer
from baton.core.masking import mask_email, mask_phone
from baton.org.models import (
    Company,
    Department,
    Employee,
    EmployeeMove,
    EmployeeStatus,
    Position,
    Team,
    TeamRole,
    employee_no_validator,
)
from baton.org.selectors import employees_visible_to

# --- Output -------------------------------------------------------------------------------


class CompanyBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Company
        fields = ["id", "name"]


class DepartmentBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name"]


class TeamBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name"]


class PositionBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Position
        fields = ["id", "name", "code"]


class EmployeeBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Employee
        fields = ["id", "employee_no", "name"]


class EmployeeSerializer(serializers.ModelSerializer):
    """An employee record; phone and e-mail are masked (``POST .../reveal/`` shows them)."""

    phone = serializers.SerializerMethodField(help_text="Masked, e.g. 138****5678.")
    email = serializers.SerializerMethodField(help_text="Masked, e.g. z***@example.com.")
    company = CompanyBriefSerializer(read_only=True)
    department = DepartmentBriefSerializer(read_only=True)
    team = TeamBriefSerializer(read_only=True, allow_null=True)
    position = PositionBriefSerializer(read_only=True, allow_null=True)
    manager = EmployeeBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Employee
        fields = [
            "id",
            "employee_no",
            "name",
            "phone",
            "email",
            "company",
            "department",
            "team",
            "team_role",
            "position",
            "manager",
            "dotted_line_manager",
            "hire_date",
            "status",
            "left_on",
            "user",
        ]
        read_only_fields = fields

    def get_phone(self, obj: Employee) -> str:
        return mask_phone(obj.phone)

    def get_email(self, obj: Employee) -> str:
        return mask_email(obj.email)


class EmployeeContactSerializer(serializers.Serializer):
    phone = serializers.CharField()
    email = serializers.CharField()


class EmployeeMoveSerializer(serializers.ModelSerializer):
    operator: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="employee_no", read_only=True, allow_null=True
    )

    class Meta:
        model = EmployeeMove
        fields = [
            "id",
            "occurred_at",
            "effective_on",
            "field",
            "from_value",
            "to_value",
            "from_id",
            "to_id",
            "reason",
            "operator",
        ]
        read_only_fields = fields


class CompanySerializer(serializers.ModelSerializer):
    class Meta:
        model = Company
        fields = ["id", "name", "short_name", "parent", "founded_on"]
        read_only_fields = fields


class DepartmentSerializer(serializers.ModelSerializer):
    head = EmployeeBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Department
        fields = ["id", "company", "name", "code", "parent", "head", "path", "depth"]
        read_only_fields = fields


class TeamSerializer(serializers.ModelSerializer):
    lead = EmployeeBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Team
        fields = ["id", "department", "name", "lead", "is_sales"]
        read_only_fields = fields


class PositionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Position
        fields = ["id", "company", "name", "code", "is_sales"]
        read_only_fields = fields


class OrgTreeTeamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    is_sales = serializers.BooleanField()
    lead = EmployeeBriefSerializer(allow_null=True)


class OrgTreeNodeSerializer(serializers.Serializer):
    """A department with its teams, head count (people not yet left) and sub-departments."""

    id = serializers.IntegerField(source="department.id")
    name = serializers.CharField(source="department.name")
    code = serializers.CharField(source="department.code")
    company = serializers.IntegerField(source="department.company_id")
    head = EmployeeBriefSerializer(source="department.head", allow_null=True)
    headcount = serializers.IntegerField()
    teams = OrgTreeTeamSerializer(many=True)
    children = serializers.SerializerMethodField()

    @extend_schema_field({"type": "array", "items": {"$ref": "#/components/schemas/OrgTreeNode"}})
    def get_children(self, node: dict[str, Any]) -> Any:
        return OrgTreeNodeSerializer(node["children"], many=True, context=self.context).data


# --- Input ---------------------------------------------------------------------------------


class _ScopedPeopleMixin:
    """Employees named in input (managers, heads, leads) must be visible to the caller;
    anyone else is answered like an id that does not exist."""

    people_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        for name in self.people_fields:
            self.fields[name].queryset = employees_visible_to(user=user)  # type: ignore[attr-defined]


def _parent(queryset: QuerySet[Any]) -> Any:
    """An optional parent (null: at the top). Typed ``Any`` because DRF's stubs also declare
    ``Field.parent``; at run time declared fields never clash with it."""
    return serializers.PrimaryKeyRelatedField(queryset=queryset, required=False, allow_null=True)


def _people(**kwargs: Any) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(queryset=Employee.objects.none(), **kwargs)


class EmployeeCreateSerializer(_ScopedPeopleMixin, StrictSerializer):
    people_fields = ("manager", "dotted_line_manager")

    company = serializers.PrimaryKeyRelatedField(queryset=Company.objects.all())
    employee_no = serializers.CharField(max_length=32, validators=[employee_no_validator], help_text="工号")
    name = serializers.CharField(max_length=100)
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    hire_date = serializers.DateField()
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False, allow_null=True)
    team_role = serializers.ChoiceField(choices=TeamRole.choices, required=False, allow_blank=True)
    position = serializers.PrimaryKeyRelatedField(
        queryset=Position.objects.all(), required=False, allow_null=True
    )
    manager = _people(required=False, allow_null=True)
    dotted_line_manager = _people(required=False, allow_null=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    status = serializers.ChoiceField(
        choices=[
            (s.value, s.label)
            for s in (EmployeeStatus.ONBOARDING, EmployeeStatus.PROBATION, EmployeeStatus.ACTIVE)
        ],
        required=False,
        default=EmployeeStatus.ONBOARDING,
    )


class EmployeeUpdateSerializer(_ScopedPeopleMixin, StrictSerializer):
    """The fields to change; moves between departments, teams and managers are kept as history."""

    people_fields = ("manager", "dotted_line_manager")

    name = serializers.CharField(max_length=100, required=False)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False, allow_null=True)
    team_role = serializers.ChoiceField(choices=TeamRole.choices, required=False, allow_blank=True)
    position = serializers.PrimaryKeyRelatedField(
        queryset=Position.objects.all(), required=False, allow_null=True
    )
    manager = _people(required=False, allow_null=True)
    dotted_line_manager = _people(required=False, allow_null=True)
    hire_date = serializers.DateField(required=False)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    effective_on = serializers.DateField(required=False, allow_null=True, default=None)


class EmployeeStatusChangeSerializer(StrictSerializer):
    # Nobody moves back to onboarding, so it is not offered.
    status = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in EmployeeStatus if s != EmployeeStatus.ONBOARDING]
    )
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    effective_on = serializers.DateField(required=False, allow_null=True, default=None)


class CompanyWriteSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    short_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    parent = _parent(Company.objects.all())
    founded_on = serializers.DateField(required=False, allow_null=True)


class DepartmentCreateSerializer(_ScopedPeopleMixin, StrictSerializer):
    people_fields = ("head",)

    company = serializers.PrimaryKeyRelatedField(queryset=Company.objects.all())
    name = serializers.CharField(max_length=100)
    code = serializers.CharField(max_length=32, required=False, allow_blank=True)
    parent = _parent(Department.objects.all())
    head = _people(required=False, allow_null=True)


class DepartmentUpdateSerializer(_ScopedPeopleMixin, StrictSerializer):
    """Rename, re-code, re-parent (null: to the top) or change the head of a department."""

    people_fields = ("head",)

    name = serializers.CharField(max_length=100, required=False)
    code = serializers.CharField(max_length=32, required=False, allow_blank=True)
    parent = _parent(Department.objects.all())
    head = _people(required=False, allow_null=True)


class TeamCreateSerializer(_ScopedPeopleMixin, StrictSerializer):
    people_fields = ("lead",)

    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    name = serializers.CharField(max_length=100)
    lead = _people(required=False, allow_null=True)
    is_sales = serializers.BooleanField(required=False, default=False)


class TeamUpdateSerializer(_ScopedPeopleMixin, StrictSerializer):
    people_fields = ("lead",)

    name = serializers.CharField(max_length=100, required=False)
    lead = _people(required=False, allow_null=True)
    is_sales = serializers.BooleanField(required=False)


class PositionCreateSerializer(StrictSerializer):
    company = serializers.PrimaryKeyRelatedField(queryset=Company.objects.all())
    name = serializers.CharField(max_length=100)
    code = serializers.SlugField(max_length=50)
    is_sales = serializers.BooleanField(required=False, default=False)


class PositionUpdateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100, required=False)
    code = serializers.SlugField(max_length=50, required=False)
    is_sales = serializers.BooleanField(required=False)
