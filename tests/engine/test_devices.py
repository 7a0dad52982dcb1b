"""Devices (conformance/devices.py): a program's tensors live on the target's device, what a
device cannot show is declared rather than reported, and three-way runs tell a device
divergence from a refimpl gap. torch's meta device exercises all of it on every machine;
CUDA tests skip with the reason where there is no GPU."""
import dataclasses
import subprocess
import sys

import pytest
import torch

from conformance.campaign import Campaign, Config
from conformance.compare import Judging, compare_snapshots
from conformance.devices import Capabilities, capabilities
from conformance.observe import NOT_SHOWN
from conformance.program import Program
from conformance.runner import Side, run_lockstep
from conformance.specs import LedgerEntry
from conformance.targets import TargetError, parse_target

ORACLE = parse_target("refimpl")
META = parse_target("torch:meta")
CPU = parse_target("torch:cpu")


def _program(*lines):
    return Program.from_json({"statements": list(lines)})


def test_a_missing_device_is_a_clear_error():
    with pytest.raises(TargetError, match="torch:nosuchdevice"):
        parse_target("torch:nosuchdevice")
    if not torch.cuda.is_available():
        with pytest.raises(TargetError, match="not available on this machine"):
            parse_target("torch:cuda:1")


def test_the_command_line_refuses_a_missing_device_in_one_line(tmp_path):
    if torch.cuda.is_available():
        pytest.skip("CUDA is available here: torch:cuda is not a missing device")
    run = subprocess.run([sys.executable, "-m", "conformance", "fuzz", "--target", "torch:cuda",
                          "--seconds", "5", "--report", str(tmp_path / "r")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0 and "torch:cuda" in run.stderr


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device on this machine")
def test_a_cuda_program_runs_on_the_gpu():
    cuda = parse_target("torch:cuda")
    program = _program({"op": "ones", "form": "function", "args": [{"size": [2, 3]}],
                        "kwargs": {}, "target": "v0", "creates": True},
                       {"op": "t", "form": "method", "args": [{"var": "v0"}], "kwargs": {},
                        "target": "v1"})
    assert run_lockstep(program, ORACLE, cuda)[0] is None


def test_tensors_are_made_on_the_device_and_meta_shows_no_values():
    side = Side(META, autograd=True, modes=())
    program = _program({"op": "ones", "form": "function", "args": [{"size": [2, 3]}],
                        "kwargs": {}, "target": "v0", "creates": True},
                       {"op": "t", "form": "method", "args": [{"var": "v0"}], "kwargs": {},
                        "target": "v1"},
                       {"op": "ones", "form": "function", "args": [{"size": [3]}],
                        "kwargs": {}, "target": "v2", "creates": True})
    events = list(side.events(program))
    assert side.env["v0"].device.type == "meta"
    snap = events[-1].snapshot
    assert snap["v0"]["values"] == NOT_SHOWN
    # no data, yet aliasing is told: a view shares its base's storage, a new tensor does not
    assert snap["v0"]["aliasing"] == ("v1",) and snap["v2"]["aliasing"] == ()


def test_meta_conforms_where_it_can_show_and_skips_what_it_cannot():
    # an index out of range: the oracle notes that its error reads data, which meta has not
    program = _program({"op": "zeros", "form": "function", "args": [{"size": [3]}],
                        "kwargs": {}, "target": "v0", "creates": True},
                       {"op": "tensor", "form": "function", "args": [[5]],
                        "kwargs": {"dtype": {"dtype": "int64"}}, "target": "v1", "creates": True},
                       {"op": "index_select", "form": "function",
                        "args": [{"var": "v0"}, 0, {"var": "v1"}], "kwargs": {}, "target": "v2"})
    side = Side(ORACLE, autograd=True, modes=())
    events = list(side.events(program))
    assert ("data", "index bounds") in events[-1].depends_on
    assert run_lockstep(program, ORACLE, META) == (None, 3)   # judged up to there
    assert run_lockstep(program, ORACLE, CPU)[0] is None      # the CPU raises as the oracle


def test_a_random_meta_campaign_reports_no_values_and_no_messages(tmp_path):
    summary = Campaign(Config(targets=["torch:meta"], examples=150, seed=5, isolate=False,
                              shrink_seconds=1.0)).run()
    props = {f["property"] for f in summary["failures"] if f["status"] == "new"}
    assert not props & {"values", "grad.values", "error_message"}, props
    assert summary["target_info"]["torch:meta"]["not_compared"][0] == "values"


def test_a_stride_bug_is_caught_on_meta():
    """The device path is a real target: a planted layout bug shows through meta too."""
    summary = Campaign(Config(targets=["tests.planted.transpose_contiguous:meta"],
                              examples=300, seed=1234, ops="transpose", isolate=False,
                              shrink_seconds=2.0)).run()
    found = {(f["op"], f["property"]) for f in summary["failures"] if f["status"] == "new"}
    assert ("transpose", "aliasing") in found or ("transpose", "strides") in found, found


def test_significant_strides_only_where_the_device_promises_only_those():
    obs = lambda shape, strides: {"v": {  # noqa: E731
        "shape": shape, "strides": strides, "storage_offset": 0, "dtype": "float32",
        "contiguous": True, "values": NOT_SHOWN, "aliasing": (), "version": 0}}
    meta = Judging.of(capabilities("meta"))
    # size-1 dims and empty tensors: not significant
    assert compare_snapshots(obs((3, 1), (1, 1)), obs((3, 1), (1, 3)), meta) == []
    assert compare_snapshots(obs((0, 2), (2, 1)), obs((0, 2), (1, 1)), meta) == []
    # a dim of size > 1: significant, on meta as everywhere
    assert [m.property for m in compare_snapshots(obs((2, 3), (3, 1)), obs((2, 3), (1, 2)), meta)] \
        == ["strides"]
    assert [m.property for m in compare_snapshots(obs((3, 1), (1, 1)), obs((3, 1), (1, 3)))] \
        == ["strides"]


def test_device_tolerances_loosen_only_their_device():
    def obs(value):
        return {"v": {"shape": (1,), "strides": (1,), "storage_offset": 0, "dtype": "float32",
                      "contiguous": True, "values": [value], "aliasing": (), "version": 0}}
    loose = Judging.of(dataclasses.replace(Capabilities("cuda"), tolerances={"float32": (1e-3, 0)}))
    assert compare_snapshots(obs(1.0), obs(1.0005), loose) == []
    assert [m.property for m in compare_snapshots(obs(1.0), obs(1.0005))] == ["values"]


def test_ledger_conditions_on_device_and_the_oracles_error():
    entry = LedgerEntry(id="X", op="add_,mul_", property="error", target="torch:*",
                        reason="r", device="meta", oracle_error="RuntimeError: unsupported*")
    assert entry.matches("torch:meta", "mul_", "error", oracle_error="RuntimeError: unsupported x")
    assert not entry.matches("torch:cpu", "mul_", "error", oracle_error="RuntimeError: unsupported x")
    assert not entry.matches("torch:meta", "mul_", "error", oracle_error="RuntimeError: other")
    assert not entry.matches("torch:meta", "sub_", "error", oracle_error="RuntimeError: unsupported")
    assert entry.covers("torch:meta@/usr/bin/python3", "add_")


def test_three_way_verdicts_tell_a_device_divergence_from_a_shared_one():
    planted = "tests.planted.add_alpha_ignored"
    config = dict(examples=150, seed=1234, ops="add", isolate=False, shrink_seconds=2.0)
    # the bug on one device only: the other agrees with the oracle
    one = Campaign(Config(targets=["torch:cpu", planted], **config)).run()
    found = [f for f in one["failures"] if f["target"] == planted and f["status"] == "new"]
    assert found and all(f["verdict"] == "device" and f["agreeing"] == ["torch:cpu"]
                         for f in found), found
    # the same bug on both: the oracle differs from every device
    both = Campaign(Config(targets=[planted, f"{planted}:cpu"], **config)).run()
    found = [f for f in both["failures"] if f["status"] == "new" and f["property"] == "values"]
    assert found and all(f["verdict"] == "refimpl" for f in found), found


def test_the_report_shows_devices_side_by_side_with_verdicts(tmp_path):
    planted = "tests.planted.add_alpha_ignored"
    Campaign(Config(targets=["torch:cpu", planted, "torch:meta"], examples=100, seed=1234,
                    ops="add", isolate=False, shrink_seconds=1.0,
                    report_dir=tmp_path / "r")).run()
    page = (tmp_path / "r" / "index.html").read_text()
    for spec in ("torch:cpu", planted, "torch:meta"):   # a matrix column group per target
        assert f'<td class="mono">{spec}</td>' in page
    assert 'id="verdicts"' in page and "the devices differ from each other" in page
    assert 'class="verdict"' in page and "torch:cpu agrees with the oracle" in page
    assert "strides of size-1 dims" in page            # what meta does not compare
    assert 'id="findings-table"' in page and "findings/meta-internal-overlap.py" in page


@pytest.mark.parametrize("extra,message", [
    ('kind = "bug"', "kind 'bug' is not one of"),
    ('repro = "findings/nothing.py"', "is not a file"),
    ('property = "values,nonsense"', "names no observed property"),
])
def test_a_malformed_ledger_entry_is_refused_with_its_line(tmp_path, extra, message):
    from conformance.specs import SpecError, load_ledger
    fields = {"id": '"X-1"', "op": '"add"', "property": '"values"', "target": '"torch:*"',
              "reason": '"r"'}
    key = extra.split(" = ")[0]
    fields[key] = extra.split(" = ")[1]
    (tmp_path / "ledger.toml").write_text(
        "[[entry]]\n" + "".join(f"{k} = {v}\n" for k, v in fields.items()))
    with pytest.raises(SpecError, match=message):
        load_ledger(tmp_path)
