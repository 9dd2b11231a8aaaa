"""Before a qualification ends, ``pooling jobs run`` tells its holder and the referents of their
organisation, in the inbox and by mail, once per end date, ``POOLING_QUALIFICATION_NOTICE_DAYS``
(30) days ahead; two runs at once tell it once."""

from __future__ import annotations

import threading
from datetime import timedelta

from babel.dates import format_date
from sqlalchemy import select, update

from pooling.core.db import utcnow
from pooling.extensions import db
from pooling.jobs.commands import tell_ending_qualifications
from pooling.mail import qualification_notices
from pooling.mail.models import OutboxMail
from pooling.notifications.models import Notification
from pooling.qualifications.models import QualificationHolder
from tests.mail.conftest import text_of
from tests.qualifications.helpers import hold, today


def run_jobs(app) -> None:
    result = app.test_cli_runner().invoke(args=["jobs", "run"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()


def notices(user) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id, Notification.kind.like("qualification_%"))
            .order_by(Notification.id)
        )
    )


def subject(message) -> str:
    return " ".join(str(message["Subject"]).split())


def words(message) -> str:
    return " ".join(text_of(message).split())


def french(day) -> str:
    return format_date(day, "full", locale="fr")


def test_holder_and_referent_are_told_once_thirty_days_before_the_end(
    app, pole, smtp_server, pinned_clock, login
):
    end = today() + timedelta(days=40)
    hold(pole.permis, pole.alice, end)
    run_jobs(app)
    assert notices(pole.alice) == [] and smtp_server.messages == []

    pinned_clock.shift(timedelta(days=10))  # the end is now 30 days away
    run_jobs(app)
    run_jobs(app)
    [mine] = smtp_server.to(pole.alice.email)
    assert subject(mine) == f"Votre habilitation Permis B prend fin le {french(end)}"
    assert "vous ne pourrez plus réserver les ressources qui l'exigent" in words(mine)
    assert "https://pole.example.org/qualifications/" in text_of(mine)
    assert mine["List-Unsubscribe"] == "<https://pole.example.org/account/notifications/>"
    [theirs] = smtp_server.to(pole.referent.email)
    assert subject(theirs) == f"Alice : l'habilitation Permis B prend fin le {french(end)}"
    # Bob's referent, of another organisation, and the coordinator are not told.
    assert smtp_server.to(pole.scop_referent.email) == []
    assert smtp_server.to(pole.coordinator.email) == []
    assert [n.kind for n in notices(pole.alice)] == ["qualification_expiring"]
    assert [n.kind for n in notices(pole.referent)] == ["qualification_expiring_person"]
    assert notices(pole.scop_referent) == []

    inbox = login(pole.referent).get("/inbox/").get_data(as_text=True)
    assert f"Alice : l&#39;habilitation Permis B prend fin le {french(end)}" in inbox
    inbox = login(pole.alice).get("/inbox/").get_data(as_text=True)
    assert f"Votre habilitation Permis B prend fin le {french(end)}" in inbox


def test_a_renewal_gets_a_notice_of_its_own(app, pole, smtp_server, pinned_clock):
    hold(pole.permis, pole.alice, today() + timedelta(days=20))
    run_jobs(app)
    assert len(notices(pole.alice)) == 1
    renewed = today() + timedelta(days=400)
    hold(pole.permis, pole.alice, renewed)
    run_jobs(app)
    assert len(notices(pole.alice)) == 1  # far from its new end
    pinned_clock.shift(timedelta(days=380))
    run_jobs(app)
    assert len(notices(pole.alice)) == 2
    assert len(smtp_server.to(pole.alice.email)) == 2
    assert subject(smtp_server.to(pole.alice.email)[-1]).endswith(french(renewed))


def test_nothing_for_no_end_an_ended_holding_or_a_deactivated_person(app, pole, pinned_clock):
    hold(pole.permis, pole.bob)  # Permis B has no validity: no end
    hold(pole.haccp, pole.alice, today() + timedelta(days=5))
    hold(pole.permis, pole.referent, today() + timedelta(days=5))
    pole.referent.active = False
    db.session.commit()
    pinned_clock.shift(timedelta(days=6))  # Alice's HACCP has ended yesterday
    run_jobs(app)
    assert db.session.scalars(select(Notification)).all() == []
    assert db.session.scalars(select(OutboxMail)).all() == []


def test_in_english_and_by_mail_only_to_who_keeps_it(app, pole, smtp_server, pinned_clock, login):
    pole.alice.locale = "en"
    pole.referent.mail_qualifications = False
    db.session.commit()
    end = today() + timedelta(days=30)
    hold(pole.haccp, pole.alice, end)
    run_jobs(app)
    [mail] = smtp_server.to(pole.alice.email)
    assert subject(mail) == (
        f"Your qualification HACCP ends on {format_date(end, 'full', locale='en')}"
    )
    assert "you can no longer book the resources that require it" in words(mail)
    # The referent switched these mails off: the inbox still tells her.
    assert smtp_server.to(pole.referent.email) == []
    assert [n.kind for n in notices(pole.referent)] == ["qualification_expiring_person"]


def test_the_delay_is_a_setting(app, pole, pinned_clock):
    app.config["POOLING_QUALIFICATION_NOTICE_DAYS"] = "7"
    hold(pole.permis, pole.alice, today() + timedelta(days=8))
    run_jobs(app)
    assert notices(pole.alice) == []
    pinned_clock.shift(timedelta(days=1))
    run_jobs(app)
    assert len(notices(pole.alice)) == 1


def test_a_holding_told_by_another_run_meanwhile_is_not_told_again(app, pole, pinned_clock):
    hold(pole.permis, pole.alice, today() + timedelta(days=10))
    now = utcnow()
    [holding_id] = qualification_notices.due_holdings(now)
    db.session.commit()
    with db.engine.begin() as connection:  # the other run claims it first
        connection.execute(
            update(QualificationHolder)
            .where(QualificationHolder.id == holding_id)
            .values(expiry_notice_for=QualificationHolder.valid_until)
        )
    assert qualification_notices.tell_holding(holding_id, now) is False
    db.session.commit()
    assert notices(pole.alice) == []


def test_two_runs_at_once_tell_each_holding_once(app, pole, monkeypatch):
    hold(pole.permis, pole.alice, today() + timedelta(days=10))
    hold(pole.haccp, pole.bob, today() + timedelta(days=12))
    both_read = threading.Barrier(2, timeout=30)
    real = qualification_notices.due_holdings

    def read_then_wait(now):
        found = real(now)
        both_read.wait()  # each run has read both holdings before either claims one
        return found

    monkeypatch.setattr(qualification_notices, "due_holdings", read_then_wait)
    reports: list[str] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context():
                reports.append(tell_ending_qualifications(utcnow()))
                db.session.remove()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(reports) == [
        "ending qualifications: 0 told",
        "ending qualifications: 2 told",
    ] or (sorted(reports) == ["ending qualifications: 1 told", "ending qualifications: 1 told"])
    db.session.expire_all()
    assert len(notices(pole.alice)) == 1 and len(notices(pole.bob)) == 1
    assert len(notices(pole.referent)) == 1 and len(notices(pole.scop_referent)) == 1
