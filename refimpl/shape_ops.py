"""More view and layout ops (view_as, squeeze, unsqueeze, flatten, select, split, ...)."""
from __future__ import annotations

FUNCTIONS: dict = {}
METHODS: dict = {}
OPERATORS: dict = {}
