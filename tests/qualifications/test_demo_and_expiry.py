"""The demo's van requires "Permis B", and a qualification that has ended stops counting."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from pooling.accounts.services import find_user_by_email
from pooling.extensions import db
from pooling.qualifications import services as qualifications
from pooling.resources.models import Resource
from tests.qualifications.helpers import booking_body, hold, today


def test_demo_van_requires_a_driving_licence_that_some_people_hold(app, login):
    from pooling.demo import load_demo

    load_demo()
    db.session.commit()
    van = db.session.scalar(select(Resource).where(Resource.name == "Camionnette Kangoo"))
    assert [q.name for q in van.required_qualifications] == ["Permis B"]
    permis = van.required_qualifications[0]
    holders = {h.user.email for h in permis.holders}
    assert {"trouvaille@demo.pooling.fr", "membre@demo.pooling.fr"} <= holders
    assert "referente@demo.pooling.fr" not in holders
    # The referent of Les Jardins sees her member's licence ending within 60 days.
    referente = find_user_by_email("referente@demo.pooling.fr")
    soon = qualifications.expiring(referente)
    assert [(h.user.email, h.qualification.name) for h in soon] == [
        ("membre@demo.pooling.fr", "Permis B")
    ]
    page = login(referente).get(f"/resources/{van.id}").get_data(as_text=True)
    assert "Permis B" in page and "qualification-notice" in page
    # A second run changes nothing.
    before = len(permis.holders)
    load_demo()
    db.session.commit()
    db.session.expire_all()
    assert len(permis.holders) == before


def test_a_qualification_that_has_ended_no_longer_lets_its_holder_book(api, pole, pinned_clock):
    hold(pole.permis, pole.alice, today() + timedelta(days=3))
    alice = api(pole.alice)
    assert alice.post("/api/v1/bookings", json=booking_body(pole.van.id, 2)).status_code == 201
    pinned_clock.shift(timedelta(days=5))
    me = alice.get("/api/v1/me").json["qualifications"]
    assert [(q["name"], q["valid"]) for q in me] == [("Permis B", False)]
    refused = alice.post("/api/v1/bookings", json=booking_body(pole.van.id, 1))
    assert refused.status_code == 422
    assert refused.json["error"] == "qualification_required"
    assert not qualifications.expiring(pole.referent)
