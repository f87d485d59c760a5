"""Run the demo server from a shell: ``python -m desktop_app.demo --port 8765``.

Also installed as the ``sdm-demo-server`` console script. It prints the base URL
and the demo account, and stops cleanly on Ctrl+C or SIGTERM. What it writes
(``--data FILE`` and its journal) is readable by this user only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sqlite3
import sys
from pathlib import Path

from desktop_app.demo.server import DEMO_EMAIL, DEMO_PASSWORD, DemoConfig, DemoServer
from desktop_app.store.files import restrict_umask

logger = logging.getLogger("desktop_app.demo")

DEFAULT_PORT = 8765
_WILDCARD_HOSTS = ("", "0.0.0.0", "::")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sdm-demo-server",
        description="Run the SDM demo server (the platform protocol with a scripted assistant).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (0 picks a free one)")
    parser.add_argument(
        "--data",
        type=Path,
        metavar="FILE",
        help="SQLite file that keeps conversations and logins across restarts (default: in memory)",
    )
    parser.add_argument(
        "--no-login", action="store_true", help="serve the HTTP endpoints without a login"
    )
    parser.add_argument(
        "--no-echo-ids",
        action="store_true",
        help="do not echo client message ids back (like the real server)",
    )
    parser.add_argument(
        "--reply-delay",
        type=float,
        default=DemoConfig.reply_delay_s,
        metavar="S",
        help="seconds the assistant 'thinks' before replying (default: %(default)s)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log at DEBUG level")
    return parser


def config_from_args(args: argparse.Namespace) -> DemoConfig:
    """The server configuration for parsed command-line arguments."""
    allowed_hosts = DemoConfig.allowed_hosts
    host: str = args.host
    if host not in _WILDCARD_HOSTS and host not in allowed_hosts:
        # Clients reach the server under the address it listens on: let their Origin pass.
        allowed_hosts = (*allowed_hosts, host)
    return DemoConfig(
        host=host,
        port=args.port,
        data_path=args.data,
        require_login=not args.no_login,
        echo_client_ids=not args.no_echo_ids,
        reply_delay_s=args.reply_delay,
        allowed_hosts=allowed_hosts,
    )


async def serve(config: DemoConfig) -> None:
    """Run the server until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Not available on Windows: there Ctrl+C raises KeyboardInterrupt instead.
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    server = DemoServer(config)
    await server.start()
    try:
        print(f"SDM demo server on {server.base_url}", flush=True)
        print(f"Demo account: {DEMO_EMAIL} / {DEMO_PASSWORD}", flush=True)
        await stop.wait()
        logger.info("stop requested")
    finally:
        await server.stop()


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    args = build_parser().parse_args(argv)
    restrict_umask()  # the conversations in --data are patient text
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        asyncio.run(serve(config_from_args(args)))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(f"sdm-demo-server: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    except sqlite3.Error as exc:
        print(f"sdm-demo-server: cannot use the data file {args.data}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
