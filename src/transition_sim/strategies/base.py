"""What a facilitator strategy is, and the registry that names them.

A strategy is a small class: ``act`` is called once a month with the territory (its state, to read:
``territory.py``) and the facilitator, whose moves (meet, introduce, propose, pitch, relay...) are the
only way to act on it.
Register one with ``@register`` in any module, or give the CLI ``path/to/file.py:ClassName``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from transition_sim.errors import MAX_VALUE, exception_text, name, shown
from transition_sim.files import read_text
from transition_sim.limits import MAX_STRATEGIES
from transition_sim.schema import ConfigError

if TYPE_CHECKING:
    from transition_sim.facilitator import Facilitator
    from transition_sim.territory import Territory


class Strategy:
    """Base class: override ``act`` (and ``setup`` if the strategy keeps state)."""

    name: ClassVar[str] = ""
    uses_facilitator: ClassVar[bool] = True

    def setup(self, territory: Territory, facilitator: Facilitator) -> None:
        """Called once, after the territory is built."""

    def act(self, territory: Territory, facilitator: Facilitator) -> None:
        raise NotImplementedError

    def moved(self, territory: Territory, method: str, args: tuple[Any, ...], made: Any) -> None:
        """The facilitator's seat made the move ``method(*args)`` (it returned ``made``) before this month's
        ``act`` (ODD section 7.15): a strategy that keeps track of its own moves notes it here, so that it
        does not make it again."""


REGISTRY: dict[str, type[Strategy]] = {}


def register(cls: type[Strategy]) -> type[Strategy]:
    """Class decorator: make a strategy available by its ``name``."""
    if not cls.name:
        raise ValueError(f"strategy class {cls.__name__} needs a non-empty `name`")
    REGISTRY[cls.name] = cls
    return cls


@dataclass(frozen=True)
class StrategySpec:
    """A strategy as reported (``name``) and as given to worker processes (``spec``: a registry
    name or a file path, plain text so that it pickles)."""

    name: str
    spec: str


class StrategyError(ValueError):
    """An unknown strategy, or a strategy file that cannot provide the class: ``reason`` says why,
    ``source`` names the flag or file that gave it."""

    def __init__(self, reason: str, source: str = "--strategy") -> None:
        super().__init__(f"{name(source, 3 * MAX_VALUE)}: {reason}")
        self.reason, self.source = reason, source


NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")  # a strategy's name: it names files and table rows
NAME_RULE = "letters, digits and _, at most 64, not starting with a digit"
MAX_PATH = 4096  # characters of a strategy file's path (PATH_MAX)
SPEC_RULE = f"must be a strategy name or path/to/file.py:ClassName (a name or class name: {NAME_RULE})"
_MODULES: dict[Any, dict[str, Any]] = {}  # strategy files executed in this process, by real path and version
_LOADING = threading.RLock()  # Dask runs tasks in threads: a file is still executed once


def check_spec(spec: Any, source: str = "--strategy") -> str:
    """Refuse a spec that could be neither a name nor ``file.py:Class`` before anything is read or run."""
    if isinstance(spec, str) and (spec in REGISTRY or NAME.fullmatch(spec)):
        return spec
    if isinstance(spec, str) and ":" in spec:
        path_text, cls_name = spec.rsplit(":", 1)
        if (path_text.endswith(".py") and len(path_text) <= MAX_PATH and path_text.isprintable()
                and NAME.fullmatch(cls_name)):
            return spec
    raise StrategyError(f"strategy = {shown(spec)}: {SPEC_RULE}", source)


def check_specs(specs: Sequence[Any], source: str) -> list[str]:
    """At most MAX_STRATEGIES specs, each of a safe form (:func:`check_spec`), before any file is read."""
    if len(specs) > MAX_STRATEGIES:
        raise StrategyError(f"strategies = {len(specs):,} strategies: at most {MAX_STRATEGIES} in a comparison "
                            "or a sweep", source)
    return [check_spec(spec, source) for spec in specs]


def strategy_file(spec: str) -> Path | None:
    """The file of a ``path/to/file.py:ClassName`` spec (an input an output must not overwrite), else None."""
    if spec in REGISTRY or ":" not in spec or not spec.split(":", 1)[0].endswith(".py"):
        return None
    return Path(spec.rsplit(":", 1)[0])


def load_strategy(spec: str, source: str = "--strategy") -> type[Strategy]:
    """A registered name, or ``path/to/file.py:ClassName`` for a researcher's own strategy; a file is
    executed once per process however many of its classes, or times, it is named."""
    check_spec(spec, source)
    if spec in REGISTRY:
        return REGISTRY[spec]
    path = strategy_file(spec)
    if path is None:
        known = ", ".join(sorted(REGISTRY))
        raise StrategyError(f"unknown strategy {shown(spec)}; known: {known}, or path/to/file.py:ClassName", source)
    path_text, cls_name = spec.rsplit(":", 1)
    with _LOADING:
        namespace = _module(path, path_text, source)
    cls = namespace.get(cls_name)
    if not (isinstance(cls, type) and issubclass(cls, Strategy)):
        raise StrategyError(f"{shown(path_text)} has no Strategy subclass named {shown(cls_name)}", source)
    if not cls.name:
        cls.name = cls_name
    if not isinstance(cls.name, str) or not NAME.fullmatch(cls.name):
        raise StrategyError(f"{shown(path_text)}: {cls_name}.name = {shown(cls.name)}: must be {NAME_RULE}", source)
    return cls


def _module(path: Path, path_text: str, source: str) -> dict[str, Any]:
    """The namespace of a strategy file, executed the first time only (again only once edited, for a
    notebook that reloads it)."""
    try:
        info = os.stat(path)
        key: tuple[Any, ...] | None = (os.path.realpath(path), info.st_ino, info.st_size, info.st_mtime_ns)
    except (OSError, ValueError):  # missing, or a NUL in the path: read_text says so below
        key = None
    if key in _MODULES:
        return _MODULES[key]
    try:  # read once, checked (a regular file, at most 1 MiB), and run that text
        text = read_text(path, missing="does not exist")
    except ConfigError as exc:
        raise StrategyError(f"strategy file {shown(path_text)} {exc.allowed}", source) from None
    module_spec = importlib.util.spec_from_file_location(f"_user_strategy_{path.stem}", path)
    assert module_spec is not None
    module = importlib.util.module_from_spec(module_spec)
    try:
        exec(compile(text, str(path), "exec"), module.__dict__)  # the user's own strategy
    except Exception as exc:  # the user's file: report, do not crash
        raise StrategyError(f"{shown(path_text)}: cannot be imported ({exception_text(exc)})", source) from None
    if key is not None:
        _MODULES[key] = module.__dict__
    return module.__dict__
