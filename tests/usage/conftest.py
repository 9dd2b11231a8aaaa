"""The cost-sharing pole serves the usage tests too."""

from tests.costing.conftest import pole_recipe  # noqa: F401
