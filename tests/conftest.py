"""Shared fixtures: run the command line in-process and write small scenario files."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from transition_sim.cli import main


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """``cli("run", "--steps", "12")`` runs ``transition-sim`` in-process and captures its output."""

    def run(*argv: str) -> CliResult:
        capsys.readouterr()  # drop anything printed before
        code = main(list(argv))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def write_toml(tmp_path: Path) -> Callable[[str, str], Path]:
    """``write_toml("name.toml", text)`` writes a file under ``tmp_path`` and returns its path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


class Peer:
    """A TCP server on loopback that is no Dask scheduler: it accepts and sends ``payload`` (nothing: a peer
    that never answers), keeping every connection open until closed."""

    def __init__(self, payload: bytes) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0))  # listening from here: no wait needed
        self.port: int = self._sock.getsockname()[1]
        self._conns: list[socket.socket] = []
        threading.Thread(target=self._serve, args=(payload,), name="test peer", daemon=True).start()

    def _serve(self, payload: bytes) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:  # closed
                return
            self._conns.append(conn)
            with contextlib.suppress(OSError):
                conn.sendall(payload)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)  # wakes accept()
        self._sock.close()
        for conn in self._conns:
            conn.close()


@pytest.fixture(scope="module")  # its threads end with the module: later tests fork without them
def peers() -> Iterator[dict[str, int]]:
    """Ports of a peer that says nothing (``silent``) and of one that answers like a web server (``garbage``)."""
    servers = {"silent": Peer(b""), "garbage": Peer(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")}
    yield {name: server.port for name, server in servers.items()}
    for server in servers.values():
        server.close()


@pytest.fixture(autouse=True)
def _small_joined_bands(monkeypatch):
    """Every test gets its own small band cache, stopped and joined at its end: a page rendered by a test asks the
    server's cache for a band, and a band thread left running would slow later tests and live on when they fork."""
    from transition_sim.dashboard import band

    cache = band.BandCache(replicates=2)
    monkeypatch.setattr(band, "BANDS", cache)
    yield
    band.BANDS.close()
    cache.close()
