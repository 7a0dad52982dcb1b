"""pytest integration: `--target`, hypothesis profiles, and fixtures for the
differential test modules.

Profiles: dev (default locally), ci (default when $CI is set: bounded and
derandomized), nightly (long). Choose with --hypothesis-profile NAME.

--shared-database DIR (repeatable, or $CONFORMANCE_SHARED_DATABASE, paths separated by
os.pathsep) adds read-only example databases to the profile's: failures another runner
saved replay here, and nothing here writes there. Under pytest-xdist every worker shares
the local directory database, which hypothesis writes one file per example (safe for
concurrent writers); the tests themselves write only under tmp_path.
"""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from .generate import ARG_KINDS
from .specs import load_ledger, load_ops
from .targets import TargetError, parse_target

_COMMON = dict(deadline=None, print_blob=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                      HealthCheck.filter_too_much])
settings.register_profile("dev", max_examples=25, **_COMMON)
settings.register_profile("ci", max_examples=12, derandomize=True, database=None, **_COMMON)
settings.register_profile("nightly", max_examples=2000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


def pytest_addoption(parser):
    group = parser.getgroup("conformance")
    group.addoption("--target", action="append", default=None, metavar="MODULE[:DEVICE]",
                    help="target(s) for the differential tests (default: torch:cpu)")
    group.addoption("--shared-database", action="append", default=None, metavar="DIR",
                    help="a read-only hypothesis example database replayed with the "
                         "profile's own (repeatable)")


@pytest.hookimpl(trylast=True)  # after hypothesis's own plugin has loaded the profile
def pytest_configure(config):
    shared = config.getoption("shared_database") or [
        p for p in os.environ.get("CONFORMANCE_SHARED_DATABASE", "").split(os.pathsep) if p]
    if shared:
        from .hypothesis_engine import combined_database
        current = settings()
        settings.register_profile("conformance-shared", parent=current,
                                  database=combined_database(current.database, shared))
        settings.load_profile("conformance-shared")


def pytest_generate_tests(metafunc):
    if "target" in metafunc.fixturenames:
        specs = metafunc.config.getoption("target") or ["torch:cpu"]
        metafunc.parametrize("target", specs, indirect=True, scope="session")


@pytest.fixture(scope="session")
def target(request):
    """The parsed target; a missing module or device skips with the reason."""
    try:
        return parse_target(request.param)
    except TargetError as e:
        pytest.skip(str(e))


@pytest.fixture(scope="session")
def oracle():
    return parse_target("refimpl")


@pytest.fixture(scope="session")
def ops():
    return load_ops(kinds=ARG_KINDS)


@pytest.fixture(scope="session")
def ledger():
    return load_ledger()
