"""Settings shared by every test: Qt runs offscreen unless a test asks for a real display."""

from __future__ import annotations

import os

# Before anything imports Qt. A test that wants Xvfb sets DISPLAY for its own subprocess.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
