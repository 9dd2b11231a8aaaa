"""FullCalendar is vendored with its licence and its origin, without node_modules."""

from __future__ import annotations

from pathlib import Path

VENDOR = Path(__file__).resolve().parents[2] / "pooling" / "static" / "vendor" / "fullcalendar"


def test_fullcalendar_bundle_and_french_locale_are_vendored():
    bundle = (VENDOR / "index.global.min.js").read_text(encoding="utf-8")
    assert "FullCalendar Standard Bundle v6." in bundle[:300]
    locale = (VENDOR / "locales" / "fr.global.min.js").read_text(encoding="utf-8")
    assert 'code:"fr"' in locale.replace(" ", "") or "code:'fr'" in locale.replace(" ", "")


def test_fullcalendar_comes_with_its_mit_licence_and_its_origin():
    assert "MIT License" in (VENDOR / "LICENSE.md").read_text(encoding="utf-8")
    readme = (VENDOR / "README.txt").read_text(encoding="utf-8")
    assert "fullcalendar" in readme and "6.1." in readme and "npm registry" in readme


def test_no_node_modules_under_static():
    static = VENDOR.parents[1]
    assert not list(static.rglob("node_modules"))
