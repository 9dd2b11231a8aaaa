"""Cost-sharing pages: periods, costs, allocation in words, statements, comparison, exports."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from pooling.costing.models import Cost, CostPeriod
from pooling.extensions import db
from tests.conftest import csrf_token
from tests.costing.test_worked_example import january_period, january_usage

pytestmark = pytest.mark.usefixtures("pinned_clock")  # dates fixed in 2027


def test_coordinator_opens_a_period_and_adds_a_cost_through_the_pages(login, pole):
    client = login(pole.coordinator)
    token = csrf_token(client, "/costs/")
    response = client.post(
        "/costs/",
        data={
            "csrf_token": token,
            "name": "Janvier 2027",
            "first_day": "2027-01-01",
            "last_day": "2027-01-31",
        },
    )
    assert response.status_code == 302
    period = db.session.scalar(select(CostPeriod))
    url = f"/costs/{period.id}"
    token = csrf_token(client, url)
    response = client.post(
        f"{url}/costs",
        data={
            "csrf_token": token,
            "label": "Assurance",
            "category": "insurance",
            "amount": "300.00",
            "subsidy": "",
            "resource_id": "0",
            "kind": "",
            "rule": "equal",
            "fixed_share": "",
            "usage_unit": "",
            "paid_by": "",
            "loaded_hourly_cost": "",
            "management_coefficient": "",
        },
    )
    assert response.status_code == 302
    page = client.get(url + "?lang=en").get_data(as_text=True)
    assert "Assurance" in page
    assert "Equal rule: one share of 2, 50.00 % of 300.00 EUR" in page


def test_a_subsidy_above_the_amount_is_shown_next_to_the_field_and_nothing_is_written(login, pole):
    client = login(pole.coordinator)
    period = CostPeriod(
        name="Q1", start_at=pole.room.created_at, end_at=pole.room.created_at.replace(year=2030)
    )
    db.session.add(period)
    db.session.commit()
    url = f"/costs/{period.id}"
    response = client.post(
        f"{url}/costs",
        data={
            "csrf_token": csrf_token(client, url),
            "label": "Loyer",
            "category": "rent",
            "amount": "100.00",
            "subsidy": "150.00",
            "resource_id": "0",
            "kind": "",
            "rule": "equal",
            "fixed_share": "",
            "usage_unit": "",
            "paid_by": "",
            "loaded_hourly_cost": "",
            "management_coefficient": "",
        },
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert 'id="subsidy-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Cost.id))) == 0


def _cost_form(token: str, **values) -> dict:
    return {
        "csrf_token": token,
        "label": "Loyer",
        "category": "rent",
        "amount": "",
        "subsidy": "",
        "resource_id": "0",
        "kind": "",
        "rule": "equal",
        "fixed_share": "",
        "usage_unit": "",
        "paid_by": "",
        "loaded_hourly_cost": "",
        "management_coefficient": "",
        **values,
    }


def test_the_cost_form_reads_a_decimal_comma_and_refuses_a_word_next_to_its_field(login, pole):
    client = login(pole.coordinator)
    period = CostPeriod(
        name="Q1", start_at=pole.room.created_at, end_at=pole.room.created_at.replace(year=2030)
    )
    db.session.add(period)
    db.session.commit()
    url = f"/costs/{period.id}"
    refused = client.post(
        f"{url}/costs",
        data=_cost_form(csrf_token(client, url), amount="cent euros"),
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'id="amount-error"' in page
    assert "Un nombre est attendu." in page  # the coordinator reads French
    assert 'value="cent euros"' in page
    assert db.session.scalar(select(func.count(Cost.id))) == 0
    added = client.post(
        f"{url}/costs", data=_cost_form(csrf_token(client, url), amount="1234,50", subsidy="0,5")
    )
    assert added.status_code == 302
    cost = db.session.scalar(select(Cost))
    assert (cost.amount, cost.subsidy) == (Decimal("1234.50"), Decimal("0.50"))


def test_closing_from_the_page_freezes_the_period(login, api, pole):
    january_usage(pole)
    period_id, _ids = january_period(api, pole)
    client = login(pole.coordinator)
    url = f"/costs/{period_id}"
    response = client.post(
        f"{url}/close", data={"csrf_token": csrf_token(client, url), "confirmed": "1"}
    )
    assert response.status_code == 302
    period = db.session.get(CostPeriod, period_id)
    db.session.refresh(period)
    assert period.status == "closed"
    assert period.snapshot["totals"]


def test_referent_sees_only_their_own_statement(login, api, pole):
    january_usage(pole)
    period_id, _ids = january_period(api, pole)
    client = login(pole.referent)
    own = client.get(f"/costs/{period_id}/statements/{pole.jardins.id}?lang=en")
    assert own.status_code == 200
    text = own.get_data(as_text=True)
    assert "468.69 EUR" in text
    assert "3.5 h of 16 h of the Salle Jaurès" in text
    assert client.get(f"/costs/{period_id}/statements/{pole.scop.id}").status_code == 404
    assert client.get(f"/costs/{period_id}/accounting.csv").status_code == 403
    assert client.get(f"/costs/{period_id}/compare").status_code == 403


def test_members_get_403_on_cost_and_usage_pages(login, api, pole):
    period_id = (
        api(pole.coordinator)
        .post(
            "/api/v1/cost-periods", json={"name": "Q1", "start": "2027-01-01", "end": "2027-03-31"}
        )
        .json["id"]
    )
    client = login(pole.alice)
    for url in (
        "/costs/",
        f"/costs/{period_id}",
        f"/costs/{period_id}/statements/{pole.jardins.id}",
        "/usage/",
    ):
        assert client.get(url).status_code == 403, url


def test_rule_comparison_shows_every_rule_adding_up_to_the_same_total(login, api, pole):
    january_usage(pole)
    period_id, _ids = january_period(api, pole)
    response = login(pole.coordinator).get(f"/costs/{period_id}/compare?lang=en")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "1,742.60 EUR" in text  # 800.00 + 300.00 + 100.01 + 542.59
    assert "weighted rule" in text


def _csv(response) -> list[list[str]]:
    return list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )


def test_accounting_export_is_balanced_with_accounts_and_analytic_codes(login, api, pole):
    january_usage(pole)
    period_id, _ids = january_period(api, pole)
    response = login(pole.coordinator).get(
        f"/costs/{period_id}/accounting.csv?format=international"
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["date", "journal", "account", "analytic_code", "label", "debit", "credit"]
    debit = sum(Decimal(r[5]) for r in rows[1:] if r[5])
    credit = sum(Decimal(r[6]) for r in rows[1:] if r[6])
    assert debit == credit
    assert {r[0] for r in rows[1:]} == {"2027-01-31"}
    jardins = [r for r in rows[1:] if r[2] == "411JARDINS"]
    assert sum(Decimal(r[5] or 0) for r in jardins) == Decimal("468.69")
    assert sum(Decimal(r[6] or 0) for r in jardins) == Decimal("800.00")
    assert any(r[3] == f"R{pole.room.id:04d}" and r[2] == "708000" for r in rows[1:])


def test_statement_csv_is_safe_against_spreadsheet_formulas(login, api, pole):
    client = api(pole.coordinator)
    period_id = client.post(
        "/api/v1/cost-periods",
        json={"name": "=cmd|' /C calc'!A0", "start": "2027-01-01", "end": "2027-01-31"},
    ).json["id"]
    client.post(
        f"/api/v1/cost-periods/{period_id}/costs",
        json={"label": '=HYPERLINK("http://evil")', "amount": "10.00", "rule": "equal"},
    )
    response = login(pole.coordinator).get(f"/costs/{period_id}/statement.csv")
    assert response.status_code == 200
    rows = _csv(response)
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://evil")' in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)


def test_coordinator_sets_accounting_codes_used_by_the_export(login, api, pole):

    january_usage(pole)
    period_id, _ids = january_period(api, pole)
    client = login(pole.coordinator)
    page = "/costs/accounting-codes"
    shown = client.get(page).get_data(as_text=True)
    assert 'placeholder="411JARDINS"' in shown
    saved = client.post(
        page,
        data={
            "csrf_token": csrf_token(client, page),
            f"org-{pole.jardins.id}": "411000JAR",
            f"res-{pole.room.id}": "SALLE-JAURES",
        },
    )
    assert saved.status_code == 302
    rows = _csv(client.get(f"/costs/{period_id}/accounting.csv"))
    assert any(r[2] == "411000JAR" for r in rows[1:])
    assert not any(r[2] == "411JARDINS" for r in rows[1:])
    assert any(r[3] == "SALLE-JAURES" for r in rows[1:])


def test_invalid_accounting_code_is_refused_next_to_its_field_and_nothing_is_saved(login, pole):
    from pooling.costing.models import AccountingCode

    client = login(pole.coordinator)
    page = "/costs/accounting-codes"
    response = client.post(
        page,
        data={
            "csrf_token": csrf_token(client, page),
            f"org-{pole.jardins.id}": "411 JARDINS; DROP",
            f"res-{pole.room.id}": "VALID-CODE",
        },
    )
    assert response.status_code == 422
    assert f'id="org-{pole.jardins.id}-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AccountingCode.id))) == 0


def test_only_coordinators_set_accounting_codes(login, pole):
    assert login(pole.referent).get("/costs/accounting-codes").status_code == 403
    assert login(pole.alice).get("/costs/accounting-codes").status_code == 403


def _french_rows(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff"), "a French CSV starts with a byte order mark"
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_period_pages_show_the_last_included_day_never_an_excluded_one(login, api, pole):
    january_usage(pole)
    period_id, _ids = january_period(api, pole)
    client = login(pole.coordinator)
    period = client.get(f"/costs/{period_id}?lang=fr").get_data(as_text=True)
    assert "Du 1er au 31 janvier 2027" in period
    assert "exclu" not in period and "1 février 2027" not in period
    listing = client.get("/costs/?lang=fr").get_data(as_text=True)
    assert "31 janvier 2027" in listing and "exclu" not in listing
    statement = client.get(f"/costs/{period_id}/statements/{pole.jardins.id}?lang=en")
    assert "1–31 January 2027" in statement.get_data(as_text=True)


def test_statement_csv_reads_in_french_spreadsheets_with_labels_and_decimal_commas(
    login, api, pole
):
    january_usage(pole)
    period_id, _ids = january_period(api, pole)
    client = login(pole.coordinator)
    page = client.get(f"/costs/{period_id}?lang=fr").get_data(as_text=True)
    assert f"/costs/{period_id}/statement.csv?format=international" in page
    rows = _french_rows(client.get(f"/costs/{period_id}/statement.csv?lang=fr"))
    assert rows[0][:4] == ["Période", "Structure", "Charge", "Catégorie"]
    rent = [r for r in rows[1:] if r[2] == "Loyer Salle Jaurès"]
    assert rent and {r[3] for r in rent} == {"Loyer"}
    assert rent[0][4] == "1200,00" and rent[0][5] == "400,00"
    assert "rent" not in {cell for row in rows for cell in row}
    shares = [Decimal(r[7].replace(",", ".")) for r in rent]
    assert sum(shares) == Decimal("800.00")

    international = client.get(f"/costs/{period_id}/statement.csv?format=international&lang=en")
    text = international.get_data(as_text=True)
    assert not text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][-2:] == ["Category code", "Rule code"]
    rent = [r for r in rows[1:] if r[2] == "Loyer Salle Jaurès"]
    assert rent[0][3] == "Rent" and rent[0][4] == "1200.00" and rent[0][-2] == "rent"


def test_accounting_csv_in_french_has_french_headers_and_balances(login, api, pole):
    january_usage(pole)
    period_id, _ids = january_period(api, pole)
    rows = _french_rows(login(pole.coordinator).get(f"/costs/{period_id}/accounting.csv?lang=fr"))
    assert rows[0] == ["Date", "Journal", "Compte", "Code analytique", "Libellé", "Débit", "Crédit"]
    debit = sum(Decimal(r[5].replace(",", ".")) for r in rows[1:] if r[5])
    credit = sum(Decimal(r[6].replace(",", ".")) for r in rows[1:] if r[6])
    assert debit == credit > 0
    assert all("," in r[5] for r in rows[1:] if r[5])


def test_closing_a_running_period_warns_asks_and_changes_nothing_until_confirmed(login, api, pole):
    from datetime import date, timedelta

    today = date.today()
    period_id = (
        api(pole.coordinator)
        .post(
            "/api/v1/cost-periods",
            json={
                "name": "En cours",
                "start": (today - timedelta(days=5)).isoformat(),
                "end": (today + timedelta(days=20)).isoformat(),
            },
        )
        .json["id"]
    )
    client = login(pole.coordinator)
    url = f"/costs/{period_id}"
    page = client.get(url).get_data(as_text=True)
    assert "pas encore terminée" in page and "data-confirm=" in page
    asked = client.post(f"{url}/close", data={"csrf_token": csrf_token(client, url)})
    assert asked.status_code == 200
    text = asked.get_data(as_text=True)
    assert "Clôturer « En cours » avant sa fin" in text
    assert "pas encore terminée" in text and 'name="confirmed" value="1"' in text
    assert db.session.get(CostPeriod, period_id).status == "open"
    done = client.post(
        f"{url}/close", data={"csrf_token": csrf_token(client, url), "confirmed": "1"}
    )
    assert done.status_code == 302
    period = db.session.get(CostPeriod, period_id)
    db.session.refresh(period)
    assert period.status == "closed"


def test_statement_prints_with_the_pole_and_the_issue_date(login, api, pole, app):
    from babel.dates import format_date

    january_usage(pole)
    period_id, _ids = january_period(api, pole)
    page = (
        login(pole.referent)
        .get(f"/costs/{period_id}/statements/{pole.jardins.id}")
        .get_data(as_text=True)
    )
    assert "data-print" in page and "Imprimer" in page
    assert app.config["POOLING_NAME"] in page
    assert f"Émis le {format_date(date_today(), 'full', locale='fr')}" in page


def date_today():
    from datetime import datetime

    from pooling.core.time import pole_tz

    return datetime.now(pole_tz()).date()


def test_costs_read_their_kind_rule_category_and_transfers_in_words(login, pole):
    """No code on the period page: "Matériel", "répartition à parts égales", "Entretien"; the
    pole is named without an article glued to it ("verse … au pôle")."""
    from pooling.costing.periods import CostInput, PeriodInput, add_cost, create_period

    period = create_period(
        pole.coordinator,
        PeriodInput(name="Janvier 2027", start=date(2027, 1, 1), end=date(2027, 1, 31)),
    )
    add_cost(
        pole.coordinator,
        period.id,
        CostInput(
            label="Révision du matériel",
            rule="equal",
            category="maintenance",
            amount=Decimal("300.00"),
            kind="equipment",
        ),
    )
    db.session.commit()
    page = login(pole.coordinator).get(f"/costs/{period.id}").get_data(as_text=True)
    row = page.split("Révision du matériel", 1)[1].split("</tr>", 1)[0]
    assert "toutes les ressources de type «\u00a0Matériel\u00a0»" in row
    assert "répartition à parts égales" in row
    assert "equipment" not in row and "equal" not in row
    assert "au pôle" in page and "à le pôle" not in page
