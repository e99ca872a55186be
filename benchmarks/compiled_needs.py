"""The needs arrivals of a month as one compiled loop (numba), against the model's NumPy version.

    PYTHONPATH=src python benchmarks/compiled_needs.py [--months 120] [--rounds 7] [--repeats 5]

Why this exists: at 600 actors a month of the model costs about as much as a step of Mesa's
VirusOnNetwork, where issue 12 item 7 asks for twice its agent-steps per second, and the whole-array
NumPy floor (``essential.py``) costs as much as the model's month: NumPy's per-call cost is the floor.
The claim that only compiled loops over whole phases could reach 2x is measured here on one phase:
``NeedBook.arrive`` and ``NeedBook._place_all`` (``mechanisms/arrivals.needs_phase``) written as ONE
``numba.njit`` function over the same state arrays, drawing from the same ``np.random.Generator``.

1. **Same results, bit for bit.** A real ``TerritoryModel`` (``run.py``'s territories and seed; 60,
   600 and 6,000 actors; two strategies) runs its months; at each needs phase the needs state, the
   arguments and the generator's state are copied before the model's own ``arrive`` runs, the compiled
   arrival is applied to the copies, and every state array, the actors returned and the generator's
   state after are compared with the model's (``np.array_equal``, dict equality); the same again, on
   copies, without role blocks and kinds (paths of ``arrive`` the model does not take). The draws are made in
   NumPy's order: the Poisson counts role block by role block, then every candidate's topic, urgency,
   thinning draw, kind draw (``random((2, k))``: all thinning draws first), cost, people and lifetime.
2. **Time.** CPU time (``time.process_time``) of the model's ``arrive`` and of the compiled one on
   the same recorded months, interleaved rounds, medians; numba's import time, first-compile time, and
   the load of a cached compilation (in fresh subprocesses, cache in a temporary directory).

numba is not a dependency of the project: install it in a scratch place (see benchmarks/README.md).
"""

from __future__ import annotations

import os

# one BLAS thread, before NumPy loads (as in run.py: idle OpenBLAS threads would count in process_time)
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse
import gc
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import SEED, Stopwatch, territory  # the territories of run.py (role mix, budgets per seat) and its seed

from transition_sim.model import TerritoryModel
from transition_sim.needs import COST_SHAPE, EMPTY, MONEY, PEOPLE_SHAPE, PERMIT, PREMISES, NeedBook

SIZES = (60, 600, 6_000)
STRATEGIES = ("one_need_at_a_time", "top_down_plan")
TIMED_STRATEGY = "one_need_at_a_time"
FIELDS = ("topic", "urgency", "cost", "people", "expiry", "claimed", "kind")
NO_KEEP = np.zeros(0)
NO_MIX = np.zeros((0, 2))

Kernel = Callable[..., np.ndarray]


def _arrive_kernel(topic: np.ndarray, urgency: np.ndarray, cost: np.ndarray, people: np.ndarray,
                   expiry: np.ndarray, claimed: np.ndarray, kind: np.ndarray, people_base: np.ndarray,
                   rates: np.ndarray, power: np.ndarray, keep: np.ndarray, has_keep: bool, mix: np.ndarray,
                   has_mix: bool, bounds: np.ndarray, month: int, n_topics: int, lifetime: float,
                   need_cost: float, need_cost_power: float, people_power: float,
                   rng: np.random.Generator) -> np.ndarray:
    """``NeedBook.arrive`` then ``_place_all``, as one loop per draw and one placing loop (compiled by
    numba: see :func:`compile_kernel`). ``bounds`` are the role blocks as (start, stop) rows."""
    n = rates.shape[0]
    counts = np.zeros(n, dtype=np.int64)
    for b in range(bounds.shape[0]):
        start, stop = bounds[b, 0], bounds[b, 1]
        if stop > start:
            lam = rates[start]
            for i in range(start, stop):
                counts[i] = rng.poisson(lam)
    k = 0
    for i in range(n):
        k += counts[i]
    actors = np.empty(k, dtype=np.int64)
    j = 0
    for i in range(n):
        for _ in range(counts[i]):
            actors[j] = i
            j += 1
    topics = rng.integers(0, n_topics, size=k)
    urge = np.empty(k)
    for j in range(k):
        urge[j] = rng.uniform(0.2, 1.0)
    thin = np.empty(k)
    for j in range(k):
        thin[j] = rng.random()
    kind_draw = np.empty(k)
    for j in range(k):
        kind_draw[j] = rng.random()
    cost_draw = np.empty(k)
    for j in range(k):
        cost_draw[j] = rng.standard_gamma(COST_SHAPE)
    people_draw = np.empty(k)
    for j in range(k):
        people_draw[j] = rng.standard_gamma(PEOPLE_SHAPE)
    life = np.empty(k, dtype=np.int64)
    for j in range(k):
        life[j] = rng.poisson(lifetime)
    slots = topic.shape[1]
    placed = np.empty(k, dtype=np.int64)
    m = 0
    for j in range(k):
        i = actors[j]
        if has_keep and not thin[j] < keep[i]:
            continue
        t = topics[j]
        free = -1
        held = False
        for s in range(slots):
            if topic[i, s] == t:
                held = True
                break
            if free < 0 and topic[i, s] == EMPTY:
                free = s
        if held or free < 0:
            continue
        what = MONEY
        if has_mix:
            if kind_draw[j] < mix[i, 0] + mix[i, 1]:
                what = PERMIT
            if kind_draw[j] < mix[i, 0]:
                what = PREMISES
        held_power = power[i]
        topic[i, free] = t
        urgency[i, free] = urge[j]
        cost[i, free] = cost_draw[j] * (need_cost * (1.0 + need_cost_power * held_power)) / COST_SHAPE
        people[i, free] = people_draw[j] * (people_base[i] * (1.0 + people_power * held_power)) / PEOPLE_SHAPE
        expiry[i, free] = month + 1 + life[j]
        claimed[i, free] = False
        kind[i, free] = what
        placed[m] = i
        m += 1
    return placed[:m]


def _nothing(topic: np.ndarray, urgency: np.ndarray, cost: np.ndarray, people: np.ndarray,
             expiry: np.ndarray, claimed: np.ndarray, kind: np.ndarray, people_base: np.ndarray,
             rates: np.ndarray, power: np.ndarray, keep: np.ndarray, has_keep: bool, mix: np.ndarray,
             has_mix: bool, bounds: np.ndarray, month: int, n_topics: int, lifetime: float,
             need_cost: float, need_cost_power: float, people_power: float,
             rng: np.random.Generator) -> np.ndarray:
    """The kernel's arguments and nothing done: what numba's dispatch of them costs."""
    return bounds[0]


def _first(x: np.ndarray) -> float:
    return x[0]


def _first_with(x: np.ndarray, rng: np.random.Generator) -> float:
    """:func:`_first` with a Generator argument: what numba's unboxing of one costs (it casts the bit
    generator's three ctypes function pointers at every call)."""
    return x[0]


def generator_unboxing(calls: int = 20_000) -> tuple[float, float]:
    """CPU microseconds of a call of a compiled function of one array, without and with a Generator."""
    plain, with_rng = compile_kernel(False, _first), compile_kernel(False, _first_with)
    x, rng = np.zeros(8), np.random.default_rng(SEED)
    plain(x)
    with_rng(x, rng)
    start = time.process_time()
    for _ in range(calls):
        plain(x)
    middle = time.process_time()
    for _ in range(calls):
        with_rng(x, rng)
    end = time.process_time()
    return (middle - start) / calls * 1e6, (end - middle) / calls * 1e6


def _draws(rng: np.random.Generator, which: int, k: int) -> float:
    """``k`` scalar draws of one kind (0 random, 1 standard_gamma(4), 2 poisson(6), 3 poisson(0.15)), summed."""
    total = 0.0
    for _ in range(k):
        if which == 0:
            total += rng.random()
        elif which == 1:
            total += rng.standard_gamma(COST_SHAPE)
        elif which == 2:
            total += rng.poisson(6.0)
        else:
            total += rng.poisson(0.15)
    return total


def draw_costs(k: int = 200_000) -> dict[str, tuple[float, float]]:
    """CPU nanoseconds a draw: numba's scalar draws in a compiled loop, NumPy's array call of k (least of 5)."""
    looped = compile_kernel(False, _draws)
    rng = np.random.default_rng(SEED)
    arrays: list[tuple[str, Callable[[], Any]]] = [
        ("random", lambda: rng.random(k)), ("standard_gamma(4)", lambda: rng.standard_gamma(COST_SHAPE, k)),
        ("poisson(6)", lambda: rng.poisson(6.0, k)), ("poisson(0.15)", lambda: rng.poisson(0.15, k))]
    out = {}
    for which, (name, array_call) in enumerate(arrays):
        looped(rng, which, 10)
        runs = []
        for call in (lambda w=which: looped(rng, w, k), array_call):
            spans = []
            for _ in range(5):  # the least of 5: the first array call also pays its pages' first touch
                start = time.process_time()
                call()
                spans.append(time.process_time() - start)
            runs.append(min(spans) / k * 1e9)
        out[name] = (runs[0], runs[1])
    return out


def compile_kernel(cache: bool, function: Callable[..., Any] = _arrive_kernel) -> Kernel:
    import numba

    return numba.njit(cache=cache)(function)


def block_bounds(blocks: tuple[slice, ...] | None, n: int) -> np.ndarray:
    """The role blocks as (start, stop) rows, made once per territory; no blocks: one block per actor
    (its own rate, what ``rng.poisson(rates)`` draws)."""
    if blocks is None:
        return np.stack([np.arange(n), np.arange(1, n + 1)], axis=1).astype(np.int64)
    return np.array([(b.start, b.stop) for b in blocks], dtype=np.int64).reshape(-1, 2)


def arrive_compiled(kernel: Kernel, book: NeedBook, rates: np.ndarray, power: np.ndarray, month: int,
                    n_topics: int, config: dict, rng: np.random.Generator, keep: np.ndarray | None,
                    mix: np.ndarray | None, bounds: np.ndarray) -> np.ndarray:
    """What ``book.arrive(...)`` does and returns, by the compiled kernel."""
    return kernel(book.topic, book.urgency, book.cost, book.people, book.expiry, book.claimed, book.kind,
                  book.people_base, rates, power, NO_KEEP if keep is None else keep, keep is not None,
                  NO_MIX if mix is None else mix, mix is not None, bounds, month, n_topics,
                  float(config["need_lifetime"]), float(config["need_cost"]), float(config["need_cost_power"]),
                  float(config["people_power"]), rng)


# ----------------------------------------------------------------------------- recorded months
@dataclass
class Month:
    """One needs phase as the model met it: the needs state and generator state before, the arguments."""

    arrays: dict[str, np.ndarray]
    people_base: np.ndarray
    rng_state: dict[str, Any]
    args: dict[str, Any]

    def book(self) -> NeedBook:
        n, slots = self.arrays["topic"].shape
        book = NeedBook(n, slots, self.people_base)
        for name in FIELDS:
            np.copyto(getattr(book, name), self.arrays[name])
        return book

    def rng(self) -> np.random.Generator:
        rng = np.random.Generator(np.random.PCG64())
        rng.bit_generator.state = self.rng_state
        return rng


@dataclass
class Check:
    """The months of one run compared, and what they held."""

    months: int = 0
    placed: int = 0
    thinned_months: int = 0
    empty_months: int = 0
    mismatches: list[str] = field(default_factory=list)


def compare(book: NeedBook, rng: np.random.Generator, got: np.ndarray, model_book: NeedBook,
            model_rng: np.random.Generator, model_got: np.ndarray) -> list[str]:
    """What differs between the compiled arrival's outcome and the model's: state arrays, the actors
    returned, the generator's state after."""
    differ = [f for f in FIELDS if not np.array_equal(getattr(book, f), getattr(model_book, f))]
    if got.dtype != model_got.dtype or not np.array_equal(got, model_got):
        differ.append("returned actors")
    if rng.bit_generator.state != model_rng.bit_generator.state:
        differ.append("generator state")
    return differ


def record_run(n: int, strategy: str, months: int, kernel: Kernel, keep_months: bool) -> tuple[Check, list[Month]]:
    """Run the model ``months`` months; at each needs phase compare the compiled arrival on copies with the
    model's own ``arrive``. Returns the comparison and, if ``keep_months``, the recorded months."""
    model = TerritoryModel(strategy=strategy, seed=SEED, **territory(n))
    t = model.territory
    book = t.needs
    own = book.arrive
    bounds = block_bounds(t.role_slices, t.n_actors)
    check, recorded = Check(), []

    def recorder(rates: np.ndarray, power: np.ndarray, month: int, n_topics: int, config: dict,
                 rng: np.random.Generator, keep: np.ndarray | None = None, mix: np.ndarray | None = None,
                 blocks: tuple[slice, ...] | None = None) -> np.ndarray:
        before = Month({f: getattr(book, f).copy() for f in FIELDS}, book.people_base.copy(),
                       rng.bit_generator.state,
                       {"rates": rates.copy(), "power": power.copy(), "month": month, "n_topics": n_topics,
                        "config": config, "keep": None if keep is None else keep.copy(),
                        "mix": None if mix is None else mix.copy(), "blocks": blocks})
        got = own(rates, power, month, n_topics, config, rng, keep=keep, mix=mix, blocks=blocks)
        copy, copy_rng = before.book(), before.rng()
        a = before.args
        mine = arrive_compiled(kernel, copy, a["rates"], a["power"], month, n_topics, config, copy_rng,
                               a["keep"], a["mix"], bounds)
        check.months += 1
        check.placed += len(got)
        check.thinned_months += keep is not None
        check.empty_months += len(got) == 0
        differ = compare(copy, copy_rng, mine, book, rng, got)
        # the paths the model does not take: no role blocks (one rate per actor), no kinds (all MONEY)
        theirs, their_rng = before.book(), before.rng()
        got_plain = theirs.arrive(a["rates"], a["power"], month, n_topics, config, their_rng)
        copy, copy_rng = before.book(), before.rng()
        mine = arrive_compiled(kernel, copy, a["rates"], a["power"], month, n_topics, config, copy_rng, None, None,
                               block_bounds(None, t.n_actors))
        differ += [f"{f} (no blocks, no mix)" for f in compare(copy, copy_rng, mine, theirs, their_rng, got_plain)]
        if differ:
            check.mismatches.append(f"month {month}: {', '.join(differ)}")
        if keep_months:
            recorded.append(before)
        return got

    book.arrive = recorder  # type: ignore[method-assign]
    for _ in range(months):
        model.step()
    return check, recorded


# ----------------------------------------------------------------------------- timing
def time_batch(call: Callable[[NeedBook, np.random.Generator, Month], np.ndarray], month: Month,
               generators: list[np.random.Generator]) -> float:
    """CPU seconds of one call per generator on fresh copies of one month's needs, each generator set to the
    month's state (copies and states made before the clock). The generators are reused from call to call, as
    the model reuses its needs stream: a new ``Generator`` makes numba build its ctypes view on first use."""
    copies = [month.book() for _ in generators]
    for rng in generators:
        rng.bit_generator.state = month.rng_state
    start = time.process_time()
    for book, rng in zip(copies, generators, strict=True):
        call(book, rng, month)
    return time.process_time() - start


def time_sizes(recorded: dict[int, list[Month]], kernel: Kernel, nothing: Kernel, rounds: int,
               repeats: int) -> dict[int, dict[str, list[float]]]:
    """Per size, per implementation, the CPU microseconds a month of each round (mean over the months)."""

    def numpy_call(book: NeedBook, rng: np.random.Generator, m: Month) -> np.ndarray:
        a = m.args
        return book.arrive(a["rates"], a["power"], a["month"], a["n_topics"], a["config"], rng, keep=a["keep"],
                           mix=a["mix"], blocks=a["blocks"])

    def compiled_call(chosen: Kernel) -> Callable[[NeedBook, np.random.Generator, Month], np.ndarray]:
        bounds_of: dict[int, np.ndarray] = {}  # made once per territory, as a real use would

        def call(book: NeedBook, rng: np.random.Generator, m: Month) -> np.ndarray:
            a = m.args
            n = len(a["rates"])
            bounds = bounds_of.get(n)
            if bounds is None:
                bounds = bounds_of[n] = block_bounds(a["blocks"], n)
            return arrive_compiled(chosen, book, a["rates"], a["power"], a["month"], a["n_topics"], a["config"],
                                   rng, a["keep"], a["mix"], bounds)
        return call

    calls = {"numpy": numpy_call, "numba": compiled_call(kernel), "dispatch": compiled_call(nothing)}
    generators = {name: [np.random.Generator(np.random.PCG64()) for _ in range(repeats)] for name in calls}
    out: dict[int, dict[str, list[float]]] = {n: {k: [] for k in calls} for n in recorded}
    first = next(iter(recorded.values()))[0]
    for name, call in calls.items():  # warm-up: first calls (numba compiles ``nothing`` here)
        time_batch(call, first, generators[name])
    for r in range(rounds):
        for n, months in recorded.items():
            order = list(calls) if r % 2 == 0 else list(reversed(calls))
            total = dict.fromkeys(calls, 0.0)
            for month in months:
                for name in order:
                    total[name] += time_batch(calls[name], month, generators[name])
            for name in calls:
                out[n][name].append(total[name] / (len(months) * repeats) * 1e6)
    return out


@dataclass
class InModel:
    """One 120-month run (or ``--months``) with one arrival: CPU microseconds of its arrivals and of its
    months (means over the months), and what the run ended with (to check that both runs are the same)."""

    arrive_us: float
    month_us: float
    end: tuple[Any, ...]


def run_in_model(n: int, months: int, kernel: Kernel | None) -> InModel:
    """A real run whose needs arrive by the model's ``arrive`` (``kernel`` None) or the compiled one, each call
    timed where the model makes it: with the rest of the month in the caches, as a real use would be."""
    gc.collect()
    model = TerritoryModel(strategy=TIMED_STRATEGY, seed=SEED, **territory(n))
    t = model.territory
    book = t.needs
    own = book.arrive
    bounds = block_bounds(t.role_slices, t.n_actors)
    spent = [0.0]

    def arrive(rates: np.ndarray, power: np.ndarray, month: int, n_topics: int, config: dict,
               rng: np.random.Generator, keep: np.ndarray | None = None, mix: np.ndarray | None = None,
               blocks: tuple[slice, ...] | None = None) -> np.ndarray:
        start = time.process_time()
        if kernel is None:
            got = own(rates, power, month, n_topics, config, rng, keep=keep, mix=mix, blocks=blocks)
        else:
            got = arrive_compiled(kernel, book, rates, power, month, n_topics, config, rng, keep, mix, bounds)
        spent[0] += time.process_time() - start
        return got

    book.arrive = arrive  # type: ignore[method-assign]
    start = time.process_time()
    for _ in range(months):
        model.step()
    total = time.process_time() - start
    rows = model.datacollector.get_model_vars_dataframe()
    end = (rows.to_numpy().tobytes(), *(getattr(book, f).tobytes() for f in FIELDS),
           *(str(r.bit_generator.state) for r in (model.rng, model.events_rng, model.needs_rng)))
    return InModel(spent[0] / months * 1e6, total / months * 1e6, end)


def time_in_model(months: int, rounds: int) -> dict[int, dict[str, list[InModel]]]:
    """Per size, runs with each arrival, interleaved (the order flipped every round)."""
    kernel = compile_kernel(False)
    out: dict[int, dict[str, list[InModel]]] = {n: {"numpy": [], "numba": []} for n in SIZES}
    for r in range(rounds):
        for n in SIZES:
            for name in ("numpy", "numba") if r % 2 == 0 else ("numba", "numpy"):
                out[n][name].append(run_in_model(n, months, None if name == "numpy" else kernel))
    return out


def compile_child(cache: bool) -> dict[str, float]:
    """In a fresh process: numba's import time, then the first call (compilation, or loading the cache)."""
    watch = Stopwatch()
    compile_kernel(False, _nothing)  # the import (njit of a function compiles nothing until it is called)
    imported = watch.lap()
    kernel = compile_kernel(cache)
    book, rng = NeedBook(6, 3, np.ones(6)), np.random.default_rng(SEED)
    watch.lap()  # the set-up above is neither the import nor the first call
    arrive_compiled(kernel, book, np.full(6, 0.5), np.zeros(6), 1, 6, {"need_lifetime": 6, "need_cost": 1.0,
                    "need_cost_power": 1.0, "people_power": 1.0}, rng, None, np.zeros((6, 2)),
                    block_bounds((slice(0, 6),), 6))
    first = watch.lap()
    return {"import_wall": imported.wall, "import_cpu": imported.cpu, "first_wall": first.wall, "first_cpu": first.cpu}


def compile_times() -> dict[str, dict[str, float]]:
    """Fresh subprocesses: no cache; cache=True into an empty temporary directory (compiles and writes), then
    again on it (loads)."""
    def child(cache: bool, cache_dir: str | None) -> dict[str, float]:
        env = dict(os.environ)
        if cache_dir is not None:
            env["NUMBA_CACHE_DIR"] = cache_dir
        argv = [sys.executable, __file__, "--compile-child", "cache" if cache else "nocache"]
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
        return json.loads(done.stdout)

    with tempfile.TemporaryDirectory(prefix="numba-cache-") as cache_dir:
        return {"no cache": child(False, None), "cache, cold": child(True, cache_dir),
                "cache, warm": child(True, cache_dir)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The needs arrivals compiled with numba against the model's "
                                     "NumPy version: bit-identity check and CPU time (prints figures).")
    parser.add_argument("--months", type=int, default=120, help="months of each run checked and timed (120)")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved timing rounds (7)")
    parser.add_argument("--repeats", type=int, default=5, help="calls per month in a round (5)")
    parser.add_argument("--compile-child", choices=("cache", "nocache"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for flag in ("months", "rounds", "repeats"):
        value = getattr(args, flag)
        if not 1 <= value <= 10_000:
            print(f"compiled_needs.py: --{flag} {value}: allowed 1..10000", file=sys.stderr)
            return 2
    if importlib.util.find_spec("numba") is None:
        print("compiled_needs.py: numba is not installed: pip install numba (into a scratch venv or --target "
              "directory: it is not a dependency of the project)", file=sys.stderr)
        return 2
    if args.compile_child:
        print(json.dumps(compile_child(args.compile_child == "cache")))
        return 0
    os.environ.pop("NUMBA_CACHE_DIR", None)
    load0 = os.getloadavg()
    import numba

    print(f"numba {numba.__version__} | numpy {np.__version__} | python {sys.version.split()[0]} | "
          f"{os.cpu_count()} CPUs, load {load0[0]:.1f}")
    print("\n## Import and first compile (fresh subprocesses; cache in a temporary directory)")
    for name, f in compile_times().items():
        print(f"{name:<12} import numba {f['import_cpu'] * 1e3:6.0f} ms CPU ({f['import_wall'] * 1e3:.0f} ms wall)"
              f" | first call {f['first_cpu'] * 1e3:6.0f} ms CPU ({f['first_wall'] * 1e3:.0f} ms wall)")

    kernel, nothing = compile_kernel(False), compile_kernel(False, _nothing)
    print(f"\n## Bit-identity: compiled arrival against the model's own, {args.months} months a run, seed {SEED}")
    recorded: dict[int, list[Month]] = {}
    failed = False
    for n in SIZES:
        for strategy in STRATEGIES:
            keep = strategy == TIMED_STRATEGY
            check, months = record_run(n, strategy, args.months, kernel, keep)
            if keep:
                recorded[n] = months
            verdict = "identical" if not check.mismatches else f"DIFFER in {len(check.mismatches)} months"
            print(f"{n:>6} actors {strategy:<19} {check.months} months, {check.placed} needs placed, "
                  f"{check.thinned_months} thinned months, {check.empty_months} months with none: {verdict}")
            for line in check.mismatches[:5]:
                print(f"    {line}")
            failed = failed or bool(check.mismatches)

    gc.collect()
    gc.freeze()
    print(f"\n## CPU time of a month's arrivals ({TIMED_STRATEGY}, the recorded months; medians of "
          f"{args.rounds} interleaved rounds of {args.repeats} calls a month)")
    figures = time_sizes(recorded, kernel, nothing, args.rounds, args.repeats)
    print(f"{'actors':>7} {'NumPy arrive':>13} {'numba':>9} {'NumPy/numba':>12} {'of numba, dispatch':>19}"
          f" {'rounds (NumPy; numba)':>24}")
    for n, times in figures.items():
        np_us, nb_us, dispatch = (statistics.median(times[k]) for k in ("numpy", "numba", "dispatch"))
        spread = (f"{min(times['numpy']):.0f}-{max(times['numpy']):.0f}; "
                  f"{min(times['numba']):.1f}-{max(times['numba']):.1f}")
        print(f"{n:>7} {np_us:>10.1f} us {nb_us:>6.1f} us {np_us / nb_us:>11.1f}x {dispatch:>16.1f} us {spread:>24}")
    del recorded, figures  # the recorded months (100 MB at 6,000 actors) out of the runs' way
    gc.collect()
    print(f"\n## In the model's month ({TIMED_STRATEGY}, {args.months}-month runs, each arrival timed where the "
          f"model calls it; medians of {args.rounds} interleaved runs)")
    runs = time_in_model(args.months, args.rounds)
    print(f"{'actors':>7} {'NumPy arrive':>13} {'numba':>9} {'NumPy/numba':>12} {'month, NumPy':>13}"
          f" {'month, numba':>13} {'month saved (paired)':>21} {'same runs':>10}")
    for n, by in runs.items():
        arrive_np, arrive_nb, month_np, month_nb = (
            statistics.median(getattr(x, key) for x in by[name])
            for name, key in (("numpy", "arrive_us"), ("numba", "arrive_us"), ("numpy", "month_us"),
                              ("numba", "month_us")))
        saved = statistics.median(a.month_us - b.month_us for a, b in zip(by["numpy"], by["numba"], strict=True))
        same = len({x.end for x in by["numpy"] + by["numba"]}) == 1
        failed = failed or not same
        print(f"{n:>7} {arrive_np:>10.1f} us {arrive_nb:>6.1f} us {arrive_np / arrive_nb:>11.1f}x"
              f" {month_np:>10.0f} us {month_nb:>10.0f} us {saved:>9.0f} us ({saved / month_np:>4.0%})"
              f" {'yes' if same else 'NO':>10}")
    plain, with_rng = generator_unboxing()
    print(f"(dispatch: numba's call of a do-nothing kernel with the same arguments; a call of one array costs "
          f"{plain:.2f} us, {with_rng:.2f} us with a Generator too)")
    print("draws, ns each (numba scalar in a loop / NumPy array call): " + ", ".join(
        f"{name} {a:.1f} / {b:.1f}" for name, (a, b) in draw_costs().items()))
    load1 = os.getloadavg()
    print(f"\nload average {load0[0]:.1f} at the start, {load1[0]:.1f} at the end")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
