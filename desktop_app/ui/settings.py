"""Remembered choices (last server, conversations used here, window geometry): QSettings.

This is the only module that reads or writes QSettings. Values written by an
older or broken version are checked on the way in and ignored when wrong. The
file names the conversations used here (an id is enough to listen in on the
platform's anonymous sockets): it is readable by this user only
(:meth:`Settings.make_private`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from desktop_app.core import text_size
from desktop_app.core.endpoints import validate_conversation_id
from desktop_app.store.files import make_private

logger = logging.getLogger("desktop_app.ui.settings")

MAX_CONVERSATIONS = 200


@dataclass(frozen=True)
class ConversationRecord:
    """A conversation used on this machine (its title is the user's own label, not content)."""

    id: str
    title: str
    last_used: str  # ISO 8601, UTC


class Settings:
    """Typed access to the app's QSettings."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self._q = qsettings if qsettings is not None else QSettings("SDM", "SDM Desktop")

    def last_server(self) -> str | None:
        value = self._q.value("server/last")
        return value if isinstance(value, str) and value else None

    def set_last_server(self, url: str) -> None:
        self._q.setValue("server/last", url)

    def conversations(self, server: str) -> list[ConversationRecord]:
        """Conversations used with ``server``, most recently used first."""
        raw = self._q.value(self._key(server))
        if not isinstance(raw, str):
            return []
        try:
            items = json.loads(raw)
            records = [
                ConversationRecord(
                    id=validate_conversation_id(item["id"]),
                    title=str(item["title"]),
                    last_used=str(item["last_used"]),
                )
                for item in items
            ]
        except (ValueError, TypeError, KeyError):
            logger.warning("Ignoring unreadable remembered conversations for a server")
            return []
        return sorted(records, key=lambda r: r.last_used, reverse=True)

    def remember_conversation(self, server: str, conversation_id: str, title: str) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        records = [r for r in self.conversations(server) if r.id != conversation_id]
        records.insert(0, ConversationRecord(conversation_id, title, now))
        self._q.setValue(
            self._key(server), json.dumps([asdict(r) for r in records[:MAX_CONVERSATIONS]])
        )

    def forget_conversations(self, server: str) -> None:
        """Forget the conversations used with ``server`` (their ids and titles)."""
        self._q.remove(self._key(server))

    def last_conversation(self, server: str) -> str | None:
        records = self.conversations(server)
        return records[0].id if records else None

    def own_name(self, server: str) -> str | None:
        """The name ``server`` gives this person's messages (learned from an echo)."""
        value = self._q.value(self._key(server, "own-name"))
        return value if isinstance(value, str) and 0 < len(value) <= 256 else None

    def set_own_name(self, server: str, name: str) -> None:
        self._q.setValue(self._key(server, "own-name"), name)

    def window_geometry(self) -> QByteArray | None:
        value = self._q.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def set_window_geometry(self, geometry: QByteArray) -> None:
        self._q.setValue("window/geometry", geometry)

    def text_scale(self) -> float:
        """The desktop window's text size (View menu), a step of core.text_size."""
        raw = self._q.value("appearance/text-scale")  # an INI file gives text
        try:
            return text_size.nearest(float(raw))
        except (TypeError, ValueError):
            return text_size.DEFAULT

    def set_text_scale(self, scale: float) -> None:
        self._q.setValue("appearance/text-scale", scale)

    def sync(self) -> None:
        self._q.sync()

    def make_private(self) -> None:
        """Make the settings file, and the organisation's folder that holds it, readable by
        this user only (older versions left them 0644 and 0755). An INI or a native
        store (the Windows registry) without a file is left alone."""
        if self._q.format() not in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
            return
        path = Path(self._q.fileName())
        if not path.is_absolute():
            return  # the registry: no file
        make_private(path)
        if path.parent.name == self._q.organizationName():
            # The folder alone: what else it holds (config.toml) is the user's.
            make_private(path.parent, contents=False)

    @staticmethod
    def _key(server: str, group: str = "conversations") -> str:
        # QSettings keys treat "/" as groups: keep the URL in one key.
        return f"{group}/" + server.replace("/", "|")
