"""The hostile-input tests (issue 11): hostile servers, hostile replies, local files.

The hypothesis profiles they run with are set for the whole suite in tests/conftest.py.
"""

from __future__ import annotations

# The event-loop and window fixtures of tests/ui, for the tests here that drive a window.
from tests.ui.conftest import demo, demo_config, driver, make_window  # noqa: F401
