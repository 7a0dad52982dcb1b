"""Joining tensors (cat, concat, stack)."""
from __future__ import annotations

FUNCTIONS: dict = {}
METHODS: dict = {}
OPERATORS: dict = {}
