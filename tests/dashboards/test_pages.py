"""Dashboard pages per role, CSV exports, the activity report and in-kind valuations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from pooling.dashboards.models import InKindRate
from pooling.extensions import db
from tests.conftest import csrf_token

OCTOBER = "?period=month&on=2026-10-15"


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("coordinator", "/dashboard/", 200),
        ("referent_b", "/dashboard/", 200),
        ("member_a", "/dashboard/", 403),
        ("coordinator", "/dashboard/report", 200),
        ("referent_b", "/dashboard/report", 403),
        ("member_a", "/dashboard/report", 403),
        ("coordinator", "/dashboard/in-kind", 200),
        ("referent_b", "/dashboard/in-kind", 403),
        ("member_a", "/dashboard/export/usage.csv", 403),
    ],
)
def test_dashboard_pages_per_role(pole, login, who, url, status):
    assert login(getattr(pole, who)).get(url).status_code == status


def test_anonymous_is_sent_to_sign_in(pole, client):
    assert client.get("/dashboard/").status_code in (302, 401)


def test_dashboard_page_shows_tables_and_charts_without_inline_script(pole, login):
    page = login(pole.coordinator).get("/dashboard/" + OCTOBER).get_data(as_text=True)
    assert "Salle A" in page and "data-chart=" in page
    assert "vendor/chartjs/chart.umd.js" in page
    assert "<script>" not in page and "onclick" not in page
    assert "No cost period yet" in page or "Aucune période" in page


def test_referent_asking_for_another_organisation_is_refused(pole, login):
    response = login(pole.referent_b).get(f"/dashboard/{OCTOBER}&organisation={pole.a.id}")
    assert response.status_code == 403


def test_usage_csv_export_holds_the_table(pole, login):
    response = login(pole.coordinator).get("/dashboard/export/usage.csv" + OCTOBER)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert len(lines) == 4
    assert "Gamma;12,00;12,00;250,00;2;1;48,0" in lines
    international = login(pole.coordinator).get(
        "/dashboard/export/usage.csv" + OCTOBER + "&format=international"
    )
    text = international.get_data(as_text=True)
    assert not text.startswith("\ufeff")
    assert "Gamma,12.00,12.00,250.00,2,1,48.0" in text.splitlines()


def test_referent_usage_csv_holds_only_their_organisation(pole, login):
    response = login(pole.referent_b).get("/dashboard/export/usage.csv" + OCTOBER)
    body = response.get_data(as_text=True)
    assert "Beta;6,00" in body and "Alpha" not in body and "Gamma" not in body


def test_heatmap_csv_has_a_row_per_weekday(pole, login):
    response = login(pole.coordinator).get("/dashboard/export/heatmap.csv" + OCTOBER)
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert len(lines) == 8
    tuesday = lines[2].split(";")
    assert tuesday[1 + 9] == "3,00" and tuesday[1 + 10] == "3,00"


def test_unknown_table_is_not_found(pole, login):
    assert login(pole.coordinator).get("/dashboard/export/secrets.csv").status_code == 404


def test_custom_period_with_end_before_start_is_refused(pole, login):
    response = login(pole.coordinator).get(
        "/dashboard/?period=custom&start=2026-10-10&end=2026-10-01"
    )
    assert response.status_code == 422


def test_in_kind_rate_values_hours_lent_to_others_in_the_report(pole, login):
    client = login(pole.coordinator)
    token = csrf_token(client, "/dashboard/in-kind")
    response = client.post(
        "/dashboard/in-kind",
        data={"csrf_token": token, "subject": "kind:premises", "hourly_rate": "10"},
    )
    assert response.status_code == 302
    rate = db.session.scalar(select(InKindRate))
    assert (rate.kind, rate.hourly_rate) == ("premises", Decimal("10.00"))
    report = client.get("/dashboard/report.csv?start=2026-10-01&end=2026-10-31")
    body = report.get_data(as_text=True)
    # Beta used Alpha's room 4 h (20 and 27 October): 4 h x 10 = 40.
    assert "Salle A (Alpha);40,00" in body
    assert ";3;" in body  # three organisations sharing
    assert ";33,3;" in body  # 2 of 6 confirmed bookings made by another than the owner


def test_negative_in_kind_rate_is_refused_and_nothing_written(pole, login):
    client = login(pole.coordinator)
    token = csrf_token(client, "/dashboard/in-kind")
    response = client.post(
        "/dashboard/in-kind",
        data={"csrf_token": token, "subject": "kind:premises", "hourly_rate": "-5"},
    )
    assert response.status_code == 422
    assert db.session.scalar(select(InKindRate)) is None


def test_report_page_is_printable(pole, login):
    response = login(pole.coordinator).get("/dashboard/report?start=2026-10-01&end=2026-10-31")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "css/dashboard.css" in page
    assert "data-print" in page and 'class="print-only print-header"' in page
    assert "Émis le" in page


def test_dashboard_and_report_show_the_cost_period_split(pole, login):
    from pooling.costing.allocations import allocation_of
    from pooling.costing.periods import CostInput, PeriodInput, add_cost, create_period

    period = create_period(
        pole.coordinator,
        PeriodInput(name="Octobre 2026", start=date(2026, 10, 1), end=date(2026, 10, 31)),
    )
    add_cost(
        pole.coordinator,
        period.id,
        CostInput(
            label="Assurance", amount=Decimal("300.00"), subsidy=Decimal("60.00"), rule="equal"
        ),
    )
    db.session.commit()
    document = allocation_of(pole.coordinator, period.id)
    owed = {t["organisation_id"]: t["owed"] for t in document["totals"]}
    page = login(pole.coordinator).get("/dashboard/" + OCTOBER + "&lang=en").get_data(as_text=True)
    assert "Octobre 2026" in page
    assert "No cost period yet" not in page
    assert f"/costs/{period.id}" in page
    # 240.00 shared equally between the three organisations: 80.00 each.
    assert owed[pole.a.id] == "80.00"
    assert page.count("€80.00") >= 3
    report = (
        login(pole.coordinator)
        .get("/dashboard/report?start=2026-10-01&end=2026-10-31&lang=en")
        .get_data(as_text=True)
    )
    assert "€240.00" in report and "€60.00" in report
    referent_page = (
        login(pole.referent_b).get("/dashboard/" + OCTOBER + "&lang=en").get_data(as_text=True)
    )
    costs_section = referent_page[referent_page.index('id="h-costs"') :]
    assert "Beta" in costs_section and "Alpha" not in costs_section


def test_dashboard_reads_months_by_name_days_as_a_range_and_figures_without_zeros(pole, login):
    client = login(pole.coordinator)
    french = client.get("/dashboard/" + OCTOBER + "&lang=fr").get_data(as_text=True)
    assert "Du 1er au 31 octobre 2026" in french
    assert '<th scope="row">octobre 2026</th>' in french and "2026-10<" not in french
    assert ">3</td>" in french and ">3.00<" not in french and ">3,00<" not in french
    assert "250,00" not in french and ">250<" in french  # km of the meter, counted
    assert "/dashboard/export/usage.csv?" in french and "format=international" in french
    english = client.get("/dashboard/" + OCTOBER + "&lang=en").get_data(as_text=True)
    assert "1–31 October 2026" in english and "October 2026</th>" in english


def test_trend_csv_names_the_months(pole, login):
    response = login(pole.coordinator).get("/dashboard/export/trend.csv" + OCTOBER + "&lang=fr")
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[1].startswith("octobre 2026;")


def test_report_states_its_days_as_a_range(pole, login):
    page = login(pole.coordinator).get("/dashboard/report?start=2026-10-01&end=2026-10-31&lang=fr")
    text = page.get_data(as_text=True)
    assert "du 1er au 31 octobre 2026" in text
    assert "dashboard/report.csv?" in text and "format=international" in text
