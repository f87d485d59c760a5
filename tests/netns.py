"""A private network for a test or benchmark: a network namespace joined to this one by veth.

The app (or any process started with :meth:`VethNetwork.command`) runs in the
namespace and sees only its loopback and its end of the pair; the server listens
in this (the root) namespace on the other end. Only the pair's two addresses are
used, a /30 drawn at random from 10.213.0.0/16 that overlaps no address or route
this machine already has, so parallel runs and real networks are left alone::

    root namespace                          namespace "sdm-<hex>"
    sdmh<hex> 10.213.a.b+1/30  <--veth-->   sdmp<hex> 10.213.a.b+2/32
    (the server listens here)               default via 10.213.a.b+1 onlink

The namespace's address is a /32 with no on-link route: the server is reachable
through the default route only, so :meth:`VethNetwork.route_down` is a real
outage (``ENETUNREACH``), and the kernel tells it over netlink (``RTM_DELROUTE``),
which is what GLib's network monitor, and so Qt's ``glib`` network-information
backend, follows. Taking the *link* down would not do: Linux removes an IPv4
route of a link that goes down without telling netlink, so the monitor would
keep saying "online" (checked on Linux 6.x with iproute2 6.1).

:func:`veth_network` builds it and always removes it (the namespace and the
pair) on the way out; :class:`NamespaceUnavailable` says why it could not be
built (not Linux, not root, no ``ip``, namespaces denied), for a skip.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

__all__ = ["IpCommandFailed", "NamespaceUnavailable", "VethNetwork", "veth_network"]

_POOL = ipaddress.IPv4Network("10.213.0.0/16")
_COMMAND_TIMEOUT_S = 20.0

#: What a process in the namespace gets in its environment, and why: the system bus
#: speaks for the root namespace. Where NetworkManager runs, Qt would pick its
#: ``networkmanager`` backend (and GLib its NetworkManager monitor) and report the
#: machine's network, not the namespace's; with no system bus both use netlink.
NAMESPACE_ENVIRONMENT = {
    "DBUS_SYSTEM_BUS_ADDRESS": "unix:path=/nonexistent/sdm-netns-no-system-bus",
    "GIO_USE_NETWORK_MONITOR": "netlink",
}


class NamespaceUnavailable(Exception):
    """A network namespace with a veth pair cannot be made here; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class IpCommandFailed(RuntimeError):
    """An ``ip`` command failed once the network was up (not a reason to skip: a fault)."""


@dataclass(frozen=True)
class VethNetwork:
    """One namespace and its veth pair (see the module docstring for the picture)."""

    namespace: str
    host_link: str  # in the root namespace
    peer_link: str  # in the namespace
    host_address: str  # where a server in the root namespace listens
    peer_address: str  # the namespace's own address

    def command(self, argv: Sequence[str]) -> list[str]:
        """``argv`` run inside the namespace (the environment is kept)."""
        return ["ip", "netns", "exec", self.namespace, *argv]

    def route_up_command(self) -> list[str]:
        """The ``ip`` command that gives the namespace its default route (the network back)."""
        via = f"via {self.host_address} dev {self.peer_link} onlink"
        return ["ip", "-n", self.namespace, "route", "add", "default", *via.split()]

    def route_down_command(self) -> list[str]:
        """The ``ip`` command that removes the namespace's default route (the network gone)."""
        return ["ip", "-n", self.namespace, "route", "del", "default"]

    def route_up(self) -> None:
        _ip(self.route_up_command())

    def route_down(self) -> None:
        _ip(self.route_down_command())


def _ip(argv: Sequence[str]) -> str:
    """Run an ``ip`` command; its stdout. IpCommandFailed with its stderr on failure."""
    try:
        done = subprocess.run(
            list(argv),
            capture_output=True,
            text=True,
            timeout=_COMMAND_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise IpCommandFailed(f"`{' '.join(argv[:4])}` could not run: {exc}") from exc
    if done.returncode != 0:
        said = done.stderr.strip().splitlines()[-1:] or [f"status {done.returncode}"]
        raise IpCommandFailed(f"`{' '.join(argv[:4])}` failed: {said[0]}")
    return done.stdout


def _precondition() -> None:
    """The checks that need no change to the machine."""
    if not sys.platform.startswith("linux"):
        raise NamespaceUnavailable(f"network namespaces are Linux only (this is {sys.platform})")
    if os.geteuid() != 0:
        raise NamespaceUnavailable("creating a network namespace needs root (CAP_SYS_ADMIN)")
    if shutil.which("ip") is None:
        raise NamespaceUnavailable("no `ip` command (Debian package iproute2)")


def _taken_networks() -> list[ipaddress.IPv4Network]:
    """Every IPv4 address and (non-default) route of the root namespace."""
    taken = []
    for entry in json.loads(_ip(["ip", "-j", "-4", "addr", "show"]) or "[]"):
        for info in entry.get("addr_info", []):
            taken.append(
                ipaddress.IPv4Network(f"{info['local']}/{info['prefixlen']}", strict=False)
            )
    for route in json.loads(_ip(["ip", "-j", "-4", "route", "show", "table", "all"]) or "[]"):
        dst = route.get("dst", "default")
        if dst != "default":
            with contextlib.suppress(ValueError):
                taken.append(ipaddress.IPv4Network(dst, strict=False))
    return taken


def _free_subnet() -> ipaddress.IPv4Network:
    """A /30 of 10.213.0.0/16 that overlaps nothing this machine has."""
    taken = _taken_networks()
    for _ in range(64):
        index = secrets.randbelow(_POOL.num_addresses // 4)
        subnet = ipaddress.IPv4Network(f"{_POOL.network_address + index * 4}/30")
        if not any(subnet.overlaps(t) for t in taken):
            return subnet
    raise NamespaceUnavailable("no free /30 in 10.213.0.0/16 (this machine's networks use it)")


@contextlib.contextmanager
def veth_network() -> Iterator[VethNetwork]:
    """A fresh namespace joined by a veth pair, its default route up; removed on exit.

    NamespaceUnavailable (with nothing left behind) when it cannot be made.
    """
    _precondition()
    token = secrets.token_hex(4)  # interface names: at most 15 characters
    made: list[list[str]] = []  # how to undo each step, latest last
    try:
        try:
            subnet = _free_subnet()
            host_ip, peer_ip = list(subnet.hosts())
            net = VethNetwork(
                namespace=f"sdm-{token}",
                host_link=f"sdmh{token}",
                peer_link=f"sdmp{token}",
                host_address=str(host_ip),
                peer_address=str(peer_ip),
            )
            _build(net, made)
        except IpCommandFailed as exc:
            raise NamespaceUnavailable(str(exc)) from exc
        yield net
    finally:
        for undo in reversed(made):
            # Each step is undone even when another fails (deleting the host end of the
            # pair deletes both ends).
            with contextlib.suppress(IpCommandFailed):
                _ip(undo)


def _build(net: VethNetwork, made: list[list[str]]) -> None:
    """Make ``net``, adding to ``made`` how to undo each step as soon as it is done."""
    ns = net.namespace
    _ip(["ip", "netns", "add", ns])
    made.append(["ip", "netns", "del", ns])
    _ip(["ip", "-n", ns, "link", "set", "lo", "up"])
    peer = f"peer name {net.peer_link} netns {ns}"
    _ip(["ip", "link", "add", net.host_link, "type", "veth", *peer.split()])
    made.append(["ip", "link", "del", net.host_link])
    _ip(["ip", "addr", "add", f"{net.host_address}/30", "dev", net.host_link])
    _ip(["ip", "link", "set", net.host_link, "up"])
    _ip(["ip", "-n", ns, "addr", "add", f"{net.peer_address}/32", "dev", net.peer_link])
    _ip(["ip", "-n", ns, "link", "set", net.peer_link, "up"])
    net.route_up()
