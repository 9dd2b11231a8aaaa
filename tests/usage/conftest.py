"""The cost-sharing pole serves the usage tests too."""

from tests.costing.conftest import pole  # noqa: F401
