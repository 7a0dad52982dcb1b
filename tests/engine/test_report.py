"""Tests for conformance.report (HTML page and JUnit XML)."""

import html
import re
import xml.etree.ElementTree as ET

import markupsafe
import pytest

from conformance.report import write_html, write_junit

REPRO_NEW = (
    "import torch\n"
    "v1 = torch.ones(3, 1)\n"
    "v2 = torch.ones(1, 3)\n"
    "v3 = torch.add(v1, v2)\n"
    "assert v3.stride() == (3, 1) and 1 < 2, 'strides <differ> & more'\n"
)
REPRO_KNOWN = "import torch\nv1 = torch.tensor([1.0, 2.0])\nprint(v1.sum())\n"


def make_summary():
    return {
        "tool": "torch-conformance",
        "started": "2026-11-22T05:30:00Z",
        "seconds": 30.2,
        "seed": 1234,
        "oracle": "refimpl",
        "targets": ["torch:cpu"],
        "torch_version": "2.13.0+cpu",
        "programs": 812,
        "statements": 6120,
        "properties": ["values", "shape", "strides", "storage_offset", "dtype",
                       "contiguous", "aliasing", "version", "error", "error_message"],
        "counts": {"new": 2, "known": 1, "possibly_fixed": 1},
        "failures": [
            {"id": "f0001", "target": "torch:cpu", "op": "add", "property": "strides",
             "status": "new", "ledger_id": None, "reason": None, "link": None,
             "statement": "v3 = torch.add(v1, v2) if 1 < 2 else v1", "variable": "v3",
             "detail": "oracle (1, 3) != target (3, 1)", "count": 4, "program_length": 3,
             "repro": "repros/f0001.py"},
            {"id": "f0002", "target": "torch:cpu", "op": "mul", "property": "values",
             "status": "known", "ledger_id": "L007", "reason": "fp reassociation",
             "link": "https://github.com/pytorch/pytorch/issues/1",
             "statement": "v2 = torch.mul(v1, v1)", "variable": "v2",
             "detail": "max abs diff 1e-3", "count": 2, "program_length": 2,
             "repro": "repros/f0002.py"},
            # op only present in failures (not in coverage), repro file missing
            {"id": "f0003", "target": "torch:cpu", "op": "zz_only_failing", "property": "dtype",
             "status": "new", "ledger_id": None, "reason": None, "link": None,
             "statement": "v1 = torch.zz(v0)", "variable": "v1",
             "detail": "oracle float32 != target float64", "count": 1, "program_length": 1,
             "repro": "repros/f0003.py"},
        ],
        "possibly_fixed": [
            {"ledger_id": "L001", "op": "sum", "property": "values",
             "reason": "pairwise summation order", "link": "https://github.com/pytorch/pytorch/issues/2"},
        ],
        "coverage": {"view": 40, "add": 120, "mul": 98, "sum": 12},
        "target_errors": [{"target": "torch:cuda", "message": "CUDA not available <here>"}],
    }


@pytest.fixture
def report(tmp_path):
    summary = make_summary()
    (tmp_path / "repros").mkdir()
    (tmp_path / "repros" / "f0001.py").write_text(REPRO_NEW)
    (tmp_path / "repros" / "f0002.py").write_text(REPRO_KNOWN)
    # f0003.py deliberately missing
    return tmp_path, summary


def test_html_written_and_self_contained(report):
    tmp_path, summary = report
    out = write_html(tmp_path, summary)
    assert out == tmp_path / "index.html"
    assert out.is_file()
    text = out.read_text(encoding="utf-8")
    low = text.lower()
    for bad in ("<script src", "<link", "@import", "url(http", "url(//"):
        assert bad not in low, bad
    # the only http(s) URLs are the ledger links, as ordinary hrefs
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", text))
    assert urls == {"https://github.com/pytorch/pytorch/issues/1",
                    "https://github.com/pytorch/pytorch/issues/2"}
    for u in urls:
        assert f'href="{u}"' in text
    assert "<img" not in low


def test_html_header_and_counts(report):
    tmp_path, summary = report
    text = write_html(tmp_path, summary).read_text()
    for s in ("refimpl", "torch:cpu", "2.13.0+cpu", "2026-11-22T05:30:00Z", "30.2", "1234"):
        assert s in text
    assert re.search(r'id="count-new">2<', text)
    assert re.search(r'id="count-known">1<', text)
    assert re.search(r'id="count-fixed">1<', text)
    assert re.search(r'id="count-programs">812<', text)
    assert re.search(r'id="count-statements">6,120<', text)
    assert "26.9/s" in text  # 812 / 30.2
    assert "203/s" in text  # 6120 / 30.2


def test_html_anchors_table_and_repros(report):
    tmp_path, summary = report
    text = write_html(tmp_path, summary).read_text()
    table = text[text.index('<table class="matrix"'):text.index("</table>", text.index('<table class="matrix"'))]
    for f in summary["failures"]:
        assert f'id="{f["id"]}"' in text
        assert f'href="#{f["id"]}"' in table
    # rows: every covered op, and ops seen only in failures; a column per property group
    row_ops = re.findall(r'<tr class="op-row" data-op="([^"]+)"', table)
    assert sorted(row_ops) == ["add", "mul", "sum", "view", "zz_only_failing"]
    for group in ("values", "shape", "strides", "offset", "dtype", "aliasing", "version",
                  "errors"):
        assert f'data-group="{group}" scope="col">{group}</th>' in table
    assert 'class="c-new' in table and 'class="c-known' in table
    # repro text present, HTML-escaped
    assert html.unescape(text).count(REPRO_NEW) == 1
    assert str(markupsafe.escape(REPRO_NEW)) in text
    assert "<differ>" not in text
    assert "&lt;differ&gt;" in text
    assert "torch.add(v1, v2) if 1 &lt; 2 else v1" in text
    assert "if 1 < 2 else" not in text
    assert "python repros/f0001.py" in text
    assert "print(v1.sum())" in text
    # missing repro reported, not crashed
    assert "repros/f0003.py is missing" in text
    # known failure shows ledger info; possibly-fixed and target errors listed
    assert "fp reassociation" in text and "L007" in text
    assert "L001" in text and "pairwise summation order" in text
    assert "torch:cuda" in text and "CUDA not available &lt;here&gt;" in text


def test_html_unsafe_link_not_an_href(report):
    tmp_path, summary = report
    summary["failures"][1]["link"] = "javascript:alert(1)"
    text = write_html(tmp_path, summary).read_text()
    assert 'href="javascript:' not in text


def test_html_empty_summary(tmp_path):
    out = write_html(tmp_path, {})
    text = out.read_text()
    assert "No failures" in text
    assert 'id="count-new">0<' in text
    out2 = write_html(tmp_path, {"failures": [], "coverage": {}, "properties": ["values"],
                                 "targets": ["torch:cpu"], "seconds": 0, "programs": 0})
    assert "No failures" in out2.read_text()


def test_html_no_failures_but_coverage(tmp_path):
    s = make_summary()
    s["failures"], s["counts"], s["possibly_fixed"], s["target_errors"] = [], {}, [], []
    text = write_html(tmp_path, s).read_text()
    assert "No failures" in text
    assert 'id="count-new">0<' in text
    assert 'class="c-new' not in text


def test_html_minimal_failure_fields(tmp_path):
    s = {"failures": [{"id": "f0009", "op": "neg", "property": "values", "status": "new"}]}
    text = write_html(tmp_path, s).read_text()
    assert 'id="f0009"' in text and 'href="#f0009"' in text
    assert "no repro script was recorded" in text


def test_junit(report):
    tmp_path, summary = report
    out = write_junit(tmp_path, summary)
    assert out == tmp_path / "junit.xml"
    root = ET.parse(out).getroot()
    assert root.tag == "testsuite" and root.get("name") == "torch-conformance"
    cases = root.findall("testcase")
    failures = root.findall("testcase/failure")
    skipped = root.findall("testcase/skipped")
    errors = root.findall("testcase/error")
    # 3 failures + passing ops (view, sum) + 1 target error
    assert len(cases) == 6
    assert len(failures) == 2 and len(skipped) == 1 and len(errors) == 1
    assert root.get("tests") == "6" and root.get("failures") == "2"
    assert root.get("skipped") == "1" and root.get("errors") == "1"

    by_name = {(c.get("classname"), c.get("name")): c for c in cases}
    add = by_name[("conformance.torch:cpu", "add.strides")]
    assert add.find("failure").get("message") == "oracle (1, 3) != target (3, 1)"
    assert add.find("failure").text == REPRO_NEW
    mul = by_name[("conformance.torch:cpu", "mul.values")]
    assert mul.find("skipped").get("message") == "known: fp reassociation"
    missing = by_name[("conformance.torch:cpu", "zz_only_failing.dtype")]
    assert "missing" in missing.find("failure").text
    passing = sorted(n for (c, n), case in by_name.items() if len(case) == 0)
    assert passing == ["sum", "view"]


def test_junit_empty_and_invalid_chars(tmp_path):
    root = ET.parse(write_junit(tmp_path, {})).getroot()
    assert root.get("tests") == "0" and root.findall("testcase") == []
    (tmp_path / "r.py").write_text("x = '\x00\x1b'\n")
    s = {"coverage": {"add": 1},
         "failures": [{"id": "f1", "op": "add", "property": "values", "status": "new",
                       "detail": "bad\x07", "repro": "r.py", "target": "torch:cpu"}]}
    root = ET.parse(write_junit(tmp_path, s)).getroot()
    assert len(root.findall("testcase")) == 1
    assert len(root.findall("testcase/failure")) == 1


def test_the_api_gap_is_counted_from_the_targets_torch():
    """In a worker (the default) and in process alike: torch's public functions and Tensor
    methods, and which of them refimpl lacks."""
    import torch

    import refimpl
    from conformance.campaign import Campaign, Config
    gaps = [Campaign(Config(examples=3, seed=1, isolate=isolate)).run()["api_gap"]
            for isolate in (True, False)]
    assert gaps[0] == gaps[1]
    gap = gaps[0]
    assert gap["torch_version"] == torch.__version__
    functions, methods = gap["functions"], gap["methods"]
    assert functions["total"] > 300 and 0 < functions["modelled"] < functions["total"]
    assert "add" not in functions["missing"] and not hasattr(refimpl, "stft")
    assert "stft" in functions["missing"] and "stft" in methods["missing"]
    assert "view" not in methods["missing"]


def test_junit_skips_flaky_and_fails_crashes(tmp_path):
    s = {"failures": [
        {"id": "f0001", "op": "exp", "property": "crash", "status": "crash", "target": "t"},
        {"id": "f0002", "op": "add", "property": "values", "status": "flaky", "target": "t"}]}
    suite = ET.parse(write_junit(tmp_path, s)).getroot()
    assert suite.get("failures") == "1" and suite.get("skipped") == "1"


def test_call_spellings_per_op_are_listed(tmp_path):
    s = make_summary()
    s["spellings"] = {"add": {"positional": 3, "out": 1, "malformed:unknown_keyword": 2}}
    text = write_html(tmp_path, s).read_text()
    table = text[text.index('id="spellings"'):]
    row = table[table.index('<td class="mono">add</td>'):]
    row = row[:row.index("</tr>")]
    assert "malformed:unknown_keyword 2" in row and "out 1" in row and "positional 3" in row
