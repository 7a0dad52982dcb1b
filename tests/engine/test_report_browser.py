"""The report of a real campaign, opened in a real headless Chromium (Debian's package)
driven by Playwright: it renders, the filter works, a failure opens, the page logs no
console error and makes no request, and markup from a target's error text shows as text.

The campaign: three planted targets (a wrong sigmoid gradient: new failures; exp
segfaulting: a crash; neg raising an error whose text is HTML), and a ledger with one
extra entry, so that a divergence is known. Skipped, with the reason, where Playwright or
Chromium is not installed (`.ci/run` installs both)."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed "
                                 "(pip install playwright; .ci/run installs it)")


def _chromium():
    for name in (os.environ.get("CONFORMANCE_CHROMIUM"), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (Debian: "
                                "apt-get install chromium; or set $CONFORMANCE_CHROMIUM)")
ROOT = Path(__file__).resolve().parents[2]
TARGETS = ["tests.planted.sigmoid_grad_scaled", "tests.planted.crashes_on_exp",
           "tests.planted.markup_in_errors"]
KNOWN = '''
[[entry]]
id = "L-TEST-01"
op = "sigmoid"
property = "error_message"
target = "tests.planted.*"
reason = "the planted wrapper is a Python function: its TypeError for a missing argument is Python's"
'''


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    base = tmp_path_factory.mktemp("browser")
    specs = base / "specs"
    shutil.copytree(ROOT / "specs", specs)
    with open(specs / "ledger.toml", "a", encoding="utf-8") as f:
        f.write(KNOWN)
    out = base / "r"
    cmd = [sys.executable, "-m", "conformance", "fuzz", "--ops", "exp,sigmoid,neg,add,sum",
           "--examples", "150", "--seed", "5", "--specs", str(specs), "--report", str(out),
           "--no-progress"]
    for t in TARGETS:
        cmd += ["--target", t]
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 1, run.stdout + run.stderr
    return out


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


@pytest.fixture
def page(browser, report):
    """The report's page, with what it logged and requested."""
    page = browser.new_page()
    page.problems, page.requests = [], []
    page.on("console", lambda m: m.type in ("error", "warning") and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    index = (report / "index.html").as_uri()
    page.on("request", lambda r: r.url.split("#")[0] != index and page.requests.append(r.url))
    page.goto(index)
    yield page
    page.close()


def _visible_ops(page):
    return page.eval_on_selector_all(
        "tr.op-row", "rows => rows.filter(r => !r.hidden && r.offsetParent !== null)"
                     ".map(r => r.dataset.op)")


def test_it_renders_what_the_campaign_found(page):
    assert int(page.inner_text("#count-new")) >= 1
    assert int(page.inner_text("#count-crash")) == 1
    assert int(page.inner_text("#count-known")) >= 1
    for t in TARGETS:
        assert page.locator(f"#targets td:first-child:text-is('{t}')").count() == 1
    assert page.locator("#section-crash + details.failure").count() == 1
    assert "sigmoid" in _visible_ops(page)
    assert page.problems == [] and page.requests == []


def test_the_filter_narrows_the_matrix(page):
    everything = _visible_ops(page)
    page.fill("#f-op", "sigm")
    shown = _visible_ops(page)
    assert shown and all("sigm" in op for op in shown) and len(shown) < len(everything)
    assert page.inner_text("#f-count").startswith(f"{len(shown)} of {len(everything)}")
    page.fill("#f-op", "")
    page.select_option("#f-status", "crash")
    assert _visible_ops(page) == ["exp"]
    page.select_option("#f-status", "")
    page.select_option("#f-target", TARGETS[0])
    columns = "ths => ths.filter(th => !th.hidden).map(th => th.dataset.target + '/' + th.dataset.group)"
    shown = page.eval_on_selector_all("#matrix-table thead th[data-group]", columns)
    assert shown and {c.split("/")[0] for c in shown} == {TARGETS[0]}
    cells = page.eval_on_selector_all(
        "tr.op-row", "rows => rows.map(r => [...r.cells].slice(2).filter(c => !c.hidden).length)")
    assert set(cells) == {len(shown)}
    page.select_option("#f-group", "autograd")
    shown = page.eval_on_selector_all("#matrix-table thead th[data-group]", columns)
    assert shown == [f"{TARGETS[0]}/autograd"]
    assert page.problems == []


def test_a_failure_opens_from_the_matrix(page):
    link = page.locator("td.c-new a.pill").first
    fid = link.inner_text()
    assert not page.eval_on_selector(f"details[id='{fid}']", "d => d.open")
    link.click()
    assert page.eval_on_selector(f"details[id='{fid}']", "d => d.open")
    failure = page.locator(f"details[id='{fid}']")
    assert failure.locator("table.mismatches").is_visible()
    assert failure.locator("pre mark").count() >= 1          # the statement under test
    assert "python repros/" in failure.inner_text()
    failure.locator("button.copy").click()
    assert page.problems == [] and page.requests == []


def test_markup_in_a_target_error_shows_as_text(page):
    assert page.evaluate("window.__injected") is None
    assert page.locator("details.failure img").count() == 0
    neg = page.locator("details.failure[data-op='neg']").first
    neg.locator("summary").click()
    raised = neg.locator("code.raised").all_inner_texts()
    assert any("<b>bold</b> <script>window.__injected = 1</script>" in r for r in raised), raised
    assert page.problems == [] and page.requests == []
