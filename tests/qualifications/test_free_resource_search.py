"""The free-resource search (the page and ``GET /api/v1/resources?available_start=...``) hides
the resources the person cannot book for want of a qualification valid on that date; a
coordinator, who may book over the rule, still sees them, marked."""

from __future__ import annotations

from datetime import timedelta

from pooling.core.time import pole_tz
from tests.qualifications.helpers import booking_body, hold, slot, today


def free_names(api, person, days: int) -> list[str]:
    start, end = slot(days)
    answer = api(person).get(
        "/api/v1/resources",
        query_string={
            "kind": "equipment",
            "available_start": start.isoformat(),
            "available_end": end.isoformat(),
        },
    )
    assert answer.status_code == 200, answer.json
    return [item["name"] for item in answer.json["items"]]


def find_page(login, person, days: int) -> str:
    start, end = slot(days)
    local_start, local_end = start.astimezone(pole_tz()), end.astimezone(pole_tz())
    answer = login(person).get(
        "/calendar/find",
        query_string={
            "kind": "equipment",
            "date": local_start.date().isoformat(),
            "start_time": local_start.strftime("%H:%M"),
            "end_time": local_end.strftime("%H:%M"),
        },
    )
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def test_the_api_search_hides_the_van_from_who_lacks_the_licence(api, pole):
    assert "Camionnette" not in free_names(api, pole.alice, 3)
    hold(pole.permis, pole.alice)
    assert "Camionnette" in free_names(api, pole.alice, 3)
    # Without the search, the catalogue still lists it (its page says why it cannot be booked).
    listed = api(pole.bob).get("/api/v1/resources?kind=equipment").json["items"]
    assert "Camionnette" in [item["name"] for item in listed]


def test_the_licence_counts_on_the_date_searched(api, pole):
    hold(pole.permis, pole.alice, today() + timedelta(days=5))
    assert "Camionnette" in free_names(api, pole.alice, 5)
    assert "Camionnette" not in free_names(api, pole.alice, 6)


def test_a_coordinator_still_finds_it_since_they_may_override(api, pole):
    assert "Camionnette" in free_names(api, pole.coordinator, 3)


def test_the_find_page_hides_it_from_a_member_and_marks_it_for_a_coordinator(login, pole):
    assert "Camionnette" not in find_page(login, pole.alice, 3)
    page = find_page(login, pole.coordinator, 3)
    assert "Camionnette" in page
    assert "qualification-lacking" in page
    assert (
        "Il vous manque l'habilitation Permis B : la réserver est une dérogation aux règles."
        in page
    )


def test_a_holder_finds_it_unmarked(login, pole):
    hold(pole.permis, pole.alice, today() + timedelta(days=30))
    page = find_page(login, pole.alice, 3)
    assert "Camionnette" in page
    assert "qualification-lacking" not in page


def test_a_taken_van_is_offered_to_wait_for_only_to_who_could_book_it(api, login, pole):
    """The search's "taken at that time" list, with its waitlist button, leaves out what the
    person could not book anyway: joining would be refused for the missing licence."""
    booked = api(pole.coordinator).post(
        "/api/v1/bookings",
        json=booking_body(pole.van.id, 3, organisation_id=pole.jardins.id, override_rules=True),
    )
    assert booked.status_code == 201, booked.json
    page = find_page(login, pole.alice, 3)
    assert "taken-resource" not in page
    hold(pole.permis, pole.alice, today() + timedelta(days=30))
    page = find_page(login, pole.alice, 3)
    assert "taken-resource" in page
    assert "Camionnette" in page
