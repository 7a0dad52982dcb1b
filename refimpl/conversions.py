"""Copies and dtype conversions (copy_, to, type, float, int, fill_, zero_, ...)."""
from __future__ import annotations

FUNCTIONS: dict = {}
METHODS: dict = {}
OPERATORS: dict = {}
