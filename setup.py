"""Only the package list lives here; everything else is in pyproject.toml.

The spec files stay in the top-level specs/ folder and ship inside the package as
`conformance.spec_files` (the package-dir mapping in pyproject.toml). pyproject's
`packages.find` cannot name a package mapped from another folder, so the found packages
and that one are listed together here.
"""
from setuptools import find_packages, setup

setup(packages=find_packages(include=["refimpl*", "conformance*"]) + ["conformance.spec_files"])
