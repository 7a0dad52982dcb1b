"""Binary arithmetic, comparison and logical ops (sub, div, pow, maximum, where, ...)."""
from __future__ import annotations

FUNCTIONS: dict = {}
METHODS: dict = {}
OPERATORS: dict = {}
