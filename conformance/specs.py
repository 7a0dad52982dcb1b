"""Load the op declarations and the ledger of known divergences from specs/*.toml."""
from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

SPEC_DIR = Path(__file__).resolve().parent.parent / "specs"
FORMS = {"function", "method", "attribute", "operator", "augmented", "getitem", "setitem",
         "setitem_augmented"}
OUTPUTS = {"new", "view", "inplace", "maybe_view"}


class SpecError(Exception):
    """A malformed spec file, reported with the file and op it concerns."""


@dataclass(frozen=True)
class OpSpec:
    name: str
    forms: tuple
    args: tuple
    kwargs: dict = field(default_factory=dict)
    output: str = "new"
    operator: str | None = None
    creates: bool = False
    inplace_of: str | None = None
    schema: str | None = None
    call: str | None = None
    multiple_outputs: bool = False
    source: str = ""


@dataclass(frozen=True)
class LedgerEntry:
    id: str
    op: str
    property: str
    target: str
    reason: str
    link: str | None = None
    dtype: str | None = None

    def covers(self, target, op):
        """Whether a run of op on target exercised this entry's condition."""
        return fnmatch.fnmatch(op, self.op) and fnmatch.fnmatch(target, self.target)

    def matches(self, target, op, prop, dtype=None):
        return (fnmatch.fnmatch(op, self.op) and fnmatch.fnmatch(prop, self.property)
                and fnmatch.fnmatch(target, self.target)
                and (self.dtype is None or (dtype is not None and fnmatch.fnmatch(dtype, self.dtype))))


def _read(path):
    try:
        return tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as e:
        raise SpecError(f"{path.name}: invalid TOML: {e}") from None


def load_ops(spec_dir: Path = SPEC_DIR, kinds=None) -> dict:
    """All ops declared in spec_dir (except the ledger), validated."""
    ops = {}
    for path in sorted(spec_dir.glob("*.toml")):
        if path.name == "ledger.toml":
            continue
        for raw in _read(path).get("op", []):
            op = _parse_op(raw, path.name, kinds)
            if op.name in ops:
                raise SpecError(f"{path.name}: op {op.name!r} declared twice")
            ops[op.name] = op
    if not ops:
        raise SpecError(f"no ops declared in {spec_dir}")
    return ops


def _parse_op(raw, source, kinds):
    where = f"{source}: op {raw.get('name', '?')!r}"
    if not isinstance(raw.get("name"), str):
        raise SpecError(f"{source}: every [[op]] needs a string 'name'")
    forms = tuple(raw.get("forms", ()))
    if not forms or not set(forms) <= FORMS:
        raise SpecError(f"{where}: forms must be a non-empty subset of {sorted(FORMS)}, got {forms}")
    if ({"operator", "augmented", "setitem_augmented"} & set(forms)) and not raw.get("operator"):
        raise SpecError(f"{where}: operator/augmented forms need 'operator'")
    from .program import AUGMENTED_FUNCS, OPERATORS
    symbol = raw.get("operator")
    if symbol is not None and symbol not in OPERATORS and symbol not in AUGMENTED_FUNCS:
        raise SpecError(f"{where}: unknown operator {symbol!r}")
    output = raw.get("output", "new")
    if output not in OUTPUTS:
        raise SpecError(f"{where}: output must be one of {sorted(OUTPUTS)}, got {output!r}")
    args = tuple(raw.get("args", ()))
    kwargs = dict(raw.get("kwargs", {}))
    if kinds is not None:
        unknown = [k for k in list(args) + list(kwargs.values()) if k not in kinds]
        if unknown:
            raise SpecError(f"{where}: unknown argument kind(s) {unknown}")
    known = {"name", "forms", "args", "kwargs", "output", "operator", "creates", "inplace_of",
             "schema", "call", "multiple_outputs"}
    extra = set(raw) - known
    if extra:
        raise SpecError(f"{where}: unknown key(s) {sorted(extra)}")
    return OpSpec(name=raw["name"], forms=forms, args=args, kwargs=kwargs, output=output,
                  operator=raw.get("operator"), creates=bool(raw.get("creates", False)),
                  inplace_of=raw.get("inplace_of"), schema=raw.get("schema"),
                  call=raw.get("call"), multiple_outputs=bool(raw.get("multiple_outputs", False)),
                  source=source)


def load_ledger(spec_dir: Path = SPEC_DIR) -> list:
    path = spec_dir / "ledger.toml"
    if not path.exists():
        return []
    entries = []
    for raw in _read(path).get("entry", []):
        missing = [k for k in ("id", "op", "property", "target", "reason") if not raw.get(k)]
        if missing:
            raise SpecError(f"ledger.toml: entry {raw.get('id', '?')!r} lacks {missing}")
        entries.append(LedgerEntry(id=raw["id"], op=raw["op"], property=raw["property"],
                                   target=raw["target"], reason=raw["reason"],
                                   link=raw.get("link"), dtype=raw.get("dtype")))
    return entries


def select_ops(ops: dict, pattern: str | None) -> dict:
    """--ops PATTERN: comma-separated globs over op names. Factory ops are always kept
    (programs need tensors to start from) but only the matched ones are reported."""
    if not pattern:
        return dict(ops)
    globs = [p.strip() for p in pattern.split(",") if p.strip()]
    chosen = {n: o for n, o in ops.items() if any(fnmatch.fnmatch(n, g) for g in globs)}
    if not chosen:
        raise SpecError(f"--ops {pattern!r} matches no declared op (known: {', '.join(sorted(ops))})")
    return chosen
