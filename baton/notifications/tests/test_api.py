"""Notifications over the API: your own list, marking one or all read, and 404 for anyone else's."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from baton.notifications.models import Notification
from baton.notifications.tests.helpers import notifications_for_user

pytestmark = pytest.mark.django_db

NOTIFICATIONS = "/api/v1/notifications/"


def post(client, url, data=None):
    return client.post(url, data if data is not None else {}, content_type="application/json")


def test_matrix(org):
    """Anonymous → 401 in the envelope; anyone signed in (even with no role) → their own list."""
    [mine] = notifications_for_user(org.user("X0001"))
    for method, url in (
        ("get", NOTIFICATIONS),
        ("post", f"{NOTIFICATIONS}{mine.pk}/read/"),
        ("post", f"{NOTIFICATIONS}read-all/"),
    ):
        anonymous = getattr(Client(), method)(url)
        assert anonymous.status_code == 401, url
        assert anonymous.json()["error"]["code"] == "not_authenticated"
    client = org.client_for("X0001")
    assert client.get(NOTIFICATIONS).status_code == 200
    assert post(client, f"{NOTIFICATIONS}{mine.pk}/read/").status_code == 200
    assert post(client, f"{NOTIFICATIONS}read-all/").status_code == 200


def test_list_is_your_own_newest_first_and_paginated(org):
    first, second = notifications_for_user(org.user("S1101"), 2)
    notifications_for_user(org.user("S1102"), 3, prefix="theirs")

    body = org.client_for("S1101").get(NOTIFICATIONS).json()

    assert body["count"] == 2 and body["next"] is None
    assert [row["id"] for row in body["results"]] == [second.pk, first.pk]
    assert body["results"][0] == {
        "id": second.pk,
        "kind": "offboarding.case_opened",
        "key": "n:1",
        "title": "Notice n 1",
        "body": "Please look.",
        "link": "/offboarding/my/",
        "severity": "normal",
        "created_at": "2026-11-02T09:01:00+08:00",
        "read_at": None,
    }


def test_unread_filter(org):
    first, second = notifications_for_user(org.user("S1101"), 2)
    post(org.client_for("S1101"), f"{NOTIFICATIONS}{first.pk}/read/")

    rows = org.client_for("S1101").get(NOTIFICATIONS, {"unread": "true"}).json()["results"]

    assert [row["id"] for row in rows] == [second.pk]


def test_read_one(org):
    [notification] = notifications_for_user(org.user("S1101"))

    response = post(org.client_for("S1101"), f"{NOTIFICATIONS}{notification.pk}/read/")

    assert response.status_code == 200
    assert response.json()["id"] == notification.pk and response.json()["read_at"] is not None
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_read_refuses_unknown_fields(org):
    [notification] = notifications_for_user(org.user("S1101"))
    response = post(org.client_for("S1101"), f"{NOTIFICATIONS}{notification.pk}/read/", {"read": False})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"read"}


def test_someone_elses_notification_is_404_like_a_missing_one(org):
    [theirs] = notifications_for_user(org.user("S1102"))
    client = org.client_for("S1101")

    hidden = post(client, f"{NOTIFICATIONS}{theirs.pk}/read/")
    missing = post(client, f"{NOTIFICATIONS}999999/read/")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert hidden.json()["error"]["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_all_marks_only_your_own(org):
    notifications_for_user(org.user("S1101"), 3)
    [theirs] = notifications_for_user(org.user("S1102"))

    response = post(org.client_for("S1101"), f"{NOTIFICATIONS}read-all/")

    assert response.status_code == 200 and response.json() == {"marked": 3}
    assert post(org.client_for("S1101"), f"{NOTIFICATIONS}read-all/").json() == {"marked": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_schema_lists_the_endpoints(org):
    paths = Client().get("/api/schema/", {"format": "json"}).json()["paths"]
    assert {"get"} <= set(paths["/api/v1/notifications/"])
    assert {"post"} <= set(paths["/api/v1/notifications/{id}/read/"])
    assert {"post"} <= set(paths["/api/v1/notifications/read-all/"])


LIST_QUERIES = 7  # session (+ its save), user, count, page; nothing per row


def test_list_query_count_does_not_grow_with_rows(org, django_assert_max_num_queries):
    client = org.client_for("S1101")
    notifications_for_user(org.user("S1101"), 5)
    with django_assert_max_num_queries(LIST_QUERIES), CaptureQueriesContext(connection) as five:
        client.get(NOTIFICATIONS)
    notifications_for_user(org.user("S1101"), 45, prefix="more")
    with django_assert_max_num_queries(LIST_QUERIES), CaptureQueriesContext(connection) as fifty:
        response = client.get(NOTIFICATIONS)
    assert len(response.json()["results"]) == 50
    assert len(fifty) == len(five)
