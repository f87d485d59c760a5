"""The command lines of ``sdm-desktop`` and of the console client, and loading the settings.

Each command line is the strongest layer of the configuration
(:mod:`desktop_app.core.config`); :func:`load_config` adds the others. The app
and the console client share the layers, the server options and ``--config`` /
``--set``; each adds its own few flags.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NoReturn, Protocol, TextIO

from desktop_app import __version__
from desktop_app.core.config import (
    CONFIG_FILE_ENV,
    DEMO_SERVER,
    SYSTEM_CONFIG_ENV,
    AppConfig,
    ConfigError,
    Layer,
    assignments_layer,
    describe,
    env_layer,
    file_layer,
    ignored_overrides,
    resolve,
    system_layers,
    with_kiosk_rules,
)
from desktop_app.core.errors import SdmError
from desktop_app.core.pin import DEFAULT_N, SALT_BYTES, PinError, check_pin, hash_pin

DESCRIPTION = (
    "SDM Desktop: shared decision making with the AI assistant. Without --server it opens "
    "the server used last time, or the embedded demo server."
)

#: The names Qt files the settings and the config file under (…/SDM/SDM Desktop/).
ORGANIZATION_NAME = "SDM"
APPLICATION_NAME = "SDM Desktop"


class _OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, like every start-up refusal."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


class _VersionAction(argparse.Action):
    """``--version``: the version line, and exit. It is made only when asked: reading
    the build info (importlib.resources) would cost every start a few ms (B6)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(
            option_strings,
            dest,
            nargs=0,
            default=argparse.SUPPRESS,
            help="show program's version number and exit",
            **kwargs,
        )

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> NoReturn:
        print(f"{parser.prog} {version_line()}")
        parser.exit()


def _add_server_arguments(parser: argparse.ArgumentParser) -> None:
    """The options the app and the console client share (unset ones stay None)."""
    parser.add_argument(
        "--server", metavar="URL", help="base URL of the SDM platform, e.g. https://sdm.example.org"
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="use the embedded demo server, even if a server is remembered",
    )
    parser.add_argument("--conversation", metavar="UUID", help="open this conversation")
    parser.add_argument(
        "--allow-insecure",
        action="store_true",
        default=None,
        help="allow plain http:// to a server other than this computer (trusted networks only)",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", default=None, help="log connection details"
    )


def _add_settings_arguments(parser: argparse.ArgumentParser) -> None:
    """``--config``, ``--set`` and ``--list-settings``: the other layers, from the command line."""
    parser.add_argument(
        "--config",
        metavar="FILE",
        type=Path,
        help=f"the TOML config file (default: the per-user one; or ${CONFIG_FILE_ENV})",
    )
    parser.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        dest="assignments",
        help="set any setting, e.g. --set connection.ping_interval_s=15 (repeatable)",
    )
    parser.add_argument("--list-settings", action="store_true", help="list every setting and exit")


# --- a command line: one layer of the configuration ---------------------------

#: The flags that set a configuration key, and how they are written.
FLAG_NAMES = {
    "server": "--server",
    "conversation": "--conversation",
    "allow_insecure": "--allow-insecure",
    "verbose": "--verbose",
    "language": "--language",
    "kiosk": "--kiosk",
    "kiosk_account": "--kiosk-account",
}

#: The one-shot commands on the kiosk's service account (CommandLine.credentials).
STORE_CREDENTIALS = "store"
FORGET_CREDENTIALS = "forget"


#: Names the last server used (QSettings) in messages, with the way out.
REMEMBERED = "remembered from the last start (use --server URL or --demo to change it)"


@dataclass(frozen=True)
class CommandLine:
    """What a command line asks for: a configuration layer and actions."""

    layer: Layer
    config_file: Path | None
    self_test: bool = False
    #: STORE_CREDENTIALS or FORGET_CREDENTIALS: that command instead of the app.
    credentials: str | None = None
    hash_pin: bool = False  # --hash-pin: print a kiosk PIN's hash instead of starting


def _epilog(remembered: bool) -> str:
    places = "the config file (TOML), " + ("the server used last time, " if remembered else "")
    return (
        "Settings come from, strongest first: this command line, SDM_* environment "
        f"variables, {places}the defaults. --list-settings shows them all."
    )


def _app_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(prog="sdm-desktop", description=DESCRIPTION, epilog=_epilog(True))
    _add_server_arguments(parser)
    parser.add_argument(
        "--kiosk",
        action="store_true",
        default=None,
        help="kiosk mode: full screen, one conversation, never gives up, no accidental exit",
    )
    parser.add_argument(
        "--language",
        metavar="CODE",
        help='the language, e.g. "de" or "en" (default: the computer\'s)',
    )
    _add_settings_arguments(parser)
    parser.add_argument(
        "--kiosk-account",
        metavar="EMAIL",
        help="the kiosk's service account, for --store-credentials (asked for otherwise)",
    )
    credentials = parser.add_mutually_exclusive_group()
    credentials.add_argument(
        "--store-credentials",
        action="store_const",
        const=STORE_CREDENTIALS,
        dest="credentials",
        help="keep the kiosk's service account for --server in this computer's password "
        "store (the password is asked for, not shown), then exit; a kiosk signs in with it",
    )
    credentials.add_argument(
        "--forget-credentials",
        action="store_const",
        const=FORGET_CREDENTIALS,
        dest="credentials",
        help="remove the kiosk's service account for --server from the password store, then exit",
    )
    credentials.add_argument(
        "--hash-pin",
        action="store_true",
        help="ask for the administrator PIN that leaves kiosk mode (not shown) and print the "
        "kiosk_admin_pin_hash line for the config file, then exit",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="start the embedded server, send a message, check the reply, and exit (0: passed)",
    )
    parser.add_argument("--version", action=_VersionAction)
    return parser


def version_line() -> str:
    """The version, and the build it comes from when this is a packaged build."""
    from desktop_app.build_info import build_info

    info = build_info()
    if info is None:
        return __version__
    return f"{__version__} (build {info.commit or 'unknown'}, {info.built_at})"


def parse_command_line(argv: list[str] | None = None) -> CommandLine:
    """The app's command line; a malformed one exits with one line (status 2)."""
    parser = _app_parser()
    args = parser.parse_args(argv)
    return CommandLine(
        _layer(parser, args),
        config_file=args.config,
        self_test=args.self_test,
        credentials=args.credentials,
        hash_pin=args.hash_pin,
    )


def parse_console_command_line(
    argv: list[str] | None, *, prog: str, description: str
) -> CommandLine:
    """The console client's command line: the app's server options, ``--config`` and ``--set``.

    No remembered server: without one, the console runs on the embedded demo server.
    """
    parser = _OneLineParser(prog=prog, description=description, epilog=_epilog(False))
    _add_server_arguments(parser)
    _add_settings_arguments(parser)
    parser.add_argument("--version", action=_VersionAction)
    args = parser.parse_args(argv)
    return CommandLine(_layer(parser, args), config_file=args.config)


def _layer(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Layer:
    """The settings the flags of ``args`` give; ``--list-settings`` lists them all and exits."""
    if args.list_settings:
        print("Settings (key, environment variable, default, meaning):")
        print(describe())
        parser.exit(0)
    if args.server is not None and args.demo:
        parser.error("--server and --demo exclude each other")
    flags = {key: getattr(args, key, None) for key in FLAG_NAMES}
    if args.demo:
        flags["server"] = DEMO_SERVER
    given = {key: value for key, value in flags.items() if value is not None}
    names = dict(FLAG_NAMES, server="--demo" if args.demo else "--server")
    try:
        return assignments_layer(args.assignments, given, names)
    except ConfigError as exc:
        parser.error(str(exc))


def name_the_application() -> None:
    """Name the application as Qt files its settings and config file (before asking for them)."""
    from PySide6.QtCore import QCoreApplication

    QCoreApplication.setOrganizationName(ORGANIZATION_NAME)
    QCoreApplication.setApplicationName(APPLICATION_NAME)


def default_config_file() -> Path:
    """``config.toml`` in the per-user config directory (e.g. ~/.config/SDM/SDM Desktop)."""
    from PySide6.QtCore import QStandardPaths

    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppConfigLocation)
    return Path(location or Path.home() / ".sdm-desktop") / "config.toml"


def system_config_file(environ: Mapping[str, str]) -> Path:
    """The administrator's config file, whose :data:`LOCKED_KEYS` no user can override.

    ``/etc/sdm-desktop/config.toml`` on Linux; ``%ProgramData%\\SDM Desktop\\config.toml``
    on Windows, ``/Library/Application Support/SDM Desktop/config.toml`` on macOS
    (those two untested). ``SDM_SYSTEM_CONFIG`` names another file when the app runs
    from its sources (development and tests), never in an installed, frozen app.
    """
    if not getattr(sys, "frozen", False) and environ.get(SYSTEM_CONFIG_ENV):
        return Path(environ[SYSTEM_CONFIG_ENV])
    if sys.platform == "win32":
        return Path(environ.get("PROGRAMDATA", r"C:\ProgramData"), APPLICATION_NAME, "config.toml")
    if sys.platform == "darwin":
        return Path("/Library/Application Support", APPLICATION_NAME, "config.toml")
    return Path("/etc/sdm-desktop/config.toml")


def _read_layer(path: Path, *, required: bool) -> Layer | None:
    """The settings of the TOML file ``path``; None if it is absent and not ``required``."""
    try:
        return file_layer(str(path), path.read_bytes())
    except FileNotFoundError:
        if required:  # asked for by name: its absence is a mistake
            raise ConfigError(str(path), "", "no such config file") from None
        return None
    except OSError as exc:
        raise ConfigError(str(path), "", f"cannot read it ({exc.strerror})") from None


def load_config(
    command_line: CommandLine,
    environ: Mapping[str, str],
    *,
    remembered_server: str | None,
    default_file: Path | None,
    system_file: Path | None = None,
) -> AppConfig:
    """The configuration from every source, strongest first; :class:`ConfigError` if bad.

    ``system_file`` (:func:`system_config_file`): the administrator's, read when it
    exists; a file there that cannot be read stops the app, since what it locks
    would otherwise be up to the user.
    """
    users = [command_line.layer, env_layer(environ)]
    named = command_line.config_file or (
        Path(environ[CONFIG_FILE_ENV]) if environ.get(CONFIG_FILE_ENV) else None
    )
    path = named or default_file
    if path is not None and (user_file := _read_layer(path, required=named is not None)):
        users.append(user_file)
    system = _read_layer(system_file, required=False) if system_file is not None else None
    if system is None:
        layers = users
        notices: tuple[str, ...] = ()
    else:
        locked, system_defaults = system_layers(system)
        layers = [locked, *users, system_defaults]
        notices = ignored_overrides(locked, users)
    if remembered_server:
        layers.append(Layer(REMEMBERED, {"server": remembered_server}))
    return replace(with_kiosk_rules(resolve(layers)), notices=notices)


# --- the kiosk's service account: --store-credentials, --forget-credentials ----------


class AccountStore(Protocol):
    """The kiosk account's store (:class:`~desktop_app.store.credentials.CredentialStore`)."""

    def check(self) -> None: ...

    def save(self, server: str, email: str, password: str) -> None: ...

    def delete(self, server: str) -> bool: ...


def read_password_line(prompt: str) -> str:
    """The password from standard input, one line, when it is not a terminal (piped in by
    a provisioning script): nothing to echo, so nothing is printed but the prompt."""
    print(prompt, end="", file=sys.stderr, flush=True)
    line = sys.stdin.readline()
    print(file=sys.stderr)  # the line typed or piped is not shown: end the prompt's
    return line.rstrip("\r\n")


def credentials_command(
    action: str,
    config: AppConfig,
    *,
    store: Callable[[], AccountStore],
    ask_email: Callable[[str], str],
    ask_password: Callable[[str], str],
    confirm_password: bool,
    out: TextIO,
    err: TextIO,
) -> int:
    """``--store-credentials`` / ``--forget-credentials``: the exit status.

    The account is kept under the server's key (its URL, as the app's session is).
    ``ask_password`` must not echo (getpass on a terminal); ``confirm_password``
    asks twice. The password is said nowhere: not on ``out``, ``err``, or in a log.
    """

    def refuse(message: str) -> int:
        print(f"sdm-desktop: error: {message}", file=err)
        return 2

    if config.uses_demo_server or config.server is None:
        return refuse(
            "no server to keep a kiosk account for: give it with --server URL "
            "(the embedded demo server has its own account)"
        )
    server = config.server
    try:
        account_store = store()
        account_store.check()  # before asking for anything: there is a store to keep it in
        if action == FORGET_CREDENTIALS:
            removed = account_store.delete(server)
            what = "removed" if removed else "there was none"
            print(f"Kiosk account for {server}: {what}.", file=out)
            return 0
        email = (config.kiosk_account or ask_email("Kiosk account (email address): ")).strip()
        if not email:
            return refuse("no email address given: nothing was stored")
        password = ask_password(f"Password of {email} (not shown): ")
        if not password:
            return refuse("no password given: nothing was stored")
        if confirm_password and ask_password("The same password again: ") != password:
            return refuse("the two passwords differ: nothing was stored")
        account_store.save(server, email, password)
    except (EOFError, KeyboardInterrupt):
        return refuse("cancelled: nothing was stored")
    except SdmError as exc:
        return refuse(str(exc))
    print(
        f"Kiosk account {email} stored for {server} in this computer's password store. "
        "In kiosk mode (--kiosk), SDM Desktop signs in with it by itself.",
        file=out,
    )
    return 0


# --- the kiosk's administrator PIN: --hash-pin ----------------------------------------


def hash_pin_command(
    *,
    ask_pin: Callable[[str], str],
    confirm_pin: bool,
    out: TextIO,
    err: TextIO,
    system_file: Path,
    salt: Callable[[int], bytes] = os.urandom,
    n: int = DEFAULT_N,
) -> int:
    """``--hash-pin``: the exit status; the config line on ``out``, the PIN said nowhere.

    ``ask_pin`` must not echo (getpass on a terminal); ``confirm_pin`` asks twice.
    ``system_file``: where the line goes (:func:`system_config_file`); ``n``: scrypt's
    cost (a test's is tiny).
    """

    def refuse(message: str) -> int:
        print(f"sdm-desktop: error: {message}", file=err)
        return 2

    try:
        pin = ask_pin("Administrator PIN for leaving kiosk mode (digits, not shown): ")
        if not pin:
            return refuse("no PIN given: no hash was made")
        check_pin(pin)
        if confirm_pin and ask_pin("The same PIN again: ") != pin:
            return refuse("the two PINs differ: no hash was made")
    except (EOFError, KeyboardInterrupt):
        return refuse("cancelled: no hash was made")
    except PinError as exc:
        return refuse(f"{exc}: no hash was made")
    made = hash_pin(pin, salt(SALT_BYTES), n=n)
    print(f'kiosk_admin_pin_hash = "{made.text()}"', file=out)
    print(
        f"Put this line in {system_file} (or the kiosk's own config file), at the top, "
        "before any [section]; the kiosk asks for the PIN after its exit keys.",
        file=err,
    )
    return 0
