"""Rules every endpoint under /api/v1/ keeps: one base class, one error shape, 401 for strangers,
strict and bounded input, and a clean OpenAPI schema."""

import json
import re

import pytest
from django.test import Client
from django.utils import translation
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import EndpointEnumerator, SchemaGenerator
from drf_spectacular.validation import validate_schema

from baton.authz import registry
from baton.core.api.viewsets import BatonAPIView, ScopedViewSet
from baton.org.models import Employee

pytestmark = pytest.mark.django_db

EMPLOYEES = "/api/v1/employees/"
# The only endpoint a stranger may call: exchanging credentials for a token.
PUBLIC_ENDPOINTS = {("/api/v1/auth/token/", "POST")}


def api_endpoints():
    return [
        (path, method, callback)
        for path, _regex, method, callback in EndpointEnumerator().get_api_endpoints()
        if path.startswith("/api/v1/")
    ]


def concrete(path):
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_endpoint_derives_from_a_baton_base_class():
    endpoints = api_endpoints()
    assert len(endpoints) > 30
    for path, method, callback in endpoints:
        cls = callback.cls
        assert issubclass(cls, BatonAPIView | ScopedViewSet), f"{method} {path}: {cls.__name__}"


def test_every_scoped_viewset_names_a_registered_resource_and_its_actions():
    for path, method, callback in api_endpoints():
        cls = callback.cls
        if not issubclass(cls, ScopedViewSet):
            continue
        resource = registry.get(cls.resource)
        assert cls.selector is not None, path
        action = callback.actions[method.lower()]
        grant = cls.action_policies.get(action) or cls.ACTION_GRANTS.get(action, "view")
        assert grant in resource.actions, f"{method} {path}: {cls.resource}.{grant} is not an action"


def test_anonymous_callers_get_401_in_the_error_envelope_everywhere(org):
    open_to_strangers = set()
    for path, method, _callback in api_endpoints():
        response = Client().generic(method, concrete(path))
        if response.status_code != 401:
            open_to_strangers.add((path, method))
            continue
        assert response.json()["error"]["code"] == "not_authenticated", f"{method} {path}"
        assert response["WWW-Authenticate"] == "Bearer"
    assert open_to_strangers == PUBLIC_ENDPOINTS


def test_schema_has_no_warnings_and_validates():
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    warnings = dict(GENERATOR_STATS._warn_cache) | dict(GENERATOR_STATS._error_cache)
    GENERATOR_STATS.reset()

    assert warnings == {}
    validate_schema(schema)


def test_schema_and_docs_are_served():
    response = Client().get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = json.loads(response.content)
    for path in (
        "/api/v1/auth/token/",
        "/api/v1/employees/",
        "/api/v1/employees/{id}/reveal/",
        "/api/v1/roles/{id}/grants/",
        "/api/v1/audit/events/",
        "/api/v1/audit/verify/",
        "/api/v1/alerts/{id}/resolve/",
        "/api/v1/org-tree/",
    ):
        assert path in schema["paths"], path
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert Client().get("/api/docs/").status_code == 200


# --- Bad input: 400 in the envelope, in the caller's language, and nothing changed -----------------


@pytest.fixture
def hr(org):
    return org.client_for("H0001")


@pytest.fixture
def valid_employee(org):
    return {
        "company": org.company.pk,
        "employee_no": "S1103",
        "name": "黄磊",
        "department": org.departments["south"].pk,
        "hire_date": "2024-05-06",
    }


@pytest.fixture
def unchanged(org):
    """Asserts, after the test, that no employee was added or changed."""
    before = list(Employee.objects.order_by("pk").values())
    yield
    assert list(Employee.objects.order_by("pk").values()) == before


def post_raw(client, body, **extra):
    return client.generic("POST", EMPLOYEES, body, content_type="application/json", **extra)


def test_malformed_json(hr, unchanged):
    response = post_raw(hr, b'{"employee_no": "S1103", ', HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json() == {
        "error": {"code": "parse_error", "message": "The request body is not valid JSON.", "fields": {}}
    }


def test_unknown_fields(hr, valid_employee, unchanged):
    response = hr.post(
        EMPLOYEES, valid_employee | {"nickname": "磊哥", "salary": 1}, content_type="application/json"
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"nickname", "salary"}


def test_wrong_types(hr, valid_employee, unchanged):
    body = valid_employee | {"hire_date": 20240506, "department": {"id": 3}, "phone": ["139"], "team": "one"}

    response = hr.post(EMPLOYEES, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"hire_date", "department", "phone", "team"}


def test_body_that_is_not_an_object(hr, unchanged):
    response = hr.post(EMPLOYEES, ["S1103"], content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_oversized_body(hr, valid_employee, unchanged, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    body = json.dumps(valid_employee | {"name": "黄" * 2000}).encode()

    response = post_raw(hr, body, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "request_too_large",
        "message": "The request body is too large.",
        "fields": {},
    }


def test_oversized_body_at_the_default_limit(hr, valid_employee, unchanged, settings):
    body = json.dumps(valid_employee | {"name": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE}).encode()

    response = post_raw(hr, body)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "request_too_large"


def test_invalid_employee_no(hr, valid_employee, unchanged):
    response = hr.post(
        EMPLOYEES,
        valid_employee | {"employee_no": "-S1103"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert list(fields) == ["employee_no"]
    assert "工号" in fields["employee_no"][0]


def test_messages_follow_accept_language(hr, valid_employee, unchanged):
    body = {k: v for k, v in valid_employee.items() if k != "name"} | {"hire_date": "next monday"}

    english = hr.post(EMPLOYEES, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en").json()[
        "error"
    ]
    chinese = hr.post(EMPLOYEES, body, content_type="application/json").json()["error"]  # default: zh-hans

    assert english["message"] == "Some fields are not valid."
    assert english["fields"]["name"] == ["This field is required."]
    assert english["fields"]["hire_date"][0].startswith("Date has wrong format.")
    with translation.override("zh-hans"):
        assert chinese["message"] == translation.gettext("Some fields are not valid.")
    assert chinese["message"] != english["message"]
    assert chinese["fields"]["name"] == ["该字段是必填项。"]
    assert chinese["fields"]["hire_date"][0].startswith("日期格式错误。")


def test_service_errors_follow_accept_language_too(org):
    client = org.client_for("H0001")
    url = f"{EMPLOYEES}{org.employees['S1102'].pk}/status/"

    english = client.post(
        url, {"status": "probation"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert english.status_code == 400
    assert english.json()["error"] == {
        "code": "invalid_transition",
        "message": "An employee who is Active cannot become Probation.",
        "fields": {"status": ["This status change is not allowed."]},
    }


def test_method_not_allowed_is_in_the_envelope(org):
    response = org.client_for("H0001").delete(f"{EMPLOYEES}{org.employees['S1102'].pk}/")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert Employee.objects.filter(pk=org.employees["S1102"].pk).exists()
