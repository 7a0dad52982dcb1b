"""A Program is data: a list of statements over named variables.

It serializes to JSON, executes on any torch-like module, and renders as Python
source that a PyTorch developer can paste into an issue.

Argument values are encoded so the three uses agree:
  {"var": "v1"}                       a live variable
  {"dtype": "float32"}                torch.float32
  {"memory_format": "contiguous_format"}
  {"list": [..encoded..]}             a Python list (e.g. a shape with -1)
  {"tuple": [..encoded..]}            a Python tuple (a shape, or a multi-index)
  {"size": [ints]}                    torch.Size([...])
  {"slice": [start, stop, step]}      a slice (entries may be null)
  {"ellipsis": true}                  ...
  {"attr": ["v1", "grad"]}            an attribute of a live variable: v1.grad
  any JSON scalar / nested list       a Python literal (floats may be nan/inf/-0.0; null is None)

Forms: function `torch.f(a, ...)` (or `torch.autograd.grad(...)`: `call` may be dotted), method
`a.f(...)`, attribute `a.T`, operator `a + b`, augmented `a += b`, getitem `a[index]`, setitem
`a[index] = value`, setitem_augmented `a[index] += value`, setattr `a.grad = value`, and block:
`with torch.no_grad():` (the manager is the function-form call of `call` with args and kwargs)
over the statements of `body`, and call `v1(v0)`: the live object args[0] called with the
rest (a module's forward). An attribute path reading a digit name renders as an index:
{"attr": ["v1", "0", "weight"]} is v1[0].weight (a Sequential's child). A statement with `unpack` = n binds its result's items as
`<target>_0` ... `<target>_{n-1}` too (split, unbind, max(dim), ...).

A statement inside a block is addressed by its path: (3, 1) is statement 1 of the body of
top-level statement 3.
"""
from __future__ import annotations

import dataclasses
import json
import math
import operator
import textwrap
from dataclasses import dataclass, field

# forms a statement can take
FUNCTION, METHOD, OPERATOR, AUGMENTED = "function", "method", "operator", "augmented"
GETITEM, SETITEM, SETITEM_AUGMENTED = "getitem", "setitem", "setitem_augmented"

ATTRIBUTE = "attribute"   # v1.T, v1.mT
SETATTR = "setattr"       # v1.grad = None, v1.data = v2
CALL = "call"             # v2 = v1(v0): a live object called (an nn.Module's forward)
BLOCK = "block"           # with torch.no_grad(): ...

# operator symbol -> (function, how it is written)
OPERATORS = {
    "+": (operator.add, "{0} + {1}"), "-": (operator.sub, "{0} - {1}"),
    "*": (operator.mul, "{0} * {1}"), "/": (operator.truediv, "{0} / {1}"),
    "//": (operator.floordiv, "{0} // {1}"), "%": (operator.mod, "{0} % {1}"),
    "**": (operator.pow, "{0} ** {1}"), "@": (operator.matmul, "{0} @ {1}"),
    "==": (operator.eq, "{0} == {1}"), "!=": (operator.ne, "{0} != {1}"),
    "<": (operator.lt, "{0} < {1}"), "<=": (operator.le, "{0} <= {1}"),
    ">": (operator.gt, "{0} > {1}"), ">=": (operator.ge, "{0} >= {1}"),
    "&": (operator.and_, "{0} & {1}"), "|": (operator.or_, "{0} | {1}"),
    "^": (operator.xor, "{0} ^ {1}"),
    "neg": (operator.neg, "-{0}"), "abs": (abs, "abs({0})"), "~": (operator.invert, "~{0}"),
}
AUGMENTED_FUNCS = {"+=": operator.iadd, "-=": operator.isub, "*=": operator.imul,
                   "/=": operator.itruediv, "//=": operator.ifloordiv, "%=": operator.imod,
                   "**=": operator.ipow, "@=": operator.imatmul, "&=": operator.iand,
                   "|=": operator.ior, "^=": operator.ixor}


@dataclass
class Statement:
    op: str                       # spec op name, e.g. "add", "add_", "view"
    form: str                     # function | method | operator | augmented | ... | block
    args: list = field(default_factory=list)
    kwargs: dict = field(default_factory=dict)
    target: str | None = None     # variable bound to the result (None for in-place)
    call: str | None = None       # name called when it differs from op (e.g. "+")
    creates: bool = False         # a factory call: gets device= on device targets
    unpack: int | None = None     # bind result items as target_0.. (count seen on the oracle)
    spelling: str | None = None   # how the call is written (keywords, out, malformed:...)
    body: list | None = None      # a block's statements

    def to_json(self):
        d = {"op": self.op, "form": self.form, "args": self.args, "kwargs": self.kwargs,
             "target": self.target}
        if self.call:
            d["call"] = self.call
        if self.creates:
            d["creates"] = True
        if self.unpack is not None:
            d["unpack"] = self.unpack
        if self.spelling:
            d["spelling"] = self.spelling
        if self.form == BLOCK:
            d["body"] = [s.to_json() for s in self.body]
        return d

    @classmethod
    def from_json(cls, d):
        body = [cls.from_json(s) for s in d.get("body", [])] if d["form"] == BLOCK else None
        return cls(op=d["op"], form=d["form"], args=list(d.get("args", [])),
                   kwargs=dict(d.get("kwargs", {})), target=d.get("target"),
                   call=d.get("call"), creates=bool(d.get("creates", False)),
                   unpack=d.get("unpack"), spelling=d.get("spelling"), body=body)

    def unpacked_names(self):
        return [f"{self.target}_{i}" for i in range(self.unpack or 0)] if self.target else []

    def own_uses(self):
        """Names of variables this statement's own arguments read (not its body's)."""
        return list(variables_in([self.args, self.kwargs]))

    def uses(self):
        """Names of variables this statement reads (a block: its manager's and its body's)."""
        return [name for _, s in walk([self]) for name in s.own_uses()]

    def defines(self):
        """Names this statement binds (augmented assignment rebinds its first argument; a
        block binds what its body binds)."""
        if self.form == BLOCK:
            return [name for s in self.body for name in s.defines()]
        if self.form == AUGMENTED:
            return [self.args[0]["var"]]
        return ([self.target] if self.target else []) + self.unpacked_names()

    def renamed(self, rename, targets=False):
        """A copy whose arguments read rename(name) for each variable name (and which binds
        rename(target), with targets); the body is left as it is."""
        target = rename(self.target) if targets and self.target else self.target
        return dataclasses.replace(self, args=rename_variables(self.args, rename),
                                   kwargs=rename_variables(self.kwargs, rename), target=target)

    def render(self, module="torch", device_expr=None, after=None):
        """This statement as Python source: one line, two with unpack, an indented `with`
        block for a block. after(statement), if given, returns lines to put after each
        statement that is not a block (inside blocks too)."""
        if self.form == BLOCK:
            body = "\n".join(s.render(module, device_expr, after) for s in self.body) or "pass"
            return self.with_line(module, device_expr) + "\n" + textwrap.indent(body, "    ")
        line = self._render_line(module, device_expr)
        extra = after(self) if after else []
        return "\n".join([line] + list(extra))

    def with_line(self, module="torch", device_expr=None):
        """A block's first line: `with torch.no_grad():`."""
        return f"with {self._call_expr(module, device_expr)}:"

    def _call_expr(self, module, device_expr):
        args = [render_value(a, module) for a in self.args]
        kwargs = [f"{k}={render_value(v, module)}" for k, v in self.kwargs.items()]
        if self.creates and device_expr:
            kwargs.append(f"device={device_expr}")
        return f"{module}.{self.call or self.op}({', '.join(args + kwargs)})"

    def _render_line(self, module, device_expr):
        args = [render_value(a, module) for a in self.args]
        kwargs = [f"{k}={render_value(v, module)}" for k, v in self.kwargs.items()]
        name = self.call or self.op
        if self.form == FUNCTION:
            expr = self._call_expr(module, device_expr)
        elif self.form == METHOD:
            expr = f"{args[0]}.{name}({', '.join(args[1:] + kwargs)})"
        elif self.form == OPERATOR:
            if name == "**" and args[0].startswith("-"):
                args[0] = f"({args[0]})"  # -1 ** v1 would be -(1 ** v1)
            expr = OPERATORS[name][1].format(*args)
        elif self.form == ATTRIBUTE:
            expr = f"{args[0]}.{name}"
        elif self.form == CALL:
            expr = f"{args[0]}({', '.join(args[1:] + kwargs)})"
        elif self.form == AUGMENTED:
            return f"{args[0]} {name} {args[1]}"
        elif self.form == GETITEM:
            expr = f"{args[0]}[{render_index(self.args[1], module)}]"
        elif self.form == SETITEM:
            return f"{args[0]}[{render_index(self.args[1], module)}] = {args[2]}"
        elif self.form == SETITEM_AUGMENTED:
            return f"{args[0]}[{render_index(self.args[1], module)}] {name} {args[2]}"
        elif self.form == SETATTR:
            return f"{args[0]}.{name} = {args[1]}"
        else:
            raise ValueError(f"unknown form {self.form!r}")
        line = f"{self.target} = {expr}" if self.target else expr
        if self.unpack:
            line += f"\n{', '.join(self.unpacked_names())}{',' if self.unpack == 1 else ''} = {self.target}"
        return line


@dataclass
class Program:
    statements: list
    # what the oracle observed at each checkpoint while the generator drew the program
    # (conformance.execution events), or None: run_lockstep then needs no second oracle run
    oracle_events: list | None = field(default=None, compare=False, repr=False)

    def to_json(self):
        return {"statements": [s.to_json() for s in self.statements]}

    def dumps(self):
        return json.dumps(self.to_json())

    @classmethod
    def from_json(cls, d):
        if not isinstance(d, dict) or not isinstance(d.get("statements"), list):
            raise ValueError("a program is a JSON object with a 'statements' list")
        return cls([Statement.from_json(s) for s in d["statements"]])

    @classmethod
    def loads(cls, text):
        return cls.from_json(json.loads(text))

    def render(self, module="torch", device_expr=None):
        return "\n".join(s.render(module, device_expr) for s in self.statements)


# --- statements inside blocks ----------------------------------------------------------------
def walk(statements, prefix=()):
    """(path, statement) for every statement, blocks before their bodies (execution order)."""
    for i, stmt in enumerate(statements):
        path = prefix + (i,)
        yield path, stmt
        if stmt.form == BLOCK:
            yield from walk(stmt.body, path)


def statement_at(statements, path):
    """The statement at path (IndexError if there is none)."""
    stmt = statements[path[0]]
    for i in path[1:]:
        if stmt.form != BLOCK:
            raise IndexError(f"no statement at {path}")
        stmt = stmt.body[i]
    return stmt


def replace_at(statements, path, replacement):
    """A copy of statements with the statement at path replaced by the list replacement
    (blocks on the way are copied, not changed)."""
    i = path[0]
    if len(path) > 1:
        block = statements[i]
        replacement = [dataclasses.replace(block, body=replace_at(block.body, path[1:], replacement))]
    return statements[:i] + list(replacement) + statements[i + 1:]


def truncated(statements, path):
    """The statements up to and including the one at path, in execution order."""
    i = path[0]
    if len(path) == 1:
        return statements[:i + 1]
    block = statements[i]
    return statements[:i] + [dataclasses.replace(block, body=truncated(block.body, path[1:]))]


# --- encoded values ----------------------------------------------------------------------------
def variables_in(v):
    """The variable names an encoded value reads ({"var": n} and {"attr": [n, ...]})."""
    if isinstance(v, dict):
        if "var" in v:
            yield v["var"]
        elif "attr" in v:
            yield v["attr"][0]
        else:
            for x in v.values():
                yield from variables_in(x)
    elif isinstance(v, list):
        for x in v:
            yield from variables_in(x)


def rename_variables(v, rename):
    """The encoded value v reading rename(name) instead of each variable name."""
    if isinstance(v, dict):
        if "var" in v:
            return {"var": rename(v["var"])}
        if "attr" in v:
            return {"attr": [rename(v["attr"][0])] + list(v["attr"][1:])}
        return {k: rename_variables(x, rename) for k, x in v.items()}
    if isinstance(v, list):
        return [rename_variables(x, rename) for x in v]
    return v


def render_value(v, module="torch"):
    if isinstance(v, dict):
        if "var" in v:
            return v["var"]
        if "attr" in v:
            return attribute_path(v["attr"][0], v["attr"][1:])
        if "dtype" in v:
            return f"{module}.{v['dtype']}"
        if "memory_format" in v:
            return f"{module}.{v['memory_format']}"
        if "list" in v:
            return "[" + ", ".join(render_value(x, module) for x in v["list"]) + "]"
        if "tuple" in v:
            items = [render_value(x, module) for x in v["tuple"]]
            return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
        if "slice" in v:
            return "slice(" + ", ".join(render_value(x, module) for x in v["slice"]) + ")"
        if "ellipsis" in v:
            return "..."
        if "size" in v:
            return f"{module}.Size([{', '.join(render_value(x, module) for x in v['size'])}])"
        raise ValueError(f"unknown encoded value {v!r}")
    if isinstance(v, list):
        return "[" + ", ".join(render_value(x, module) for x in v) + "]"
    if isinstance(v, float):
        if math.isnan(v):
            return "float('nan')"
        if math.isinf(v):
            return "float('inf')" if v > 0 else "float('-inf')"
        return repr(v)
    return repr(v)


def attribute_path(base, names):
    """base.a.b as Python source, a digit name as an index (m[0].weight)."""
    return base + "".join(f"[{n}]" if n.isdigit() else f".{n}" for n in names)


def render_index(v, module="torch"):
    """An index as it is written inside brackets: v[1:3, ..., None]."""
    def item(x):
        if isinstance(x, dict) and "slice" in x:
            start, stop, step = (("" if e is None else render_value(e, module)) for e in x["slice"])
            return f"{start}:{stop}" + (f":{step}" if step else "")
        return render_value(x, module)
    if isinstance(v, dict) and "tuple" in v:
        items = [item(x) for x in v["tuple"]]
        if len(items) == 1:
            return items[0] + ","
        return ", ".join(items) if items else "()"
    return item(v)


def decode_value(v, env, module):
    """Encoded value -> the Python object to pass on `module` (variables from env)."""
    if isinstance(v, dict):
        if "var" in v:
            return env[v["var"]]
        if "attr" in v:
            return _getattrs(env[v["attr"][0]], v["attr"][1:])
        if "dtype" in v:
            return getattr(module, v["dtype"])
        if "memory_format" in v:
            return getattr(module, v["memory_format"])
        if "list" in v:
            return [decode_value(x, env, module) for x in v["list"]]
        if "tuple" in v:
            return tuple(decode_value(x, env, module) for x in v["tuple"])
        if "slice" in v:
            return slice(*v["slice"])
        if "ellipsis" in v:
            return Ellipsis
        if "size" in v:
            return module.Size(decode_value(v["size"], env, module))
        raise ValueError(f"unknown encoded value {v!r}")
    if isinstance(v, list):
        return [decode_value(x, env, module) for x in v]
    return v


def _getattrs(obj, names):
    for name in names:
        obj = getattr(obj, name)
    return obj


def function(module, name):
    """module.name, where name may be dotted (autograd.grad)."""
    return _getattrs(module, name.split("."))


def block_manager(stmt, env, module):
    """The context manager a block statement enters: torch.no_grad(), ..."""
    args = [decode_value(a, env, module) for a in stmt.args]
    kwargs = {k: decode_value(v, env, module) for k, v in stmt.kwargs.items()}
    return function(module, stmt.call or stmt.op)(*args, **kwargs)


def execute(stmt: Statement, env: dict, module, device=None):
    """Run one statement on `module`, updating env. Exceptions propagate (out of a block's
    `with`, which they end)."""
    if stmt.form == BLOCK:
        with block_manager(stmt, env, module):
            for inner in stmt.body:
                execute(inner, env, module, device)
        return
    args = [decode_value(a, env, module) for a in stmt.args]
    kwargs = {k: decode_value(v, env, module) for k, v in stmt.kwargs.items()}
    if stmt.creates and device is not None:
        kwargs["device"] = device
    name = stmt.call or stmt.op
    if stmt.form == FUNCTION:
        result = function(module, name)(*args, **kwargs)
    elif stmt.form == METHOD:
        result = getattr(args[0], name)(*args[1:], **kwargs)
    elif stmt.form == OPERATOR:
        result = OPERATORS[name][0](*args)
    elif stmt.form == ATTRIBUTE:
        result = getattr(args[0], name)
    elif stmt.form == CALL:
        result = args[0](*args[1:], **kwargs)
    elif stmt.form == AUGMENTED:
        env[stmt.args[0]["var"]] = AUGMENTED_FUNCS[name](args[0], args[1])
        return
    elif stmt.form == GETITEM:
        result = args[0][args[1]]
    elif stmt.form == SETITEM:
        args[0][args[1]] = args[2]
        return
    elif stmt.form == SETITEM_AUGMENTED:
        obj, index = args[0], args[1]
        obj[index] = AUGMENTED_FUNCS[name](obj[index], args[2])
        return
    elif stmt.form == SETATTR:
        setattr(args[0], name, args[1])
        return
    else:
        raise ValueError(f"unknown form {stmt.form!r}")
    if stmt.target:
        env[stmt.target] = result
        if stmt.unpack is not None:
            for i, item in enumerate(result):
                env[f"{stmt.target}_{i}"] = item
