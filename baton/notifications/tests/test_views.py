"""The notification pages and the bell: your own notifications, nobody else's."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from baton.audit.models import AuditEvent
from baton.notifications.models import Notification
from baton.notifications.tests.helpers import notifications_for_user

pytestmark = pytest.mark.django_db

LIST = "/notifications/"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def test_list_matrix(org):
    """Anyone signed in has a list (their own): anonymous → login, someone with no role → 200."""
    anonymous = Client().get(LIST)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    for person in ("X0001", "S1101", "admin"):
        assert org.client_for(person).get(LIST).status_code == 200, person


def test_list_shows_only_your_own_newest_first_unread_highlighted(org):
    first, second = notifications_for_user(org.user("S1101"), 2)
    notifications_for_user(org.user("S1102"), 1, prefix="theirs")
    Notification.objects.filter(pk=first.pk).update(read_at=first.created_at)

    page = org.client_for("S1101").get(LIST)

    assert [n.pk for n in page.context["notifications"]] == [second.pk, first.pk]
    body = page.content.decode()
    assert "Notice theirs 0" not in body
    unread_item = body.split(f'id="notification-{second.pk}"')[0].rsplit("<article", 1)[1]
    assert "notification-unread" in unread_item
    assert f'action="/notifications/{second.pk}/read/"' in body


def test_unread_filter(org):
    first, second = notifications_for_user(org.user("S1101"), 2)
    Notification.objects.filter(pk=first.pk).update(read_at=first.created_at)

    page = org.client_for("S1101").get(LIST, {"unread": "true"})

    assert [n.pk for n in page.context["notifications"]] == [second.pk]


def test_list_pages_by_fifty(org):
    notifications_for_user(org.user("S1101"), 51)
    client = org.client_for("S1101")
    assert len(client.get(LIST).context["notifications"]) == 50
    assert len(client.get(LIST, {"page": 2}).context["notifications"]) == 1


def test_mark_one_read_and_go_back(org):
    [notification] = notifications_for_user(org.user("S1101"))

    response = org.client_for("S1101").post(
        f"{LIST}{notification.pk}/read/", {"next": "/notifications/?page=1"}
    )

    assert response.status_code == 302 and response["Location"] == "/notifications/?page=1"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_read_never_sends_you_off_site(org):
    [notification] = notifications_for_user(org.user("S1101"))
    response = org.client_for("S1101").post(
        f"{LIST}{notification.pk}/read/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == LIST


def test_open_marks_read_and_goes_to_the_link(org):
    [notification] = notifications_for_user(org.user("S1101"), link="/customers/")

    response = org.client_for("S1101").post(f"{LIST}{notification.pk}/read/", {"open": "1"})

    assert response.status_code == 302 and response["Location"] == "/customers/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_read_with_htmx_returns_the_item_and_the_new_bell(org):
    first, _second = notifications_for_user(org.user("S1101"), 2)

    response = org.client_for("S1101").post(f"{LIST}{first.pk}/read/", HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{first.pk}"' in body and "notification-unread" not in body
    assert 'id="notification-bell"' in body and 'hx-swap-oob="true"' in body
    assert 'data-unread-count="1"' in body


def test_someone_elses_notification_is_404_and_stays_unread(org):
    [theirs] = notifications_for_user(org.user("S1102"))

    response = org.client_for("S1101").post(f"{LIST}{theirs.pk}/read/")
    missing = org.client_for("S1101").post(f"{LIST}999999/read/")

    assert response.status_code == missing.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert AuditEvent.objects.filter(
        action="access.denied",
        actor_id=org.user("S1101").pk,
        object_type="notification",
        object_id=str(theirs.pk),
    ).exists()


def test_mark_read_needs_post_and_a_csrf_token(org):
    [notification] = notifications_for_user(org.user("S1101"))
    assert org.client_for("S1101").get(f"{LIST}{notification.pk}/read/").status_code == 405
    strict = org.client_for("S1101")
    strict.handler.enforce_csrf_checks = True
    assert strict.post(f"{LIST}{notification.pk}/read/").status_code == 403
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read(org):
    notifications_for_user(org.user("S1101"), 3)
    [theirs] = notifications_for_user(org.user("S1102"))

    response = org.client_for("S1101").post(f"{LIST}read-all/", follow=True)

    assert "3 notifications marked read." in response.content.decode()
    assert not Notification.objects.filter(recipient=org.user("S1101"), read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_anonymous_cannot_mark_anything(org):
    [notification] = notifications_for_user(org.user("S1101"))
    assert Client().post(f"{LIST}{notification.pk}/read/").status_code == 302
    assert Client().post(f"{LIST}read-all/").status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is None


def test_the_bell_on_the_dashboard_shows_the_unread_count(org):
    notifications_for_user(org.user("S1101"), 2)
    notifications_for_user(org.user("S1102"), 5, prefix="theirs")

    body = org.client_for("S1101").get("/").content.decode()

    assert 'id="notification-bell"' in body and 'data-unread-count="2"' in body
    nothing = org.client_for("S1201").get("/").content.decode()
    assert 'id="notification-bell"' in nothing and "data-unread-count" not in nothing


def test_the_bell_costs_one_query(org):
    client = org.client_for("S1101")
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    bell = [q["sql"] for q in queries.captured_queries if "notifications_notification" in q["sql"]]
    assert len(bell) == 1 and "COUNT(" in bell[0].upper()


LIST_QUERIES = 9  # session (+ its save), user, grants, count, page, bell; nothing per row


def test_list_query_count_does_not_grow_with_rows(org, django_assert_max_num_queries):
    client = org.client_for("S1101")
    notifications_for_user(org.user("S1101"), 5)
    with django_assert_max_num_queries(LIST_QUERIES), CaptureQueriesContext(connection) as five:
        client.get(LIST)
    notifications_for_user(org.user("S1101"), 45, prefix="more")
    with django_assert_max_num_queries(LIST_QUERIES), CaptureQueriesContext(connection) as fifty:
        response = client.get(LIST)
    assert len(response.context["notifications"]) == 50
    assert len(fifty) == len(five), [q["sql"] for q in fifty.captured_queries]
