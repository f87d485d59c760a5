"""The command line of ``sdm-desktop`` / ``python -m desktop_app``."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from desktop_app import __version__
from desktop_app.core.endpoints import ServerEndpoints, validate_conversation_id
from desktop_app.core.errors import SdmError


@dataclass(frozen=True)
class Options:
    server: str | None  # None: the remembered server, else the embedded demo server
    demo: bool  # force the embedded demo server
    conversation: str | None
    allow_insecure: bool
    verbose: bool


DESCRIPTION = (
    "SDM Desktop: shared decision making with the AI assistant. Without --server it opens "
    "the server used last time, or the embedded demo server."
)


def parse_args(
    argv: list[str] | None = None,
    *,
    prog: str = "sdm-desktop",
    description: str = DESCRIPTION,
    conversation_required_with_server: bool = False,
) -> Options:
    """Parse and check the command line; a bad value exits with one clear line (status 2)."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
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
        help="allow plain http:// to a server other than this computer (trusted networks only)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log connection details")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    args = parser.parse_args(argv)
    if args.server is not None and args.demo:
        parser.error("--server and --demo exclude each other")
    if conversation_required_with_server and args.server and not args.conversation:
        parser.error("--conversation UUID is required with --server")
    conversation = None
    try:
        if args.server is not None:
            ServerEndpoints.from_base_url(args.server, allow_insecure=args.allow_insecure)
    except SdmError as exc:
        parser.error(f"--server: {exc}")
    try:
        if args.conversation is not None:
            conversation = validate_conversation_id(args.conversation)
    except SdmError as exc:
        parser.error(f"--conversation: {exc}")
    return Options(
        server=args.server,
        demo=args.demo,
        conversation=conversation,
        allow_insecure=args.allow_insecure,
        verbose=args.verbose,
    )
