"""The run history behind a report's trend (conformance/history.py): each run appends
its record, the report draws the trend and says what changed since the previous run, a
resumed campaign updates its own record, and a broken history file stops nothing."""
import json

from conformance import history
from conformance.campaign import Campaign, Config

PLANTED = "tests.planted.view_copies"


def _run(tmp_path, seed, ops="view", target=PLANTED, **options):
    return Campaign(Config(targets=[target], ops=ops, examples=60, seed=seed, isolate=False,
                           report_dir=tmp_path / "r", shrink_seconds=1.0, **options)).run()


def test_each_run_appends_and_the_report_shows_what_changed(tmp_path):
    first = _run(tmp_path, 1)
    assert any(f["status"] == "new" for f in first["failures"])
    # the next run is of a conforming target: the planted failures are gone since
    _run(tmp_path, 2, target="torch:cpu")
    records = history.read(tmp_path / "r" / "history.jsonl")
    assert [r["seed"] for r in records] == [1, 2]
    assert records[0]["pass_rate"] < 1 and records[1]["counts"]["new"] == 0
    change = history.changes(records)
    assert change["appeared"] == [] and {c["target"] for c in change["gone"]} == {PLANTED}
    page = (tmp_path / "r" / "index.html").read_text()
    assert 'data-chart="statements"' in page and 'data-chart="pass_rate"' in page
    assert 'id="gone"' in page and "<polyline" in page


def test_a_resumed_campaign_updates_its_own_record(tmp_path):
    _run(tmp_path, 3)
    Campaign(Config(targets=[PLANTED], ops="view", examples=90, seed=3, isolate=False,
                    report_dir=tmp_path / "r", resume=True, shrink_seconds=1.0)).run()
    records = history.read(tmp_path / "r" / "history.jsonl")
    assert len(records) == 1 and records[0]["programs"] == 90


def test_a_broken_history_line_is_skipped(tmp_path):
    path = tmp_path / "history.jsonl"
    path.write_text('{"statements": 5, "started": "a", "seed": 1}\nnot json\n{"other": 1}\n')
    assert [r["statements"] for r in history.read(path)] == [5]
    summary = _run(tmp_path, 4, history=path)
    assert [r["statements"] for r in history.read(path)] == [5, summary["statements"]]
    assert json.loads(path.read_text().splitlines()[-1])["seed"] == 4
