"""pytest integration: `--target`, hypothesis profiles, and fixtures for the
differential test modules.

Profiles: dev (default locally), ci (default when $CI is set: bounded and
derandomized), nightly (long). Choose with --hypothesis-profile NAME.
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
