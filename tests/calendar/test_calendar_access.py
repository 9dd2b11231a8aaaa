"""Who sees the calendar pages: anonymous people sign in first; members, referents, coordinators see them."""

from __future__ import annotations

import pytest

from tests.factories import make_resource

pytestmark = pytest.mark.pole("calendar_pages")

PAGES = ["/calendar/planning", "/calendar/find", "/calendar/resources/{id}"]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitor_is_sent_to_sign_in(client, pole, page):
    response = client.get(page.format(id=pole.jaures.id))

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("who", ["alice", "referent", "bob", "coordinator"])
@pytest.mark.parametrize("page", PAGES)
def test_every_signed_in_role_sees_the_calendar_pages(login, pole, who, page):
    response = login(getattr(pole, who)).get(page.format(id=pole.jaures.id))

    assert response.status_code == 200


def test_inactive_resource_calendar_is_not_found_for_a_member(login, pole):
    old = make_resource("Ancienne salle", active=False)

    assert login(pole.alice).get(f"/calendar/resources/{old.id}").status_code == 404
    assert login(pole.coordinator).get(f"/calendar/resources/{old.id}").status_code == 200


def test_unknown_resource_calendar_is_not_found(login, pole):
    assert login(pole.alice).get("/calendar/resources/999999").status_code == 404
