"""Planted-bug targets: torch-like modules with one deliberate semantic bug each.

Each is a valid `--target` (e.g. `--target tests.planted.view_copies`). The suite runs a
short campaign on each and must report the bug: that is how it tests its own power.
"""
