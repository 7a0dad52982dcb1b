"""The wheel carries everything a plain (non-editable) install needs: every module of
conformance/ and refimpl/, the report templates, every spec file, and the pytest plugin."""
import importlib.util
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# Build outputs and caches that must not leak into the copy that is built.
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", ".tox", ".hypothesis", ".pytest_cache",
                                    "__pycache__", "*.egg-info", "build", "dist", "reports")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """A wheel built from a copy of the checkout (pip builds in the source folder; a copy
    keeps stale build/ files out and leaves the checkout untouched)."""
    tmp = tmp_path_factory.mktemp("wheel")
    shutil.copytree(REPO, tmp / "src", ignore=NOT_SOURCE)
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp / "dist")]
    if importlib.util.find_spec("setuptools") is not None:
        cmd.append("--no-build-isolation")  # build with the setuptools already here: no network
    subprocess.run(cmd + [str(tmp / "src")], check=True, capture_output=True, text=True)
    (path,) = (tmp / "dist").glob("torch_conformance-*.whl")
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _tree(folder, pattern):
    return sorted(p.relative_to(REPO).as_posix() for p in (REPO / folder).rglob(pattern)
                  if p.is_file() and "__pycache__" not in p.parts)


@pytest.mark.parametrize("package", ["conformance", "refimpl"])
def test_every_module_is_in_the_wheel(wheel, package):
    modules = _tree(package, "*.py")
    assert modules
    assert [m for m in modules if m not in wheel] == []


def test_templates_are_in_the_wheel(wheel):
    templates = _tree("conformance/templates", "*")
    assert templates
    assert [t for t in templates if t not in wheel] == []


def test_every_spec_file_is_in_the_wheel(wheel):
    specs = sorted(p.name for p in (REPO / "specs").glob("*.toml"))
    assert "ledger.toml" in specs
    assert [s for s in specs if f"conformance/spec_files/{s}" not in wheel] == []
    assert "conformance/spec_files/__init__.py" in wheel


def test_the_wheel_registers_the_pytest_plugin(wheel):
    (entry_points,) = [n for n in wheel if n.endswith(".dist-info/entry_points.txt")]
    text = wheel[entry_points].decode()
    assert "[pytest11]" in text and "conformance.pytest_plugin" in text


def test_no_tests_or_top_level_specs_in_the_wheel(wheel):
    tops = {name.split("/")[0] for name in wheel if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"conformance", "refimpl"}
