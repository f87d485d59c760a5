"""The main window: conversations, transcript, composer, AI status, connection status bar.

The window is shown before its server is up (B6): it is built from a
:class:`WindowSetup` (what the configuration says), painted, and only then
given its :class:`WindowServices` (:meth:`MainWindow.attach`), once the
embedded server runs and the sockets exist. Until then the status bar says
what is starting, the composer takes text (a message sent meanwhile is queued
once the window is attached), and the commands that need the server wait.
What only the attached window uses (the managers, websockets behind them) is
imported in :meth:`MainWindow.attach` or where used, after the first paint.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMainWindow,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.control.tasks import BackgroundTasks
from desktop_app.core.conversation import Notice, NoticeAction
from desktop_app.core.errors import LocalFileError, OutboxError, SdmError
from desktop_app.core.session import SessionState
from desktop_app.core.startup import StartupStep, failure_text
from desktop_app.core.transcript import DeliveryState, TranscriptEntry
from desktop_app.core.translation import Translate, english
from desktop_app.ui.appearance import TextSize
from desktop_app.ui.composer import Composer
from desktop_app.ui.conversation_list import ConversationList
from desktop_app.ui.error_text import shown, shown_words
from desktop_app.ui.notice_bar import NoticeBar
from desktop_app.ui.plain_text import make_plain
from desktop_app.ui.server_banner import ServerBanner, server_warnings
from desktop_app.ui.settings import Settings
from desktop_app.ui.startup_status import StartupStatus
from desktop_app.ui.transcript import TranscriptModel, TranscriptView

if TYPE_CHECKING:
    import asyncio

    # The Qt classes of dialogs, menus and files are imported where used: PySide sets up
    # a class's Python type, with its enums, when it is first named, and the window's
    # first paint needs none of them (B6).
    from PySide6.QtCore import QPoint, QUrl
    from PySide6.QtGui import QCloseEvent
    from PySide6.QtWidgets import QDialog, QProgressDialog

    from desktop_app.control.conversation import ConversationController
    from desktop_app.ui.ai_status_banner import AiStatusBanner
    from desktop_app.ui.announcer import Announcer
    from desktop_app.ui.bridge import SessionBridge, WindowServices
    from desktop_app.ui.connection_indicator import ConnectionIndicator
    from desktop_app.ui.diagnostics import ConnectionLog, DiagnosticsDialog
    from desktop_app.ui.kiosk import KioskMode, KioskOptions, VisitorReset
    from desktop_app.ui.kiosk_screen import KioskScreen
    from desktop_app.ui.lockdown import ContextMenuBlock, LinkPanel
    from desktop_app.ui.reconnect_button import ReconnectButton
    from desktop_app.ui.shortcuts_dialog import ShortcutsDialog
    from desktop_app.ui.sign_in_dialog import SignInDialog

logger = logging.getLogger("desktop_app.ui")

#: Live messages reach the transcript at most this often (a lone message at once). Every
#: insertion makes the list view lay out all its rows again, so a burst of messages is
#: shown in batches rather than one relayout per message.
LIVE_REFRESH_S = 0.1


def sent_while_starting(translate: Translate = QCoreApplication.translate) -> str:
    """Said when a message is sent before the window is attached to its server."""
    return translate("MainWindow", "Your message is queued as soon as SDM Desktop has started.")


# :func:`sent_while_starting` in English (the source text).
SENT_WHILE_STARTING = sent_while_starting(english)


def _suggested_summary_path(conversation_id: str) -> Path:
    """Documents, else the home folder (never the working directory), and a clear name."""
    from PySide6.QtCore import QStandardPaths

    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    base = Path(folder) if folder and Path(folder).is_dir() else Path.home()
    name = QCoreApplication.translate("MainWindow", "SDM summary {conversation}.pdf")
    return base / name.format(conversation=conversation_id[:8])


#: Offered here, where the window is built; WindowServices is defined next to the
#: bridge, the one ui module that knows the managers it carries.
__all__ = ["MainWindow", "WindowChrome", "WindowServices", "WindowSetup"]


def __getattr__(name: str) -> object:
    # WindowServices carries the managers: its module (websockets behind it) is imported
    # when asked for, not with the window, which is painted before any manager exists.
    if name == "WindowServices":
        from desktop_app.ui.bridge import WindowServices

        return WindowServices
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class WindowSetup:
    """What the window is built with, known from the configuration before any server runs."""

    server_label: str  # "https://sdm.example.org", or "the demo server"
    settings_key: str  # under which the conversations of this server are remembered
    settings: Settings
    demo: bool = False  # the embedded demo server: marked as such, its data can be wiped
    password_in_clear: bool = False  # plain http:// to another computer
    open_url: Callable[[QUrl], object] = QDesktopServices.openUrl
    step: StartupStep = StartupStep.PREPARING  # what the status bar says first

    @classmethod
    def of(cls, services: WindowServices) -> WindowSetup:
        """The setup that ``services`` imply (a window built attached at once)."""
        return cls(
            server_label=services.server_label,
            settings_key=services.settings_key,
            settings=services.settings,
            demo=services.wipe_demo_data is not None,
            password_in_clear=services.client.endpoints.sends_password_in_clear,
            open_url=services.open_url,
        )


@dataclass(frozen=True)
class WindowChrome:
    """How the window is dressed, decided before it is built: a desktop's by default.

    Kiosk mode is one way of building the window (:meth:`kiosk_mode`), not
    changes made to a finished one; a new kind of lockdown is a new field here.
    """

    menus: bool = True  # the menu bar and its shortcuts (Ctrl+N, Ctrl+Q, ...)
    conversation_list: bool = True
    full_screen: bool = False  # without a window frame; the app shows it full screen
    closable: bool = True  # False: closing the window does nothing, only quit_app() ends it
    remember_geometry: bool = True  # restored at start, saved on close
    kiosk: KioskOptions | None = None  # the kiosk's banner, watchdog and exit keys

    @classmethod
    def kiosk_mode(cls, options: KioskOptions) -> WindowChrome:
        """One conversation, full screen, unattended: nothing a visitor could close or switch."""
        return cls(
            menus=False,
            conversation_list=False,
            full_screen=True,
            closable=False,
            remember_geometry=False,
            kiosk=options,
        )

    @property
    def lockdown(self) -> bool:
        """Kiosk lockdown: no link leaves the app, no file dialog, no context menu
        (:mod:`desktop_app.ui.lockdown`)."""
        return self.kiosk is not None and self.kiosk.lockdown


class _FirstPaint(QObject):
    """Calls ``done`` once each watched widget has been painted (each one's first paint)."""

    def __init__(self, parent: QObject, done: Callable[[], object]) -> None:
        super().__init__(parent)
        self._waiting: set[QObject] = set()
        self._done = done
        self.finished = False

    def watch(self, widget: QWidget) -> None:
        if not self.finished:
            self._waiting.add(widget)
            widget.installEventFilter(self)

    def forget(self, widget: QWidget) -> None:
        """``widget`` leaves the window unpainted: its successor is watched instead."""
        if widget in self._waiting:
            self._waiting.discard(widget)
            widget.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and watched in self._waiting:
            self._waiting.discard(watched)
            watched.removeEventFilter(self)
            if not self._waiting and not self.finished:
                self.finished = True
                self._done()
        return False


class MainWindow(QMainWindow):
    """One conversation at a time: the window shows what its controller decides.

    :class:`~desktop_app.control.conversation.ConversationController` decides what
    the transcript holds, when to load and retry, what the session allows; the
    window builds the widgets, forwards the person's actions to it, and implements
    its :class:`~desktop_app.control.conversation.ConversationView`.

    Built from a :class:`WindowSetup`, the window is shown before its server is up
    and attached to it later (:meth:`attach`); built from :class:`WindowServices`,
    it is attached at once.
    """

    closed = Signal()  # the user closed the window: the app shuts down
    #: The first paint: the composer (ready for typing) and the status bar are on screen.
    shown = Signal()

    # Set by attach(): what needs the server and its sockets.
    services: WindowServices
    bridge: SessionBridge
    connection_log: ConnectionLog
    ai_status: AiStatusBanner
    indicator: ConnectionIndicator
    announcer: Announcer
    reconnect_button: ReconnectButton
    controller: ConversationController

    def __init__(
        self, setup: WindowSetup | WindowServices, chrome: WindowChrome | None = None
    ) -> None:
        super().__init__()
        services = None
        if not isinstance(setup, WindowSetup):
            services, setup = setup, WindowSetup.of(setup)
        self.setup = setup
        self.chrome = chrome = chrome or WindowChrome()
        self.attached = False
        self.is_closed = False  # closed by the person (or quit_app): closed was emitted
        self._send_when_attached = False  # Enter was pressed before attach()
        #: What the person opened while the window was starting (None: a new conversation).
        self._chosen: tuple[str | None, str | None] | None = None
        self._live_pending: list[TranscriptEntry] = []  # arrived, shown at the next refresh
        self._live_shown_at = -math.inf  # time.monotonic() of the last refresh
        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.timeout.connect(self._show_pending_live)
        self.tasks = BackgroundTasks(self.on_task_failed)
        self.sign_in_dialog: SignInDialog | None = None
        self.diagnostics: DiagnosticsDialog | None = None
        self.kiosk: KioskMode | None = None
        self.visitor_reset: VisitorReset | None = None  # a kiosk's idle rule (attach)
        self._quitting = False  # quit_app() was called: a window that is not closable closes
        self.setWindowTitle(self.tr("SDM Desktop"))
        self.resize(1000, 700)

        self.conversations = ConversationList(self)
        self.transcript = TranscriptModel(self)
        # Given its model in attach(): the view is empty until then, and laying out a
        # model's rows before the first paint would cost it (a first QWidget* lookup
        # makes PySide set up every widget class it has, some 10 ms).
        self.link_panel: LinkPanel | None = None  # kiosk lockdown: links are shown here
        self.transcript_view = TranscriptView(
            self,
            open_url=setup.open_url,
            show_link=self.show_link_in_app if chrome.lockdown else None,
        )
        self.notice_bar = NoticeBar(self)
        self.composer = Composer(self)
        self.send_button = QPushButton(self.tr("&Send"), self)
        self.send_button.setToolTip(self.tr("Send the message (Enter)"))

        composer_row = QHBoxLayout()
        composer_row.addWidget(self.composer, 1)
        composer_row.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        centre = QWidget(self)
        self.centre_layout = centre_layout = QVBoxLayout(centre)
        self.server_banner = ServerBanner(
            server_warnings(demo=setup.demo, password_in_clear=setup.password_in_clear), self
        )
        centre_layout.addWidget(self.server_banner)
        centre_layout.addWidget(self.transcript_view, 1)
        # The AI status banner goes here, above the notice bar, once attached.
        centre_layout.addWidget(self.notice_bar)
        centre_layout.addLayout(composer_row)
        if chrome.conversation_list:
            splitter = QSplitter(self)
            splitter.addWidget(self.conversations)
            splitter.addWidget(centre)
            splitter.setStretchFactor(1, 1)
            splitter.setSizes([220, 780])
            self.setCentralWidget(splitter)
        else:
            self.conversations.setVisible(False)
            self.setCentralWidget(centre)

        # Where the connection indicator will be: what is starting, in words.
        self.startup_status = StartupStatus(setup.step, setup.server_label, self)
        self.statusBar().addPermanentWidget(self.startup_status)
        self._first_paint = _FirstPaint(self, self.shown.emit)
        self._first_paint.watch(self.composer)
        self._first_paint.watch(self.startup_status)

        self._build_actions()
        # The View menu's text size (a kiosk, without menus, has its own text scale).
        self.text_size = TextSize(setup.settings, self) if chrome.menus else None
        if chrome.menus:
            self._build_menus()
        else:
            self.menuBar().setVisible(False)
            # Not in any menu, and off besides: nothing may close or switch the window.
            self.quit_action.setEnabled(False)
            self.new_conversation_action.setEnabled(False)
            # Reconnect stays at hand (Ctrl+R), without the menu bar that carries it.
            self.addAction(self.reconnect_action)
        for action in self._server_actions():
            action.setEnabled(False)  # until attach(): they need the server

        self.composer.submit_requested.connect(self.on_send)
        self.send_button.clicked.connect(self.on_send)
        self.conversations.conversation_selected.connect(self.open_conversation)
        self.conversations.new_requested.connect(self.on_new_conversation)
        self.notice_bar.action_requested.connect(self.on_notice_action)
        self.context_menu_block: ContextMenuBlock | None = None
        if chrome.lockdown:
            from desktop_app.ui.lockdown import ContextMenuBlock

            # Every widget of the app, dialogs opened later included (see ui.lockdown).
            self.context_menu_block = ContextMenuBlock(self)
            self.transcript_view.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
            self.composer.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        else:
            self.transcript_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            self.transcript_view.customContextMenuRequested.connect(self.on_transcript_menu)

        self._refresh_conversations()
        if chrome.full_screen:
            self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        self.kiosk_screen: KioskScreen | None = None  # heading, empty-state prompt, screen filler
        if chrome.kiosk is not None:
            from desktop_app.ui.kiosk_screen import build_kiosk_screen

            self.kiosk_screen = build_kiosk_screen(
                self,
                clinic_name=chrome.kiosk.clinic_name,
                text_scale=chrome.kiosk.text_scale,
                transcript=self.transcript,
                view=self.transcript_view,
            )
        geometry = setup.settings.window_geometry() if chrome.remember_geometry else None
        if geometry is not None:
            self.restoreGeometry(geometry)
        self._set_tab_order()
        self.composer.setFocus()
        if services is not None:
            self.attach(services)

    def attach(self, services: WindowServices) -> None:
        """Give the window its server: the sockets, the session, the outbox (once).

        The connection indicator takes the start-up status's place; the commands
        that need the server are enabled. The caller then opens a conversation
        (:meth:`start_conversation`).
        """
        # After the first paint: these import the managers (websockets) and the session.
        from desktop_app.control.conversation import ConversationController
        from desktop_app.ui.ai_status_banner import AiStatusBanner
        from desktop_app.ui.bridge import SessionBridge
        from desktop_app.ui.connection_indicator import ConnectionIndicator
        from desktop_app.ui.diagnostics import ConnectionLog
        from desktop_app.ui.network import drive_managers
        from desktop_app.ui.reconnect_button import ReconnectButton

        if self.attached:
            raise RuntimeError("the window is attached to its server already")
        self.services = services
        self.transcript_view.setModel(self.transcript)
        # The session's one subscription to the managers; every widget hears the bridge.
        self.bridge = bridge = SessionBridge(services.chat, services.status, self)
        self.connection_log = ConnectionLog(bridge)  # before anything connects
        self.ai_status = AiStatusBanner(bridge, self)
        if self.chrome.lockdown:
            self.ai_status.set_download_offered(False)  # its file dialog leads out
        self.centre_layout.insertWidget(self.centre_layout.indexOf(self.notice_bar), self.ai_status)

        self.indicator = ConnectionIndicator(bridge, self)
        self.reconnect_button = ReconnectButton(self)
        self.indicator.presence_changed.connect(self.reconnect_button.on_presence_changed)
        self.reconnect_button.on_presence_changed(self.indicator.presence)
        self._watch_for_announcements()
        self.statusBar().removeWidget(self.startup_status)
        self._first_paint.forget(self.startup_status)
        self.statusBar().addPermanentWidget(self.reconnect_button)
        self.statusBar().addPermanentWidget(self.indicator)
        self._first_paint.watch(self.indicator)

        # The controller decides (:mod:`desktop_app.control` may talk to the managers).
        self.controller = ConversationController(
            client=services.client,
            chat=services.chat,
            status=services.status,
            outbox=services.outbox,
            session=services.session,
            view=self,
            background=services.background,
            titles=self._titles,
            own_name=services.settings.own_name(services.settings_key),
            on_own_name=lambda name: services.settings.set_own_name(services.settings_key, name),
            message_menus=not self.chrome.lockdown,
            translate=QCoreApplication.translate,
        )
        self.attached = True
        for action in self._server_actions():
            action.setEnabled(True)
        if not self.chrome.menus:
            self.new_conversation_action.setEnabled(False)

        bridge.state_changed.connect(self.on_socket_state)
        self.ai_status.download_requested.connect(self.on_download_summary)
        self.reconnect_button.clicked.connect(self.on_reconnect_requested)
        self._unsubscribe_session = services.session.on_change(self.on_session_change)
        bridge.follow_network(services.network)
        # A new conversation that could not be created tries again when the network is back.
        drive_managers(services.network, [self.controller])

        if self._send_when_attached:
            self.notice_bar.set_notice(None)  # the controller's notices from now on
        self._show_chat_connected()
        self.on_session_change(services.session.state)
        self._set_tab_order()
        if self.chrome.kiosk is not None:
            from desktop_app.ui.kiosk import KioskMode

            self.kiosk = KioskMode(self.chrome.kiosk, bridge, self.indicator, self)
            self.kiosk.exit_requested.connect(self.quit_app)
            self.centre_layout.insertWidget(0, self.kiosk.banner)
            auto_sign_in = services.session.auto_sign_in
            if auto_sign_in is not None:  # its failures are said on the banner, in words
                auto_sign_in.set_translate(QCoreApplication.translate)
                auto_sign_in.on_problem(self.kiosk.banner.show_sign_in_problem)
                self.kiosk.banner.show_sign_in_problem(auto_sign_in.problem)
            self._build_start_over(self.chrome.kiosk)

    def tab_order(self) -> list[QWidget]:
        """The window's controls in the order Tab visits them (hidden ones are skipped):
        from the conversations through what the assistant and the notices offer to the
        message box, Send, and Reconnect in the status bar."""
        order: list[QWidget] = []
        if self.chrome.conversation_list:
            order += [self.conversations.new_button, self.conversations.list]
        order.append(self.transcript_view)
        if self.attached:
            order.append(self.ai_status.download_button)
        order += [self.notice_bar.button, self.composer, self.send_button]
        if self.attached:
            order.append(self.reconnect_button)
        return order

    def _set_tab_order(self) -> None:
        # Not the order of creation: the assistant's banner and the Reconnect button are
        # made once attached, and would come last.
        order = self.tab_order()
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

    def _build_start_over(self, options: KioskOptions) -> None:
        """The kiosk's fresh screen per visitor: the Start over button and the idle rule."""
        from desktop_app.ui.kiosk import StartOverButton, VisitorReset

        self.start_over_button = button = StartOverButton(self)
        button.clicked.connect(self.start_over)
        if self.kiosk_screen is not None:  # beside the heading: the height is the transcript's
            self.kiosk_screen.add_beside_heading(button)
        else:
            self.centre_layout.insertWidget(1, button, 0, Qt.AlignmentFlag.AlignRight)
        self.visitor_reset = reset = VisitorReset(
            options.idle_start_over_s,
            window=self,
            transcript=self.transcript,
            composer=self.composer,
            waiting=lambda: self.controller.waiting,
        )
        reset.start_over_requested.connect(self.start_over)
        self.bridge.assistant_changed.connect(reset.touch)  # a reply on its way

    def start_over(self) -> None:
        """A fresh screen for the next visitor: every widget showing the conversation is
        cleared at once, then a new conversation is created (and opened)."""
        if not self.attached:
            return
        logger.info("Starting over with a new conversation")
        self._drop_pending_live()
        self.announcer.forget_replies()  # not one word of it to the next visitor
        self.transcript.replace_all([])
        self.composer.clear()  # its undo history too: nothing to bring back with Ctrl+Z
        self.statusBar().clearMessage()
        menu = getattr(self, "transcript_menu", None)
        if menu is not None:
            menu.close()
        if self.link_panel is not None:  # a citation of the previous visitor's conversation
            was_active = self.link_panel.isVisible()
            self.link_panel.clear()
            if was_active:
                self.activateWindow()  # keys reach the composer again, window manager or not
        self.bridge.finish_stale_thinking()
        self.controller.start_over()
        self.composer.setFocus()

    @property
    def painted(self) -> bool:
        """Whether the first paint happened (:attr:`shown` was emitted)."""
        return self._first_paint.finished

    def _server_actions(self) -> list[QAction]:
        """The commands that need the server: off until :meth:`attach`."""
        actions = [
            self.new_conversation_action,
            self.sign_in_action,
            self.sign_out_action,
            self.reconnect_action,
            self.diagnostics_action,
        ]
        if self.wipe_demo_data_action is not None:
            actions.append(self.wipe_demo_data_action)
        return actions

    def show_startup_step(self, step: StartupStep) -> None:
        """Say in the status bar which step of the start is under way (before attach)."""
        self.startup_status.show_step(step, self.setup.server_label)

    def show_startup_failure(self, reason: str) -> None:
        """Say that the start failed, why, and what to do: the window stays until closed."""
        self.startup_status.show_failure(reason)
        self.notice_bar.set_notice(
            Notice(failure_text(reason, translate=QCoreApplication.translate))
        )

    def start_conversation(self, conversation_id: str | None) -> None:
        """Open ``conversation_id``, else a new conversation; unless the person chose one
        while the window was starting: that one then."""
        if self._chosen is not None:
            conversation_id, title = self._chosen
        else:
            title = None
        if conversation_id is not None:
            self.open_conversation(conversation_id, title)
        else:
            self.on_new_conversation()

    def show_store_problem(self) -> None:
        """Say once, at start, that the session cannot be kept (sign-in at each start)."""
        problem = self.services.session.store_problem
        if problem is not None:
            from desktop_app.store.session_cookies import reason_words

            self.statusBar().showMessage(shown_words(reason_words(problem)), 30000)

    def _build_actions(self) -> None:
        """The window's commands, whether or not a menu shows them."""
        self.new_conversation_action = new = QAction(self.tr("&New conversation"), self)
        new.setShortcut(QKeySequence.StandardKey.New)
        new.triggered.connect(self.on_new_conversation)
        self.sign_in_action = sign_in = QAction(self.tr("&Sign in…"), self)
        sign_in.triggered.connect(self.on_sign_in_requested)
        self.sign_out_action = sign_out = QAction(self.tr("Sign &out"), self)
        sign_out.triggered.connect(self.on_sign_out_requested)
        self.wipe_demo_data_action: QAction | None = None
        if self.setup.demo:
            self.wipe_demo_data_action = wipe = QAction(self.tr("&Wipe demo data…"), self)
            wipe.triggered.connect(self.on_wipe_demo_data)
        self.quit_action = quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.reconnect_action = reconnect = QAction(self.tr("&Reconnect now"), self)
        reconnect.setShortcut(QKeySequence("Ctrl+R"))
        reconnect.triggered.connect(self.on_reconnect_requested)
        self.diagnostics_action = diagnostics = QAction(self.tr("Connection &diagnostics"), self)
        diagnostics.triggered.connect(self.on_show_diagnostics)
        self.about_action = about = QAction(self.tr("&About SDM Desktop"), self)
        about.triggered.connect(self.on_about)
        self.shortcuts_action = keys = QAction(self.tr("&Keyboard shortcuts"), self)
        keys.setShortcut(QKeySequence.StandardKey.HelpContents)  # F1
        keys.triggered.connect(self.on_show_shortcuts)
        self.shortcuts_dialog: ShortcutsDialog | None = None
        self._build_focus_actions()

    def _build_focus_actions(self) -> None:
        """F6 and Shift+F6 move between the panes, as in most desktop apps; Ctrl+1, 2, 3
        go to one. On the window itself, not only in the Go menu."""
        self.next_pane_action = QAction(self.tr("&Next pane"), self)
        self.next_pane_action.setShortcut(QKeySequence("F6"))
        self.next_pane_action.triggered.connect(lambda: self.focus_pane(+1))
        self.previous_pane_action = QAction(self.tr("&Previous pane"), self)
        self.previous_pane_action.setShortcut(QKeySequence("Shift+F6"))
        self.previous_pane_action.triggered.connect(lambda: self.focus_pane(-1))
        self.go_to_conversations_action = QAction(self.tr("&Conversation list"), self)
        self.go_to_conversations_action.setShortcut(QKeySequence("Ctrl+1"))
        self.go_to_conversations_action.triggered.connect(self.conversations.list.setFocus)
        self.go_to_transcript_action = QAction(self.tr("&Transcript"), self)
        self.go_to_transcript_action.setShortcut(QKeySequence("Ctrl+2"))
        self.go_to_transcript_action.triggered.connect(self.transcript_view.setFocus)
        self.go_to_composer_action = QAction(self.tr("&Message box"), self)
        self.go_to_composer_action.setShortcut(QKeySequence("Ctrl+3"))
        self.go_to_composer_action.triggered.connect(self.focus_composer)
        self.focus_actions = [
            self.next_pane_action,
            self.previous_pane_action,
            self.go_to_conversations_action,
            self.go_to_transcript_action,
            self.go_to_composer_action,
        ]
        if not self.chrome.conversation_list:
            self.go_to_conversations_action.setEnabled(False)
        if self.chrome.menus:
            # A kiosk's keys reach only Reconnect (its lockdown audit); Tab still moves
            # through its few controls.
            self.addActions(self.focus_actions)

    def panes(self) -> list[QWidget]:
        """What F6 moves between, in order: the conversation list (if shown), the
        transcript, the message box."""
        panes: list[QWidget] = [self.transcript_view, self.composer]
        if self.chrome.conversation_list:
            panes.insert(0, self.conversations.list)
        return panes

    def focus_pane(self, step: int) -> None:
        """Focus the next (``step`` 1) or previous (-1) pane after the one holding the
        focus; from elsewhere (a button), the message box or the one before it."""
        panes = self.panes()
        focused = self.focusWidget()
        here = next(
            (n for n, pane in enumerate(panes) if focused is pane or pane.isAncestorOf(focused)),
            None,
        )
        if here is None:
            here = panes.index(self.composer) - (step if step > 0 else 0)
        panes[(here + step) % len(panes)].setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_composer(self) -> None:
        """Back to writing: the window active (there may be no window manager to do it
        when a dialog closes) and the message box focused."""
        self.activateWindow()
        self.composer.setFocus(Qt.FocusReason.OtherFocusReason)

    def _return_focus_to_composer(self, dialog: QDialog) -> None:
        """Once ``dialog`` closes, whatever its answer, the focus goes to the message box."""
        dialog.finished.connect(lambda _result: self.focus_composer())

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(self.new_conversation_action)
        file_menu.addSeparator()
        file_menu.addAction(self.sign_in_action)
        file_menu.addAction(self.sign_out_action)
        if self.wipe_demo_data_action is not None:
            file_menu.addSeparator()
            file_menu.addAction(self.wipe_demo_data_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        connection_menu = self.menuBar().addMenu(self.tr("&Connection"))
        connection_menu.addAction(self.reconnect_action)
        if self.text_size is not None:
            self.view_menu = view_menu = self.menuBar().addMenu(self.tr("&View"))
            view_menu.addActions(self.text_size.actions)
        go_menu = self.menuBar().addMenu(self.tr("&Go"))
        go_menu.addActions(self.focus_actions[:2])
        go_menu.addSeparator()
        go_menu.addActions(self.focus_actions[2:])
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.shortcuts_action)
        help_menu.addSeparator()
        help_menu.addAction(self.diagnostics_action)
        help_menu.addAction(self.about_action)
        self.help_menu = help_menu

    @property
    def conversation_id(self) -> str | None:
        return self.controller.conversation_id if self.attached else None

    # --- what the person does ----------------------------------------------------------

    def open_conversation(self, conversation_id: str, title: str | None = None) -> None:
        """Switch to ``conversation_id``: both sockets move, its history loads."""
        if not self.attached:
            self._chosen = (conversation_id, title)  # opened once attached
            return
        self.controller.open(conversation_id, title)

    def on_new_conversation(self) -> None:
        if not self.attached:
            self._chosen = (None, None)  # created once attached
            return
        self.controller.new_conversation()

    #: The send under way, if any (a test may await it).
    sending: asyncio.Task[None] | None = None

    def on_send(self) -> None:
        """Queue the composer's text in the outbox; it leaves as soon as it can.

        The composer lets go of the text only once the outbox has it on disk: a
        refused write (a full disk) or a full outbox leaves it there, the reason
        shown. A press while a send is under way does nothing (it would queue the
        same text twice). Before the window is attached to its server, the send
        waits for the open conversation (:meth:`conversation_opened`).
        """
        text = self.composer.text()
        if not text.strip() or (self.sending is not None and not self.sending.done()):
            return
        if not self.attached:
            self._send_when_attached = True
            self.notice_bar.set_notice(Notice(sent_while_starting()))
            return
        self.sending = self.tasks.start(self._send(text), name="send")

    async def _send(self, text: str) -> None:
        from desktop_app.net.outbox import OutboxFull  # loaded by attach()

        try:
            queued = await self.controller.send(text)
        except (OutboxFull, OutboxError) as exc:  # full, or the disk refused
            self._show_refusal(shown(exc))  # the text stays in the composer
            return
        if queued and self.composer.text() == text:  # not cleared if edited meanwhile
            self.composer.clear()
        self.composer.setFocus()

    def _show_refusal(self, reason: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Message not queued"),
            reason[:1].upper() + reason[1:],
            QMessageBox.StandardButton.Ok,
            self,
        )
        make_plain(box)
        self.refusal_box = box
        self._return_focus_to_composer(box)
        box.open()

    def on_wipe_demo_data(self) -> None:
        """Ask before wiping the demo data (a window-modal box, no nested event loop)."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Wipe demo data"),
            self.tr(
                "Delete every conversation of the demo server on this computer: its messages, "
                "replies and summaries, and the messages waiting to be sent to it? This cannot "
                "be undone. A new conversation opens afterwards."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        make_plain(box)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("&Wipe"))
        box.finished.connect(self._on_wipe_demo_data_answered)
        self.wipe_demo_data_box = box
        self._return_focus_to_composer(box)
        box.open()

    def _on_wipe_demo_data_answered(self, result: int) -> None:
        from PySide6.QtWidgets import QMessageBox

        wipe = self.services.wipe_demo_data
        if result != QMessageBox.StandardButton.Yes or wipe is None:
            return
        try:
            wipe()
        except SdmError as exc:
            self.on_task_failed("wipe demo data", exc)
            return
        logger.info("Demo data wiped")
        self._drop_pending_live()
        self.transcript.replace_all([])
        self._refresh_conversations()
        self.on_new_conversation()
        self.statusBar().showMessage(
            self.tr("The demo data was wiped. A new conversation opens."), 15000
        )

    def on_reconnect_requested(self) -> None:
        """Reconnect (button, Ctrl+R, a notice): sockets and the controller's retries, now."""
        logger.info("Reconnect requested")
        self.bridge.reconnect_now()
        self.controller.retry_now()

    def on_notice_action(self, action: NoticeAction) -> None:
        if action is NoticeAction.SIGN_IN:
            self.on_sign_in_requested()
        elif action is NoticeAction.RETRY:
            self.on_reconnect_requested()
        else:
            self.controller.new_conversation()

    def on_transcript_menu(self, position: QPoint) -> None:
        index = self.transcript_view.indexAt(position)
        if not index.isValid():
            return
        entry = self.transcript.entry(index.row())
        if entry.state is not DeliveryState.FAILED or entry.client_message_id is None:
            return
        client_id = entry.client_message_id
        controller = self.controller
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self)
        menu.addAction(
            self.tr("&Retry sending"),
            lambda: self._outbox_change("retry", controller.retry, client_id),
        )
        menu.addAction(
            self.tr("&Delete message"),
            lambda: self._outbox_change("delete", controller.delete, client_id),
        )
        menu.addAction(self.tr("&Copy text"), lambda: self.on_copy_failed(client_id))
        menu.addAction(
            self.tr("Send in a &new conversation"),
            lambda: controller.send_in_new_conversation(client_id),
        )
        self.transcript_menu = menu
        menu.popup(self.transcript_view.viewport().mapToGlobal(position))

    def _outbox_change(self, name: str, change: Callable[[str], None], client_id: str) -> None:
        try:
            change(client_id)
        except OutboxError as exc:  # the disk refused: say so, nothing changed
            self.on_task_failed(name, exc)

    def on_copy_failed(self, client_id: str) -> None:
        text = self.controller.failed_text(client_id)
        if text is not None:
            from PySide6.QtGui import QGuiApplication

            QGuiApplication.clipboard().setText(text)
            self.statusBar().showMessage(self.tr("Message text copied."), 5000)

    # --- sign-in -------------------------------------------------------------------------

    def on_sign_in_requested(self) -> None:
        """Open the sign-in dialog (window-modal, no nested event loop), unless it is open."""
        from desktop_app.ui.sign_in_dialog import SignInDialog

        if self.sign_in_dialog is not None and self.sign_in_dialog.isVisible():
            self.sign_in_dialog.raise_()
            return
        dialog = SignInDialog(
            self.services.session,
            self.services.server_label,
            demo_account=self.services.demo_account,
            parent=self,
        )
        self.sign_in_dialog = dialog
        # Back to writing once the dialog is gone, signed in or not.
        self._return_focus_to_composer(dialog)
        logger.info("Sign-in requested")
        dialog.open()

    def on_sign_out_requested(self) -> None:
        self.tasks.start(self.services.session.sign_out(), name="sign out")

    def on_session_change(self, state: SessionState) -> None:
        self.sign_in_action.setEnabled(state is not SessionState.SIGNED_IN)
        self.sign_out_action.setEnabled(state is not SessionState.SIGNED_OUT)
        self._refresh_attention()

    # --- the controller's view -----------------------------------------------------------

    def conversation_opened(self, conversation_id: str, title: str | None) -> None:
        self._drop_pending_live()
        services = self.services
        known = {r.id: r.title for r in services.settings.conversations(services.settings_key)}
        services.settings.remember_conversation(
            services.settings_key,
            conversation_id,
            title
            or known.get(conversation_id)
            or self.tr("Conversation {conversation}").format(conversation=conversation_id[:8]),
        )
        self._refresh_conversations()
        if self._send_when_attached:
            # Sent before the window was attached: queued now, in the conversation opened.
            self._send_when_attached = False
            self.on_send()

    def _watch_for_announcements(self) -> None:
        """Tell a screen reader of connection changes, replies and the assistant's status."""
        from desktop_app.ui.announcer import Announcer

        self.announcer = announcer = Announcer(self)
        indicator, banner = self.indicator, self.ai_status
        indicator.presence_changed.connect(
            lambda presence: announcer.on_presence(presence, indicator.summary.reason)
        )
        banner.changed.connect(
            lambda: announcer.on_assistant(
                thinking=banner.assistant.thinking,
                summarizing=banner.assistant.summary_generating,
                summary_ready=banner.summary_ready,
            )
        )
        announcer.on_presence(indicator.presence, indicator.summary.reason)

    def show_transcript(self, entries: list[TranscriptEntry]) -> None:
        self._drop_pending_live()  # each one is in ``entries`` now
        self.transcript.replace_all(entries)
        self._refresh_attention()

    def show_live(self, entry: TranscriptEntry, confirmed: str | None) -> None:
        self._live_pending.append(entry)
        self.announcer.on_live(entry)
        if confirmed is not None and self.transcript.row_of(confirmed) is not None:
            # The echo of a queued message: it now stands where the server put it, at
            # once (the queued row goes).
            self._show_pending_live(confirmed)
        elif not self._live_timer.isActive():
            wait_s = max(0.0, self._live_shown_at + LIVE_REFRESH_S - time.monotonic())
            self._live_timer.start(math.ceil(wait_s * 1000))

    def show_delivery(self, entry: TranscriptEntry) -> None:
        assert entry.client_message_id is not None
        row = self.transcript.row_of(entry.client_message_id)
        if row is None:
            if entry.state is not DeliveryState.DELIVERED:
                self.transcript.append(entry)
        elif self.transcript.entry(row).state is not DeliveryState.DELIVERED:
            # Only the outbox's own rows change: the echo's row is the server's.
            self.transcript.replace_entry(
                row,
                dataclasses.replace(
                    self.transcript.entry(row), state=entry.state, failure=entry.failure
                ),
            )
        self._refresh_attention()

    def remove_message(self, client_id: str) -> None:
        row = self.transcript.row_of(client_id)
        if row is not None:
            self.transcript.remove(row)
        self._refresh_attention()

    def show_summary_ready(self, ready: bool) -> None:
        self.ai_status.set_summary_ready(ready)

    def show_notice(self, notice: Notice | None) -> None:
        self.notice_bar.set_notice(notice)

    def ask_sign_in(self) -> None:
        if self.services.session.signs_in_by_itself:
            return  # a kiosk's account signs in unattended: no dialog waits for a person
        self.on_sign_in_requested()

    def finish_stale_thinking(self) -> None:
        self.bridge.finish_stale_thinking()

    def show_problem(self, action: str, exc: BaseException) -> None:
        self.on_task_failed(action, exc)

    def _titles(self) -> list[str]:
        services = self.services
        return [r.title for r in services.settings.conversations(services.settings_key)]

    def _refresh_conversations(self) -> None:
        setup = self.setup
        self.conversations.set_conversations(
            setup.settings.conversations(setup.settings_key), self.conversation_id
        )

    def _refresh_attention(self) -> None:
        """What the connection light adds to "Connected": the session and the outbox."""
        from desktop_app.core.presence import connected_attention  # loaded by attach()

        self.indicator.set_attention(
            connected_attention(
                self.services.session.state,
                self.controller.unsent(),
                translate=QCoreApplication.translate,
            )
        )

    def _show_pending_live(self, confirmed: str | None = None) -> None:
        """Show the messages the server sent since the last refresh, in the server's order.

        Messages not yet confirmed (queued, sending, failed) stay at the bottom, as in
        the history reload: the transcript is always the server's order, then the outbox.
        ``confirmed``: the client id of a queued message whose echo is among them.
        """
        self._live_timer.stop()
        self._live_shown_at = time.monotonic()
        entries, self._live_pending = self._live_pending, []
        if confirmed is not None and (queued := self.transcript.row_of(confirmed)) is not None:
            self.transcript.remove(queued)
        row = self.transcript.rowCount()
        while row > 0 and self.transcript.entry(row - 1).state is not DeliveryState.DELIVERED:
            row -= 1
        self.transcript.insert_many(row, entries)
        self._refresh_attention()

    def _drop_pending_live(self) -> None:
        self._live_timer.stop()
        self._live_pending = []

    def on_socket_state(self, name: str, _state: object) -> None:
        from desktop_app.ui.bridge import CHAT  # loaded by attach()

        if name == CHAT:
            self._show_chat_connected()

    def _show_chat_connected(self) -> None:
        # The composer stays enabled while disconnected: messages wait in the outbox.
        self.send_button.setToolTip(
            self.tr("Send the message (Enter)")
            if self.bridge.chat_connected
            else self.tr("Queue the message: it is sent when the connection is back (Enter)")
        )

    # --- summary -----------------------------------------------------------------

    def on_download_summary(self) -> None:
        """Ask where to save the summary: a window-modal dialog, no nested event loop."""
        if self.chrome.lockdown:
            logger.warning("Summary download refused: no file dialog in kiosk lockdown")
            return
        if self.conversation_id is None:
            return
        conversation_id = self.conversation_id
        from PySide6.QtWidgets import QFileDialog

        dialog = QFileDialog(
            self, self.tr("Save summary"), str(_suggested_summary_path(conversation_id))
        )
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter(self.tr("PDF (*.pdf)"))
        dialog.setDefaultSuffix("pdf")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(
            lambda name: self._start_summary_download(conversation_id, Path(name))
        )
        dialog.rejected.connect(self.focus_composer)  # the summary box returns it otherwise
        self.save_dialog = dialog
        # open() returns at once: a dialog run to completion here would run Qt's event
        # loop inside the caller, and every asyncio task that woke meanwhile would die.
        dialog.open()

    def _start_summary_download(self, conversation_id: str, destination: Path) -> None:
        # Not modal: a modal QProgressDialog runs processEvents() inside setValue(),
        # which would be called from inside the download task.
        from PySide6.QtWidgets import QProgressDialog

        progress = QProgressDialog(
            self.tr("Downloading the summary…"), self.tr("Cancel"), 0, 0, self
        )
        progress.setWindowTitle(self.tr("Summary"))
        progress.setWindowModality(Qt.WindowModality.NonModal)
        progress.setMinimumDuration(300)
        self.summary_progress = progress
        task = self.tasks.start(
            self._download_summary(conversation_id, destination, progress),
            name="download summary",
        )
        progress.canceled.connect(task.cancel)

    async def _download_summary(
        self, conversation_id: str, destination: Path, progress: QProgressDialog
    ) -> None:
        try:
            saved = await self.services.client.download_summary(
                conversation_id, destination, progress=_progress_updater(progress)
            )
        except SdmError as exc:  # too large, too slow, refused, or the disk refused
            self._show_summary_not_saved(exc)
            return
        finally:
            progress.reset()
            progress.close()
        self.statusBar().showMessage(self.tr("Summary saved to {file}").format(file=saved), 10000)
        from PySide6.QtCore import QUrl
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("Summary saved"),
            self.tr("The summary was saved to\n{file}\n\nOpen it now?").format(file=saved),
            QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Close,
            self,
        )
        make_plain(box)  # a file name may hold "<"
        self.summary_saved_box = box
        self._return_focus_to_composer(box)
        box.finished.connect(
            lambda result: (
                result == QMessageBox.StandardButton.Open
                and self.services.open_url(QUrl.fromLocalFile(str(saved)))
            )
        )
        box.open()

    def _show_summary_not_saved(self, exc: SdmError) -> None:
        # A LocalFileError is a whole sentence already: the file, the reason, what to do.
        text = (
            shown(exc)
            if isinstance(exc, LocalFileError)
            else self.tr("The summary could not be downloaded: {reason}.").format(reason=shown(exc))
        )
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Summary not saved"),
            text,
            QMessageBox.StandardButton.Ok,
            self,
        )
        make_plain(box)
        self.summary_failed_box = box
        self._return_focus_to_composer(box)
        box.open()

    # --- errors, about, closing ------------------------------------------------------

    def on_task_failed(self, name: str, exc: BaseException) -> None:
        if isinstance(exc, SdmError):
            reason = shown(exc)  # written for people, without message text
        elif isinstance(exc, OSError):
            reason = self.tr(
                "the file could not be written (is the disk full, or the folder read-only?)"
            )
        else:
            reason = self.tr("something unexpected went wrong")
        self.statusBar().showMessage(self._could_not(name).format(reason=reason), 15000)

    def _could_not(self, name: str) -> str:
        """The sentence for a background task ``name`` that failed, with a ``{reason}``."""
        # Whole sentences: a translator must see the verb with the rest.
        sentences = {
            "download summary": self.tr("Could not download the summary: {reason}."),
            "sign out": self.tr("Could not sign out: {reason}."),
            "new conversation": self.tr("Could not start a new conversation: {reason}."),
            "send in a new conversation": self.tr(
                "Could not move the message to a new conversation: {reason}."
            ),
            "load history": self.tr("Could not load the conversation: {reason}."),
            "wipe demo data": self.tr("Could not wipe the demo data: {reason}."),
            "retry": self.tr("Could not queue the message again: {reason}."),
            "delete": self.tr("Could not delete the message: {reason}."),
        }
        return sentences.get(name, self.tr("Could not finish what you asked for: {reason}."))

    def on_show_diagnostics(self) -> None:
        from desktop_app.ui.diagnostics import DiagnosticsDialog  # loaded by attach()

        if self.diagnostics is None:
            services = self.services
            self.diagnostics = DiagnosticsDialog(
                self.bridge,
                services.network,
                self.connection_log,
                self,
                session=services.session,
            )
            self._return_focus_to_composer(self.diagnostics)
        self.diagnostics.show()
        self.diagnostics.raise_()
        self.diagnostics.activateWindow()

    def on_show_shortcuts(self) -> None:
        """Help → Keyboard shortcuts (F1): a list beside the window, not modal."""
        from desktop_app.ui.shortcuts_dialog import ShortcutsDialog

        if self.shortcuts_dialog is None:
            self.shortcuts_dialog = ShortcutsDialog(self)
            self._return_focus_to_composer(self.shortcuts_dialog)
        self.shortcuts_dialog.show_for_reading()

    def on_about(self) -> None:
        # Imported when asked for: the notices it shows are read from the licence report
        # the build writes (desktop_app.notices), which start-up does not need.
        from desktop_app.ui.about import show_about

        self._return_focus_to_composer(show_about(self, self.setup.server_label))

    def show_link_in_app(self, url: QUrl, title: str) -> None:
        """Kiosk lockdown: a link's title and address in a small panel, nothing opened."""
        from desktop_app.ui.lockdown import LinkPanel

        if self.link_panel is None:
            self.link_panel = LinkPanel(self)
        self.link_panel.show_link(url, title)

    def quit_app(self) -> None:
        """Close the window and so end the app, if not closable too (signals, admin keys)."""
        self._quitting = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.chrome.closable and not self._quitting:
            logger.info("Closing the window is ignored (kiosk mode)")
            event.ignore()
            return
        if self.chrome.remember_geometry:
            self.setup.settings.set_window_geometry(self.saveGeometry())
        if self.diagnostics is not None:
            self.diagnostics.close()
        from PySide6.QtWidgets import QDialog

        for dialog in self.findChildren(QDialog):
            # A dialog left open (save, sign-in) would outlive the window it belongs to.
            if dialog.isVisible():
                dialog.reject()
        if self.attached:
            self.bridge.close()  # the session ends: every widget's subscription with it
            self._unsubscribe_session()
            # Frames still arriving until the sockets close must not reach a closed window.
            self.controller.detach()
        if self.visitor_reset is not None:
            self.visitor_reset.stop()
        if self.context_menu_block is not None:
            self.context_menu_block.stop()
        self._live_timer.stop()
        super().closeEvent(event)
        self.is_closed = True
        self.closed.emit()


def _progress_updater(dialog: QProgressDialog) -> Callable[[int, int | None], None]:
    def update(done: int, total: int | None) -> None:
        if total:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))

    return update
