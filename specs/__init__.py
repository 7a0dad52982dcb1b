"""The op declarations (*.toml) and ledger.toml, as data.

This folder is installed as the package `conformance.spec_files` (see pyproject.toml and
setup.py) so that a wheel carries the specs and `conformance.specs` finds them with
importlib.resources; this file only makes it a regular package. Nothing imports code here.
"""
