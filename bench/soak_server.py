"""The demo server of B10's soak, in a process of its own.

    python -m bench.soak_server --port N --data FILE [--no-echo-ids] [--reply-delay S]

``python -m desktop_app.demo`` (its command line, its ``serve()``: SIGTERM stops it
cleanly, every socket getting 1001 "going away") with one knob more, ``--step-delay``:
the assistant's later steps (extraction, summary) are scaled down like its reply, so
that a thousand messages do not leave minutes of replies queued behind them. The soak
restarts it on the same port with the same ``--data`` file, so the history and the
sessions outlive every restart.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import sys

from desktop_app.demo.__main__ import build_parser, config_from_args, serve
from desktop_app.store.files import restrict_umask


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    parser.add_argument(
        "--step-delay",
        type=float,
        default=0.005,
        metavar="S",
        help="seconds between the assistant's later status events (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    restrict_umask()  # the data file holds (synthetic) conversation text
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    config = dataclasses.replace(config_from_args(args), step_delay_s=args.step_delay)
    asyncio.run(serve(config))
    return 0


if __name__ == "__main__":
    sys.exit(main())
