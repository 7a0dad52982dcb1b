"""Indexing: __getitem__, __setitem__, index_* ops, masked ops, gather/scatter."""
from __future__ import annotations

FUNCTIONS: dict = {}
METHODS: dict = {}
OPERATORS: dict = {}
