"""The ``pooling`` command group: Flask's commands plus users, tokens, organisations and demo."""

from __future__ import annotations

import sys
from decimal import Decimal, InvalidOperation

import click
from flask import Flask
from flask.cli import FlaskGroup

from pooling.calendar.commands import ical
from pooling.checks.commands import check
from pooling.core.actors import SYSTEM
from pooling.core.errors import DomainError
from pooling.dashboards.commands import rollup
from pooling.extensions import db
from pooling.jobs.commands import jobs
from pooling.mail.commands import mail


def _create_app():
    from pooling import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
def main() -> None:
    """Pooling: shared premises, equipment and staff of a pole, and their fair cost split."""


def _fail(error: DomainError) -> None:
    db.session.rollback()
    details = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.fields.items())
    raise click.ClickException(f"{error.message}{' (' + details + ')' if details else ''}")


def register_commands(app: Flask) -> None:
    """Attach the command groups to the application's CLI."""
    app.cli.add_command(users)
    app.cli.add_command(tokens)
    app.cli.add_command(organisations)
    app.cli.add_command(demo)
    app.cli.add_command(ical)
    app.cli.add_command(jobs)
    app.cli.add_command(mail)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(check)
    app.cli.add_command(rollup)


@click.group()
def users() -> None:
    """Manage people."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--organisation", "organisation_slug", help="Slug of the person's organisation.")
@click.option(
    "--role",
    type=click.Choice(["member", "org_admin", "coordinator"]),
    default="member",
    show_default=True,
)
@click.option("--locale", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--invite", is_flag=True, help="Print a one-time link to set the password instead.")
def users_create(email, name, organisation_slug, role, locale, password_stdin, invite):
    """Create a person; the password is read from standard input. Prints the id."""
    from pooling.accounts import invitations, services
    from pooling.organisations.services import get_organisation_by_slug

    password = None
    if not invite:
        if password_stdin or not sys.stdin.isatty():
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        organisation = get_organisation_by_slug(organisation_slug) if organisation_slug else None
        user = services.create_person(
            SYSTEM,
            services.PersonInput(
                email=email,
                name=name,
                organisation_id=organisation.id if organisation else None,
                role="org_admin" if role == "org_admin" else "member",
                is_coordinator=role == "coordinator",
                locale=locale,
                password=password,
            ),
        )
        secret = invitations.invite(SYSTEM, user) if invite else None
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(user.id)
    if secret:
        click.echo(_invitation_url(secret), err=True)


def _invitation_url(secret: str) -> str:
    from pooling.core.urls import external_url

    return external_url("accounts.accept_invitation", secret=secret)


@users.command("invite")
@click.option("--email", required=True)
def users_invite(email):
    """Print a one-time link for a person to set their password."""
    from pooling.accounts import invitations, services

    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No person has the e-mail address {email}.")
    try:
        secret = invitations.invite(SYSTEM, user)
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(_invitation_url(secret))


@click.group()
def tokens() -> None:
    """Manage personal API tokens."""


@tokens.command("create")
@click.option("--email", required=True)
@click.option("--name", default="", help="A label to recognise the token.")
def tokens_create(email, name):
    """Create a personal API token and print it (it is not shown again)."""
    from pooling.accounts import services

    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No person has the e-mail address {email}.")
    _token, secret = services.create_token(user, name)
    db.session.commit()
    click.echo(secret)


class _Decimal(click.ParamType):
    """A decimal number given on the command line, e.g. 0.5."""

    name = "decimal"

    def convert(self, value, param, ctx):
        if isinstance(value, Decimal):
            return value
        try:
            return Decimal(value.strip())
        except (InvalidOperation, AttributeError):
            self.fail(f"{value!r} is not a number.", param, ctx)


DECIMAL = _Decimal()


@click.group()
def organisations() -> None:
    """Manage member organisations."""


@organisations.command("create")
@click.option("--name", required=True)
@click.option("--slug", default=None)
@click.option("--kind", default=None)
@click.option("--weight", type=DECIMAL, default=None, help="The solidarity weight (1 usually).")
@click.option("--siret", default=None)
def organisations_create(name, slug, kind, weight, siret):
    """Create a member organisation and print its slug."""
    from pooling.organisations import services

    try:
        organisation = services.create_organisation(
            SYSTEM,
            services.OrganisationInput(name=name, slug=slug, kind=kind, weight=weight, siret=siret),
        )
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(organisation.slug)


@click.command()
def demo():
    """Load a realistic demo pole (idempotent) and print the demo logins."""
    from flask import current_app

    from pooling.demo import load_demo

    logins = load_demo()
    db.session.commit()
    url = (current_app.config.get("POOLING_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
    click.echo(f"Demo pole ready. Sign in at {url} with:")
    width = max(len(email) for email, _password, _label in logins)
    for email, password, label in logins:
        click.echo(f"  {email:<{width}}  {password}  {label}")


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
def backup_command(target):
    """Write a consistent copy of the database to TARGET while the application runs.

    SQLite: the online backup API. PostgreSQL: pg_dump --format=custom.
    """
    from flask import current_app

    from pooling.core.backup import BackupError, backup

    try:
        path = backup(current_app.config["SQLALCHEMY_DATABASE_URI"], target)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(path)


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(source, yes):
    """Replace the database with the backup SOURCE (stop the application first)."""
    from flask import current_app

    from pooling.core.backup import BackupError, restore

    if not yes:
        click.confirm("Replace the current database with this backup?", abort=True)
    db.session.remove()
    db.engine.dispose()
    try:
        restore(current_app.config["SQLALCHEMY_DATABASE_URI"], source)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {source}")
