"""Checked command lines for the repository's scripts (``validation/``, ``experiments/``).

The docs tell researchers to run them, so they follow the CLI's rule: a mistake is one line naming the
flag, the value and what is allowed, exit status 2, before anything runs or is written (``--sets -3``
was a NumPy traceback once the pool had started, ``--sets 0`` a report of no set over docs/patterns.md).
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable
from typing import NoReturn

from transition_sim.errors import one_line, shown
from transition_sim.limits import CONTROLS
from transition_sim.schema import ConfigError, Param


class Parser(argparse.ArgumentParser):
    """argparse whose errors are one line (no usage block), exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {one_line(message)} (see `{self.prog} --help`)\n")


def integer(control: str, low: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number in the range of the run control ``control`` (``low`` raising its
    lower bound), the value and the range quoted when refused."""
    p: Param = CONTROLS[control]
    if low is not None:
        p = dataclasses.replace(p, low=low)

    def parse(text: str) -> int:
        try:
            return int(p.validate(int(text.strip()), control))
        except (ValueError, ConfigError):
            raise argparse.ArgumentTypeError(f"{shown(text)}: {p.allowed()}") from None

    return parse


def seeds(text: str) -> list[int]:
    """An argparse type: comma-separated root seeds, each in the range of ``seed``."""
    one = integer("seed")
    try:
        values = [one(part) for part in text.split(",")]
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"{shown(text)}: must be comma-separated seeds, each "
                                         f"{CONTROLS['seed'].allowed().removeprefix('must be ')}") from None
    return values
