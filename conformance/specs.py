"""Load the op declarations and the ledger of known divergences from specs/*.toml."""
from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .devices import device_type


def _bundled_spec_dir() -> Path:
    """The top-level specs/ folder, installed as the package conformance.spec_files
    (pyproject.toml), so editable and wheel installs alike find it. A checkout imported
    without being installed (its folder first on sys.path) uses its own specs/."""
    try:
        return Path(resources.files("conformance.spec_files"))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "specs"


SPEC_DIR = _bundled_spec_dir()
FORMS = {"function", "method", "attribute", "operator", "augmented", "getitem", "setitem",
         "setitem_augmented"}


class SpecError(Exception):
    """A malformed spec file, reported with the file and op it concerns."""


@dataclass(frozen=True)
class OpSpec:
    """One callable variant the generator draws: derived from its refimpl declaration
    (forms, output, schema, operator, in-place twin) and its spec entry (argument kinds)."""
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
    family: str = ""
    params: tuple = ()         # positional argument names (argument kinds read them by name)


KINDS = ("implementation-defined", "pytorch", "refimpl")   # what a ledger entry is


@dataclass(frozen=True)
class LedgerEntry:
    id: str
    op: str
    property: str
    target: str
    reason: str
    link: str | None = None
    dtype: str | None = None
    detail: str | None = None   # a glob the divergence's detail must match ("error: oracle
                                # 'NotImplementedError' != target None"), so the entry
                                # matches its own case, not every divergence of the property
    device: str | None = None   # a glob over the target's device type (cpu, cuda, meta)
    oracle_error: str | None = None  # a glob over what the oracle raised ("Type: message")
    kind: str = "implementation-defined"  # or "pytorch" (a PyTorch finding), "refimpl" (a gap)
    repro: str | None = None    # a PyTorch finding's standalone script, in specs/findings/

    def _op_matches(self, op):
        return _any_glob(op, self.op)

    def _target_matches(self, target):
        """target: a target spec, MODULE[:DEVICE][@PYTHON]."""
        device = target.partition("@")[0].partition(":")[2]
        return fnmatch.fnmatch(target, self.target) and (
            self.device is None or fnmatch.fnmatch(device_type(device or None), self.device))

    def covers(self, target, op):
        """Whether a run of op on target exercised this entry's condition."""
        return self._op_matches(op) and self._target_matches(target)

    def matches(self, target, op, prop, dtype=None, detail=None, oracle_error=None):
        return (self._op_matches(op) and _any_glob(prop, self.property)
                and self._target_matches(target)
                and (self.dtype is None or (dtype is not None and fnmatch.fnmatch(dtype, self.dtype)))
                and (self.detail is None
                     or (detail is not None and fnmatch.fnmatchcase(detail, self.detail)))
                and (self.oracle_error is None
                     or (oracle_error is not None
                         and fnmatch.fnmatchcase(oracle_error, self.oracle_error))))


def _any_glob(name, globs):
    """Whether name matches one of a comma-separated list of globs ("add_,mul_*")."""
    return any(fnmatch.fnmatch(name, g.strip()) for g in globs.split(","))


def _read(path):
    try:
        return tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as e:  # its message names the line and column
        raise SpecError(f"{path}: invalid TOML: {e}") from None


ENTRY_KEYS = {"name", "args", "kwargs", "call", "forms", "operator"}


def load_ops(spec_dir: Path = SPEC_DIR, kinds=None) -> dict:
    """Every op variant refimpl declares and specs/*.toml says how to draw, by name.

    A spec entry names a declared op family (`name`) and its argument kinds (`args`,
    `kwargs`); the in-place twin and aliases of the family use the same kinds (which see
    `ctx.inplace` and draw, say, an operand that broadcasts to self). An entry with `call`
    is an extra recipe for a declared variant (e.g. pow with a Python number first),
    with its own `forms`.
    """
    from refimpl.registry import DECLARATIONS, variants
    if kinds is None:
        from .kinds import ARG_KINDS as kinds
    entries, recipes = {}, []
    for path in sorted(spec_dir.glob("*.toml")):
        if path.name == "ledger.toml":
            continue
        for raw in _read(path).get("op", []):
            _check_entry(raw, path.name, kinds, DECLARATIONS)
            if raw["name"] in entries or any(r[0]["name"] == raw["name"] for r in recipes):
                raise SpecError(f"{path.name}: op {raw['name']!r} declared twice")
            if raw.get("call"):
                recipes.append((raw, path.name))
            else:
                entries[raw["name"]] = (raw, path.name)
    if not entries and not recipes:
        raise SpecError(f"no ops declared in {spec_dir}")
    by_impl = {}
    for name, d in DECLARATIONS.items():
        if name in entries:
            by_impl.setdefault(id(d.impl), name)
    ops = {}
    for v in variants():
        family = v.family if v.family in entries else by_impl.get(id(DECLARATIONS[v.family].impl))
        if family is None:
            continue  # declared in refimpl, not fuzzed (see `python -m conformance ops`)
        raw, source = entries[family]
        args, kw = tuple(raw.get("args", ())), dict(raw.get("kwargs", {}))
        ops[v.name] = OpSpec(name=v.name, forms=v.forms, args=args, kwargs=kw, output=v.output,
                             operator=v.operator, creates=v.creates,
                             inplace_of=v.family if v.inplace_twin else None, schema=v.schema,
                             multiple_outputs=v.multiple_outputs, source=source, family=v.family,
                             params=DECLARATIONS[v.family].positional_names)
    for raw, source in recipes:
        forms = tuple(raw.get("forms", ()))
        if not forms or not set(forms) <= FORMS:
            raise SpecError(f"{source}: op {raw['name']!r}: forms must be a non-empty subset of "
                            f"{sorted(FORMS)}")
        base = ops.get(raw["call"])
        if base is None:
            raise SpecError(f"{source}: op {raw['name']!r} calls {raw['call']!r}, which no "
                            f"op of these specs provides")
        ops[raw["name"]] = OpSpec(name=raw["name"], forms=forms, args=tuple(raw.get("args", ())),
                                  kwargs=dict(raw.get("kwargs", {})), output=base.output,
                                  operator=raw.get("operator", base.operator),
                                  creates=base.creates, schema=base.schema, call=raw["call"],
                                  multiple_outputs=base.multiple_outputs, source=source,
                                  family=base.family, params=base.params)
    return ops


def _check_entry(raw, source, kinds, declarations):
    if not isinstance(raw.get("name"), str):
        raise SpecError(f"{source}: every [[op]] needs a string 'name'")
    where = f"{source}: op {raw['name']!r}"
    extra = set(raw) - ENTRY_KEYS
    if extra:
        raise SpecError(f"{where}: unknown key(s) {sorted(extra)} (forms, output, schema and the "
                        f"in-place twin are declared in refimpl with @declare)")
    if not raw.get("call") and raw["name"] not in declarations:
        raise SpecError(f"{where}: no op of that name is declared in refimpl")
    args, kwargs = raw.get("args", []), raw.get("kwargs", {})
    if not isinstance(args, list) or not isinstance(kwargs, dict):
        raise SpecError(f"{where}: args must be a list and kwargs a table of argument kinds")
    unknown = [k for k in list(args) + list(kwargs.values()) if k not in kinds]
    if unknown:
        raise SpecError(f"{where}: unknown argument kind(s) {unknown}")
    symbol = raw.get("operator")
    from .program import AUGMENTED_FUNCS, OPERATORS
    if symbol is not None and symbol not in OPERATORS and symbol not in AUGMENTED_FUNCS:
        raise SpecError(f"{where}: unknown operator {symbol!r}")


LEDGER_KEYS = ("id", "op", "property", "target", "reason")
LEDGER_OPTIONAL = ("link", "dtype", "detail", "device", "oracle_error", "kind", "repro")


def load_ledger(spec_dir: Path = SPEC_DIR, ops=None) -> list:
    """The known-divergence entries of spec_dir/ledger.toml, each checked: its keys, that
    its property glob names an observed property, its op glob a declared op (when `ops`,
    the declared names, is given), its id unique. SpecError with file, line and reason."""
    from .observe import ALL_PROPERTIES
    path = spec_dir / "ledger.toml"
    if not path.exists():
        return []
    text = path.read_text()
    lines = [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == "[[entry]]"]
    data = _read(path)
    unknown_tables = sorted(set(data) - {"entry"})
    if unknown_tables:
        raise SpecError(f"{path}: unknown table {unknown_tables[0]!r} (entries are [[entry]])")
    properties = ALL_PROPERTIES + ("crash", "timeout")
    entries, seen = [], {}
    for i, raw in enumerate(data.get("entry", [])):
        where = f"{path}:{lines[i] if i < len(lines) else '?'}"
        missing = [k for k in LEDGER_KEYS if not raw.get(k)]
        if missing:
            raise SpecError(f"{where}: entry {raw.get('id', '?')!r} lacks {', '.join(missing)}")
        extra = sorted(set(raw) - set(LEDGER_KEYS) - set(LEDGER_OPTIONAL))
        if extra:
            raise SpecError(f"{where}: entry {raw['id']!r}: unknown key {extra[0]!r} (known: "
                            f"{', '.join(LEDGER_KEYS + LEDGER_OPTIONAL)})")
        bad = [k for k, v in raw.items() if not isinstance(v, str)]
        if bad:
            raise SpecError(f"{where}: entry {raw['id']!r}: {bad[0]} must be a string")
        if raw["id"] in seen:
            raise SpecError(f"{where}: entry id {raw['id']!r} already used at line {seen[raw['id']]}")
        seen[raw["id"]] = lines[i] if i < len(lines) else "?"
        for glob in raw["property"].split(","):
            if not fnmatch.filter(properties, glob.strip()):
                raise SpecError(f"{where}: entry {raw['id']!r}: property {glob.strip()!r} "
                                "names no observed property")
        for glob in raw["op"].split(","):
            if ops is not None and not fnmatch.filter(list(ops), glob.strip()):
                raise SpecError(f"{where}: entry {raw['id']!r}: op {glob.strip()!r} matches no "
                                "declared op")
        if raw.get("kind", KINDS[0]) not in KINDS:
            raise SpecError(f"{where}: entry {raw['id']!r}: kind {raw['kind']!r} is not one of "
                            f"{', '.join(KINDS)}")
        if raw.get("repro") and not (spec_dir / raw["repro"]).is_file():
            raise SpecError(f"{where}: entry {raw['id']!r}: repro {raw['repro']!r} is not a file "
                            f"in {spec_dir}")
        entries.append(LedgerEntry(**{k: raw[k] for k in LEDGER_KEYS + LEDGER_OPTIONAL
                                      if k in raw}))
    return entries


def known_entry(ledger, target, divergence):
    """The ledger entry a divergence (conformance.runner.Divergence) of target is a case
    of, or None."""
    m = divergence.first
    dtype = divergence.dtype_of(m.variable) if m.variable else None
    from .compare import normalize_message
    raised = divergence.oracle_error
    oracle_error = f"{raised[0]}: {normalize_message(raised[1])}" if raised else None
    return next((e for e in ledger
                 if e.matches(target.spec, divergence.op, m.property, dtype, m.detail(),
                              oracle_error)), None)


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
