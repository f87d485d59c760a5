"""The ``sdm-desktop`` command: prepare the process, then start the app or its self-test.

The top of the import graph: it alone knows both the app (:mod:`desktop_app.app`)
and the self-test (:mod:`desktop_app.selftest`, which runs the app), so neither
of them imports the other back.

Imports follow the start (B6: the window is painted as early as it can be): the
command line first, without Qt (``--help`` and ``--version`` load none; and
PySide reads the source of every module imported after it, to see whether it
uses PySide), then Qt, then the app or the self-test, whichever was asked for.
"""

from __future__ import annotations

from desktop_app import __version__
from desktop_app.cli import name_the_application, parse_command_line
from desktop_app.store.files import restrict_umask


def main(argv: list[str] | None = None) -> int:
    """``sdm-desktop [options]``: the exit status."""
    command_line = parse_command_line(argv)
    if command_line.hash_pin:
        return run_hash_pin_command()
    # Before Qt, SQLite or a library creates anything: it is this user's only.
    restrict_umask()
    from PySide6.QtCore import QCoreApplication

    # Before anything reads QSettings or the standard paths: they are named after these.
    name_the_application()
    QCoreApplication.setApplicationVersion(__version__)
    if command_line.credentials is not None:
        from desktop_app.app import run_credentials_command

        return run_credentials_command(command_line)
    if command_line.self_test:
        from desktop_app import selftest

        return selftest.main(command_line)
    from desktop_app import app

    return app.start(command_line)


def run_hash_pin_command() -> int:
    """``--hash-pin``: asked twice without echo on a terminal, one piped line otherwise."""
    import getpass
    import os
    import sys

    from desktop_app.cli import hash_pin_command, read_password_line, system_config_file

    interactive = sys.stdin is not None and sys.stdin.isatty()
    return hash_pin_command(
        ask_pin=getpass.getpass if interactive else read_password_line,
        confirm_pin=interactive,
        out=sys.stdout,
        err=sys.stderr,
        system_file=system_config_file(os.environ),
    )
