"""Linear algebra (matmul, mm, bmm, mv, dot, outer)."""
from __future__ import annotations

FUNCTIONS: dict = {}
METHODS: dict = {}
OPERATORS: dict = {}
