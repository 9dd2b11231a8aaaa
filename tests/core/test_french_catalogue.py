"""The French catalogue stays complete: every message translated, plurals right for 0, 1, 2 and 5,
and the pages reached from the navigation read in French, without English or raw codes, for
each role."""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po

import pooling

CATALOGUE = Path(pooling.__file__).parent / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)([sdif])")


@functools.cache
def french_messages():
    with CATALOGUE.open("rb") as handle:
        return read_po(handle)


def forms_of(message) -> tuple:
    return message.string if isinstance(message.string, tuple | list) else (message.string,)


def test_every_message_has_a_french_translation_and_none_is_fuzzy():
    catalogue = french_messages()
    untranslated = [m.id for m in catalogue if m.id and not all(forms_of(m))]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []
    assert catalogue.num_plurals == 2
    assert catalogue.plural_expr.replace(" ", "") == "(n>1)"


def test_catalogue_compiles_without_error():
    from babel.messages.checkers import checkers

    catalogue = french_messages()
    problems = []
    for message in catalogue:
        if message.id:
            problems += [(message.id, str(e)) for e in message.check(catalogue)]
    assert checkers and problems == []
    if shutil.which("msgfmt"):
        result = subprocess.run(
            ["msgfmt", "--check", "-o", "/dev/null", str(CATALOGUE)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr


def test_translations_keep_the_placeholders_of_their_message():
    wrong = []
    for message in french_messages():
        if not message.id or not message.python_format:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        wanted = {name for text in ids for name, _kind in PLACEHOLDER.findall(text)}
        for form in forms_of(message):
            if {name for name, _kind in PLACEHOLDER.findall(form)} - wanted:
                wrong.append(ids[0])
    assert wrong == []


# Placeholders that receive the name of an organisation, a resource or a person, which may begin
# with its own article or a vowel ("Les Jardins", "Le Pôle", "Atelier bois", "Inès"): "de Les
# Jardins", "à Le Pôle", "de Atelier bois", "de Inès" are not French.
NAMES = ("org", "organisation", "payer", "payee", "co_organiser", "resource", "name")
GLUED_ARTICLE = re.compile(r"(?<![\w'])(de|à|le|la|du|au|des|aux) %\((" + "|".join(NAMES) + r")\)s")


def test_no_article_is_glued_to_the_name_of_an_organisation_or_a_resource():
    glued = [
        form
        for message in french_messages()
        if message.id
        for form in forms_of(message)
        if GLUED_ARTICLE.search(form)
    ]
    assert glued == []


def test_sentences_around_names_read_as_french(app):
    from flask_babel import force_locale
    from flask_babel import gettext as _

    from pooling.costing.explain import transfer_words

    with app.test_request_context(), force_locale("fr"):
        assert _("People of %(org)s", org="Les Jardins") == "Personnes — Les Jardins"
        assert _("Statement of %(name)s", name="Les Jardins") == (
            "Relevé de l'organisation Les Jardins"
        )
        names = {None: _("the pole"), 1: "Les Jardins"}
        to_pole = transfer_words({"from": 1, "to": None, "amount": "446.21"}, names)
        assert to_pole == "Les Jardins verse 446,21\u00a0€ au pôle"
        from_pole = transfer_words({"from": None, "to": 1, "amount": "10"}, names)
        assert from_pole == "Le pôle verse 10,00\u00a0€ à l'organisation Les Jardins"


def placeholder_values(texts: tuple, count: int) -> dict:
    values = {}
    for text in texts:
        for name, kind in PLACEHOLDER.findall(text):
            values[name] = count if name == "num" else (7 if kind in "dif" else f"«{name}»")
    return values


@pytest.mark.parametrize("count", [0, 1, 2, 5])
def test_each_plural_message_takes_the_french_form_for(app, count):
    """French: 0 and 1 take the singular, 2 and 5 the plural, with their placeholders."""
    from flask_babel import force_locale, ngettext

    plurals = [m for m in french_messages() if m.id and isinstance(m.id, tuple | list)]
    assert plurals, "the catalogue has plural messages"
    wrong = []
    with app.test_request_context(), force_locale("fr"):
        for message in plurals:
            singular, plural = message.id[0], message.id[1]
            values = placeholder_values((singular, plural), count)
            expected = message.string[0 if count <= 1 else 1] % values
            extra = {k: v for k, v in values.items() if k != "num"}
            said = ngettext(singular, plural, count, **extra)
            if said != expected:
                wrong.append((singular, count, said))
            # Each French form shows what its English form shows (the count above all).
            for english, form in zip((singular, plural), message.string, strict=True):
                shown = {name for name, _kind in PLACEHOLDER.findall(english)}
                if shown - {name for name, _kind in PLACEHOLDER.findall(form)}:
                    wrong.append((singular, "a placeholder is missing", form))
    assert wrong == []


# ---------------------------------------------------------------------- the pages


class VisibleText(HTMLParser):
    """The text a person reads on a page: text nodes and the labels of controls."""

    HIDDEN = {"script", "style", "template"}
    READ_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.hidden = 0
        self.in_nav = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in self.HIDDEN:
            self.hidden += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        self.parts += [v for k, v in attrs if k in self.READ_ATTRIBUTES and v]
        if tag == "input" and attributes.get("type") in {"submit", "button"}:
            self.parts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def read_page(html: str) -> VisibleText:
    parser = VisibleText()
    parser.feed(html)
    return parser


def english_fragments() -> list[str]:
    """Pieces of English messages long enough (four words or more) not to be French as well."""
    fragments = set()
    for message in french_messages():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        french = " ".join(forms_of(message))
        for text in ids:
            for piece in re.split(r"%\(\w+\)[sdif]|%%|[«»“”\"]", text):
                piece = " ".join(piece.split()).strip(" .,:;()")
                if len(piece.split()) >= 4 and piece not in french:
                    fragments.add(piece)
    return sorted(fragments)


def raw_codes() -> list[str]:
    """Codes of the domain that a page must show through their label."""
    from pooling.audit.words import ACTIONS
    from pooling.bookings.models import SHARE_STATUSES, STATUSES
    from pooling.costing.models import CATEGORIES, RULE_LABELS, USAGE_UNITS
    from pooling.organisations.models import ORGANISATION_KINDS
    from pooling.resources.models import RESOURCE_KINDS

    codes = set(ACTIONS) | set(STATUSES) | set(SHARE_STATUSES) | set(RULE_LABELS)
    codes |= set(CATEGORIES) | set(USAGE_UNITS) | set(ORGANISATION_KINDS) | set(RESOURCE_KINDS)
    codes |= {"org_admin"}
    # Codes that are also French words ("usage", "association", "maintenance"...) are kept
    # out: the label of such a code may be the word itself.
    french_words = {"usage", "association", "maintenance", "training", "business"}
    return sorted(code for code in codes if code not in french_words)


def endpoint_shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def pages_from_the_navigation(client) -> dict[str, str]:
    """The pages of the main menu, and a few of the pages each of them links to."""
    home = client.get("/")
    assert home.status_code == 200
    nav = re.search(r"<nav[^>]*>(.*?)</nav>", home.get_data(as_text=True), re.S)
    menu = [link for link in read_page(nav.group(1)).links if link.startswith("/")]
    pages, shapes = {}, set()
    for link in menu:
        response = client.get(link)
        assert response.status_code == 200, link
        pages[link] = response.get_data(as_text=True)
        shapes.add(endpoint_shape(urlsplit(link).path))
    for html in list(pages.values()):
        main = html.split('id="main"', 1)[-1]
        followed = 0
        for href in read_page(main).links:
            path = urlsplit(href).path
            if (
                not href.startswith("/")
                or endpoint_shape(path) in shapes
                or re.search(r"\.(csv|ics|json)$|/api/|/logout|/feed/", path)
            ):
                continue
            shapes.add(endpoint_shape(path))
            response = client.get(href)
            if response.status_code == 200 and response.mimetype == "text/html":
                pages[href] = response.get_data(as_text=True)
                followed += 1
            if followed == 4:
                break
    return pages


@pytest.fixture
def demo_pole(app):
    from pooling.demo import load_demo
    from pooling.extensions import db

    load_demo()
    db.session.commit()


@pytest.mark.parametrize(
    "email",
    ["membre@demo.pooling.fr", "referente@demo.pooling.fr", "coordination@demo.pooling.fr"],
    ids=["member", "referent", "coordinator"],
)
def test_pages_from_the_navigation_read_in_french(app, login, demo_pole, email):
    from pooling.accounts.services import find_user_by_email

    person = find_user_by_email(email)
    assert person.locale in (None, "fr")
    pages = pages_from_the_navigation(login(person))
    assert len(pages) >= 8
    fragments, codes = english_fragments(), raw_codes()
    code_pattern = re.compile(r"(?<![\w./-])(" + "|".join(map(re.escape, codes)) + r")(?![\w-])")
    english, raw = {}, {}
    for link, html in pages.items():
        text = read_page(html).text
        found = [piece for piece in fragments if piece in text]
        if found:
            english[link] = found
        codes_seen = sorted(set(code_pattern.findall(text)))
        if codes_seen:
            raw[link] = codes_seen
    assert english == {}
    assert raw == {}
