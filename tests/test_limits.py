"""Run controls and file reading: one bound per number, quoted in the error; files read only when regular
and small enough."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transition_sim.files import MAX_TEXT_BYTES, read_text
from transition_sim.limits import CONTROLS, parse
from transition_sim.schema import ConfigError
from transition_sim.sweep.definition import load_definition
from transition_sim.sweep.design import make_design

INTS = [p for p in CONTROLS.values() if p.kind == "int"]
FLOATS = [p for p in CONTROLS.values() if p.kind == "float"]


@given(control=st.sampled_from(INTS), value=st.integers(min_value=-(2**70), max_value=2**70))
def test_an_integer_control_takes_exactly_its_range_and_quotes_it(control, value):
    option = "--" + control.name.replace("_", "-")
    if control.low <= value <= control.high:
        assert parse(f" {value} ", option) == value
    else:
        with pytest.raises(ConfigError) as info:
            parse(str(value), option)
        assert str(info.value) == f"{option}: {control.name} = {str(value)!r}: {control.allowed()}"
        assert f"[{control.low}, {control.high}]" in str(info.value)


@given(control=st.sampled_from(FLOATS), value=st.floats(allow_nan=True, allow_infinity=True))
def test_a_number_control_refuses_nan_infinities_and_values_out_of_range(control, value):
    option = "--" + control.name.replace("_", "-")
    if control.low <= value <= control.high:
        assert parse(repr(value), option) == value
    else:
        with pytest.raises(ConfigError, match=r"must be a number in \["):
            parse(repr(value), option)


def test_a_file_of_exactly_the_limit_is_read_and_one_byte_more_is_not(tmp_path):
    path = tmp_path / "s.toml"
    path.write_bytes(b"#" * (MAX_TEXT_BYTES - 1) + b"\n")
    assert len(read_text(path)) == MAX_TEXT_BYTES
    path.write_bytes(b"#" * MAX_TEXT_BYTES + b"\n")
    with pytest.raises(ConfigError, match="more than the 1 MiB allowed"):
        read_text(path)


@pytest.mark.parametrize(("method", "extra", "d"), [
    ("lhs", "", 3), ("sobol", "", 3), ("sobol", "second_order = true\n", 3), ("morris", "levels = 6\n", 2),
])
def test_the_points_counted_before_sampling_are_the_points_salib_samples(tmp_path, method, extra, d):
    pytest.importorskip("SALib")
    ranges = "".join(f"{p} = [0.1, 0.5]\n" for p in ("trust_gain", "trust_loss", "trust_drift")[:d])
    path = tmp_path / "s.toml"
    path.write_text(f'strategies = ["none"]\nreplicates = 1\nsteps = 1\n[sample]\nmethod = "{method}"\nn = 8\n'
                    f"{extra}[sample.ranges]\n{ranges}", encoding="utf-8")
    definition = load_definition(path)
    assert definition.sampling is not None
    assert len(make_design(definition).points) == definition.sampling.points
