"""The ``pooling`` commands: organisations, people, tokens, demo data and database upgrade."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select

from config import TestingConfig
from pooling import create_app
from pooling.accounts import services as accounts
from pooling.accounts.models import Membership, User
from pooling.extensions import db
from pooling.organisations.models import Organisation
from tests.factories import make_organisation, make_user

PASSWORD = "a long enough passphrase"


@pytest.fixture
def cli(app):
    """Run a command of the application, as ``pooling ...`` would."""
    runner = app.test_cli_runner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(args=list(args), input=input)

    return run


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def table_counts() -> dict[str, int]:
    """Rows of every table of the schema."""
    db.session.expire_all()
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_organisations_create_prints_the_slug(cli):
    result = cli("organisations", "create", "--name", "Les Jardins")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "les-jardins"
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == "les-jardins"))
    assert organisation.name == "Les Jardins"


def test_organisations_create_takes_slug_and_kind(cli):
    result = cli(
        "organisations", "create", "--name", "SCOP Bois", "--slug", "bois", "--kind", "cooperative"
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "bois"
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == "bois"))
    assert organisation.kind == "cooperative"


def test_organisations_create_refuses_an_unknown_kind(cli):
    result = cli("organisations", "create", "--name", "Club", "--kind", "club")
    assert result.exit_code != 0
    assert "kind" in result.output
    assert count(Organisation) == 0


@pytest.mark.parametrize("role", ["member", "org_admin", "coordinator"])
def test_users_create_reads_the_password_from_stdin_and_prints_the_id(cli, role):
    make_organisation("Les Jardins", slug="jardins")
    result = cli(
        "users", "create", "--email", "Ines@Example.org", "--name", "Inès",
        "--organisation", "jardins", "--role", role,
        input=f"{PASSWORD}\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    user_id = int(result.output.strip())
    user = db.session.get(User, user_id)
    assert user.email == "ines@example.org"
    assert user.role == role
    assert accounts.authenticate("ines@example.org", PASSWORD) == user
    assert accounts.authenticate("ines@example.org", "a wrong passphrase") is None


def test_users_create_with_password_stdin_flag(cli):
    make_organisation("Les Jardins", slug="jardins")
    result = cli(
        "users", "create", "--email", "marc@example.org", "--name", "Marc",
        "--organisation", "jardins", "--password-stdin",
        input=f"{PASSWORD}\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert accounts.authenticate("marc@example.org", PASSWORD) is not None


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["--organisation", "jardins", "--role", "boss"], PASSWORD, "boss"),
        (["--organisation", "nowhere"], PASSWORD, "nowhere"),
        (["--organisation", "jardins", "--email", "taken@example.org"], PASSWORD, "e-mail"),
        (["--organisation", "jardins"], "short", "au moins 10 caractères"),
        (["--organisation", "jardins", "--email", "not-an-address"], PASSWORD, "e-mail"),
        ([], PASSWORD, "organisation"),
    ],
)
def test_users_create_refuses_bad_input_and_writes_nothing(cli, args, stdin, message):
    organisation = make_organisation("Les Jardins", slug="jardins")
    make_user(organisation, email="taken@example.org")
    before = (count(User), count(Membership))
    options = {"--email": "new@example.org", "--name": "Nouvelle"}
    for index in range(0, len(args), 2):
        options[args[index]] = args[index + 1]
    flat = [part for pair in options.items() for part in pair]
    result = cli("users", "create", *flat, input=f"{stdin}\n")
    assert result.exit_code != 0
    assert message in result.output
    assert (count(User), count(Membership)) == before


def test_tokens_create_prints_a_token_that_works_on_the_api(app, cli):
    user = make_user(email="lea@example.org")
    result = cli("tokens", "create", "--email", "lea@example.org", "--name", "script")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1
    token = lines[0]
    assert token == token.strip() and token.startswith("pool_")
    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json()["id"] == user.id


def test_tokens_create_for_an_unknown_person_fails(cli):
    result = cli("tokens", "create", "--email", "nobody@example.org")
    assert result.exit_code != 0
    assert "nobody@example.org" in result.output


def test_demo_prints_the_logins_and_a_second_run_changes_nothing(cli):
    first = cli("demo")
    assert first.exit_code == 0, first.output
    assert "coordination@demo.pooling.fr" in first.output
    after_first = table_counts()
    assert after_first["organisations"] > 0 and after_first["resources"] > 0
    second = cli("demo")
    assert second.exit_code == 0, second.output
    assert "coordination@demo.pooling.fr" in second.output
    assert table_counts() == after_first


def test_demo_logins_name_their_roles_in_the_interface_words_and_the_address(cli, app):
    app.config["POOLING_BASE_URL"] = "http://127.0.0.1:5123"
    output = cli("demo").output
    assert "Sign in at http://127.0.0.1:5123 with:" in output
    # One column each for the address, the password and the role, aligned.
    rows = [line.split(None, 2) for line in output.splitlines()[1:] if line.strip()]
    labels = {email: label for email, _password, label in rows}
    assert labels["coordination@demo.pooling.fr"] == "coordination"
    assert any(label.startswith("référent·e (") for label in labels.values())
    assert any(label.startswith("membre (") for label in labels.values())
    assert len({line.index("demo-pooling-2026") for line in output.splitlines()[1:]}) == 1
    assert not any(word in output for word in ("org_admin", "member (", "coordinator"))


def test_demo_logins_sign_in(cli):
    cli("demo")
    assert accounts.authenticate("coordination@demo.pooling.fr", "demo-pooling-2026") is not None


def test_db_upgrade_creates_the_tables_in_an_empty_sqlite_file(tmp_path):
    path = tmp_path / "empty.db"
    application = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with application.app_context():
        result = application.test_cli_runner().invoke(args=["db", "upgrade"])
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    with sqlite3.connect(path) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert {table.name for table in db.metadata.sorted_tables} <= tables
    assert "alembic_version" in tables
