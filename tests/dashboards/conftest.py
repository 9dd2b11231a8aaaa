"""The dashboards' pole: tests.world's "dashboards" recipe and the October of fixture.py."""

from __future__ import annotations

import pytest

from tests.dashboards.fixture import book_october


@pytest.fixture
def pole_recipe() -> str:
    return "dashboards"


@pytest.fixture
def pole(pole, app):
    """Alpha, Beta and Gamma, their people, a room and a van, and October's bookings."""
    book_october(pole)
    return pole
