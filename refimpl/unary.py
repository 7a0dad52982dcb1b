"""Unary math ops (abs, log, sqrt, tanh, floor, round, isnan, nan_to_num, ...)."""
from __future__ import annotations

FUNCTIONS: dict = {}
METHODS: dict = {}
OPERATORS: dict = {}
