"""What a facilitator strategy is, and the registry that names them.

A strategy is a small class: ``act`` is called once a month with the territory (its state, to read:
``territory.py``) and the facilitator, whose moves (meet, introduce, propose, pitch, relay...) are the
only way to act on it.
Register one with ``@register`` in any module, or give the CLI ``path/to/file.py:ClassName``.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from transition_sim.files import read_text
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
    """An unknown strategy, or a strategy file that cannot provide the class."""


def strategy_file(spec: str) -> Path | None:
    """The file of a ``path/to/file.py:ClassName`` spec (an input an output must not overwrite), else None."""
    if spec in REGISTRY or ":" not in spec or not spec.split(":", 1)[0].endswith(".py"):
        return None
    return Path(spec.rsplit(":", 1)[0])


def load_strategy(spec: str) -> type[Strategy]:
    """A registered name, or ``path/to/file.py:ClassName`` for a researcher's own strategy."""
    if spec in REGISTRY:
        return REGISTRY[spec]
    path = strategy_file(spec)
    if path is not None:
        path_text, cls_name = spec.rsplit(":", 1)
        try:  # read once, checked (a regular file, at most 1 MiB), and run that text
            source = read_text(path, missing="does not exist")
        except ConfigError as exc:
            raise StrategyError(f"--strategy: strategy file {path_text!r} {exc.allowed}") from None
        module_spec = importlib.util.spec_from_file_location(f"_user_strategy_{path.stem}", path)
        assert module_spec is not None
        module = importlib.util.module_from_spec(module_spec)
        try:
            exec(compile(source, str(path), "exec"), module.__dict__)  # the user's own strategy
        except Exception as exc:  # the user's file: report, do not crash
            raise StrategyError(f"--strategy: {path_text}: cannot be imported ({type(exc).__name__}: {exc})") from None
        cls = getattr(module, cls_name, None)
        if not (isinstance(cls, type) and issubclass(cls, Strategy)):
            raise StrategyError(f"--strategy: {path_text} has no Strategy subclass named {cls_name!r}")
        if not cls.name:
            cls.name = cls_name
        return cls
    known = ", ".join(sorted(REGISTRY))
    raise StrategyError(f"--strategy: unknown strategy {spec!r}; known: {known}, or path/to/file.py:ClassName")
