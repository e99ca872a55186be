"""``transition-sim room``: open a workshop room and print the trainer's console and the join page's addresses.

The room (its tables, the territories' seeds ``--seed``, ``--seed`` + 1, ...) is built before the port is bound:
a bad scenario, strategy or flag is one line and exit 2, and nothing is served."""

from __future__ import annotations

import argparse
import contextlib
import logging
import socket
import sys
from pathlib import Path
from typing import Any

from transition_sim.dashboard.i18n import LANGS
from transition_sim.dashboard.server import address, bind
from transition_sim.errors import message_of, shown
from transition_sim.outdir import out_arg
from transition_sim.room.bounds import MAX_SEATS_PER_ROLE, MAX_TABLES

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8770
MAX_SEED = 2**32 - 1
DEFAULT_PER_ADDRESS = 8  # pages one device may hold open (a participant with a few tabs)
MAX_PER_ADDRESS = 1000
WS_MAX_SIZE = 4096  # bytes of one message from a page: the largest is about 1.2 kB


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "room", help="open a workshop room: participants play the four roles from their phones, offline",
        description="Open a workshop room: one or several tables (a territory each); participants join from a "
        "phone or laptop on the same network (no internet needed) and take the seats of the four roles, the "
        "bot plays the empty ones; the trainer runs the rounds from a console. Prints both addresses.")
    parser.add_argument("--tables", default="1", metavar="N", help=f"tables, 1 to {MAX_TABLES} (default 1)")
    parser.add_argument("--seats-per-role", default="1", metavar="N",
                        help=f"seats of each role at a table, 1 to {MAX_SEATS_PER_ROLE} (default 1)")
    parser.add_argument("--lang", default="fr", metavar="fr|en", help="language the pages open in (default fr)")
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help=f"address to listen on (default {DEFAULT_HOST}; 0.0.0.0 to let the room's phones join)")
    parser.add_argument("--port", default=str(DEFAULT_PORT), metavar="P",
                        help=f"port (default {DEFAULT_PORT}; 0: any free)")
    parser.add_argument("--seed", default="0", metavar="S", help="seed of the first table (the next: S+1, ...)")
    parser.add_argument("--scenario", default="default", metavar="NAME|PATH", help="the territory (default: default)")
    parser.add_argument("--strategy", default="one_need_at_a_time", metavar="NAME",
                        help="the facilitator's strategy (default: one_need_at_a_time)")
    parser.add_argument("--max-per-address", default=str(DEFAULT_PER_ADDRESS), metavar="N",
                        help=f"pages one machine can hold open at once (default {DEFAULT_PER_ADDRESS}, at most "
                             f"{MAX_PER_ADDRESS}); raise it if the room reaches the server through one address")
    parser.add_argument("--out", default=None, type=out_arg, metavar="DIR",
                        help="where the console's \"save the session\" writes each table's run and decision log, in "
                             "DIR/table-N (default: no saving)")
    parser.set_defaults(func=run)
    return parser


def _integer(flag: str, text: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise ValueError(f"{flag} = {shown(text)}: must be an integer in [{low}, {high}]")
    return value


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback, as its name resolves (no packet is sent)."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return sorted({str(i[4][0]) for i in infos if not str(i[4][0]).startswith("127.")})


def lan_hosts(host: str, port: int) -> tuple[str, ...]:
    """Where the room's phones reach this machine ("address:port"), when it listens on every interface."""
    return tuple(f"{a}:{port}" for a in lan_addresses()) if host in ("0.0.0.0", "::") else ()


def earlier_save(out: Path, table: Path) -> None:
    """A new room starts at month 0: its first save of this table would replace the game an earlier room (one
    restarted, the morning's) saved there, the only record of it. Say so before anything is played."""
    from transition_sim.outdir import OutputError

    if table.is_dir() and any(table.iterdir()):
        raise OutputError(f"--out: out = {shown(str(out))}: {table.name} holds a table an earlier room saved (this "
                          "room's save would replace it): move it away or choose another --out")


def run(args: argparse.Namespace) -> int:
    """``transition-sim room``; 2 for a bad flag or an address that cannot be used."""
    from transition_sim.outdir import OutputError, check_target
    from transition_sim.room.rooms import Room  # the model: not for --help
    from transition_sim.room.web import table_dir
    from transition_sim.schema import ConfigError
    from transition_sim.strategies import StrategyError

    try:
        if args.lang not in LANGS:
            raise ValueError(f"--lang = {shown(args.lang)}: must be one of {', '.join(LANGS)}")
        tables = _integer("--tables", args.tables, 1, MAX_TABLES)
        per_role = _integer("--seats-per-role", args.seats_per_role, 1, MAX_SEATS_PER_ROLE)
        port = _integer("--port", args.port, 0, 65535)
        seed = _integer("--seed", args.seed, 0, MAX_SEED - MAX_TABLES)
        per_address = _integer("--max-per-address", args.max_per_address, 1, MAX_PER_ADDRESS)
        out = None if args.out is None else Path(args.out)
        for k in range(tables if out is not None else 0):
            check_target(table_dir(out, k), "table")  # a save would be refused: say it now
            earlier_save(out, table_dir(out, k))
        room = Room(tables=tables, seats_per_role=per_role, seed=seed, scenario=args.scenario, strategy=args.strategy)
    except (ValueError, ConfigError, StrategyError, OutputError) as bad:
        print(f"transition-sim: error: {message_of(bad)}", file=sys.stderr)
        return 2
    try:
        sock = bind(args.host, port)
    except OSError as exc:
        print(f"transition-sim: error: --host/--port = {shown(args.host)}:{port}: cannot listen there "
              f"({exc.strerror})", file=sys.stderr)
        return 2
    serve(room, sock, args.host, args.lang, per_address, out)
    return 0


def serve(room: Any, sock: socket.socket, host: str, lang: str, per_address: int = DEFAULT_PER_ADDRESS,
          out: Path | None = None) -> None:
    """Serve ``room`` on the bound ``sock`` until Ctrl+C."""
    import uvicorn

    from transition_sim.room.web import RoomServer, build_app

    port = sock.getsockname()[1]
    local = address("127.0.0.1" if host in ("0.0.0.0", "::") else host, port).rstrip("/")
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    lan = lan_hosts(host, port)
    server = RoomServer(room, lang, local.removeprefix("http://"), per_address=per_address, out=out, lan=lan)
    print(f"transition-sim room ({lang}): {len(room.tables)} table(s), {len(room.seats)} seats, room code "
          f"{room.join_code}", flush=True)
    print(f"trainer's console (open it on your screen only): {local}/t/{room.trainer_code}", flush=True)
    print(f"join page (show it to the room): {local}/j/{room.join_code}", flush=True)
    for reached in lan:
        print(f"  from the room's network: http://{reached}/j/{room.join_code}", flush=True)
    if host.startswith("127.") or host in ("localhost", "::1"):
        print("  (this address is for this machine only: --host 0.0.0.0 lets the room's phones join)", flush=True)
    config = uvicorn.Config(build_app(server), log_level="warning", access_log=False, ws_max_size=WS_MAX_SIZE,
                            proxy_headers=False)
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run(sockets=[sock])
