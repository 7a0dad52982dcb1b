"""Render a diverging program as a standalone script that imports the target module.

The script replays the statements on the target, then checks the one property that
diverged against what the oracle (refimpl) computed; it exits non-zero (an
AssertionError) while the divergence reproduces and prints a line when it does not.
"""
from __future__ import annotations

import builtins
import json
import textwrap

from .compare import TOLERANCES, normalize_message
from .program import BLOCK, statement_at
from .execution import PROGRAM_SEED, start_program
from .runner import UNINITIALIZED, run_statement

_PROPERTY_CODE = {
    "shape": "tuple({v}.shape)",
    "strides": "tuple({v}.stride())",
    "storage_offset": "{v}.storage_offset()",
    "dtype": "str({v}.dtype).replace('torch.', '')",
    "contiguous": "{v}.is_contiguous()",
    "version": "{v}._version",
    "values": "{v}.detach().cpu().tolist()",
    "value": "{v}",
    "requires_grad": "{v}.requires_grad",
    "is_leaf": "{v}.is_leaf",
    "grad_fn": "None if {v}.grad_fn is None else {v}.grad_fn.name()",
    "next_functions": "None if {v}.grad_fn is None else "
                      "[[None if f is None else f.name(), n] for f, n in {v}.grad_fn.next_functions]",
    "retains_grad": "{v}.retains_grad",
    "is_inference": "{v}.is_inference()",
    "grad": "None if {v}.grad is None else '<tensor>'",
    "grad_enabled": "torch.is_grad_enabled()",
    "inference_mode": "torch.is_inference_mode_enabled()",
}

_HELPER_TEXT = '''
def _close(expected, actual, rtol, atol, skip=None):
    """NaN-aware comparison with tolerance; positions marked in skip are unspecified."""
    if isinstance(expected, list) != isinstance(actual, list):
        return False
    if isinstance(expected, list):
        if len(expected) != len(actual):
            return False
        return all(_close(e, a, rtol, atol, skip[i] if skip else None)
                   for i, (e, a) in enumerate(zip(expected, actual)))
    if skip:
        return True
    if not all(isinstance(x, (int, float)) for x in (expected, actual)):
        return expected == actual  # e.g. a property that could not be observed
    if isinstance(expected, float) and expected != expected:
        return isinstance(actual, float) and actual != actual
    if expected == 0 and actual == 0 and isinstance(expected, float) and isinstance(actual, float):
        return str(expected) == str(actual)  # a zero's sign counts: 1 / -0.0 is -inf
    if expected == actual:
        return True
    finite = abs(expected) != float("inf") and abs(actual) != float("inf")
    return finite and abs(expected - actual) <= atol + rtol * abs(expected)


def _observed(read):
    """read(), or how it failed, written as the fuzzer writes a property it cannot observe."""
    try:
        return read()
    except Exception as e:
        return f"<could not observe: {type(e).__name__}: {e}>"


def _resolve(name):
    """A live variable, or an attribute of one ("v1.grad")."""
    first, *attrs = name.split(".")
    obj = globals()[first]
    for attr in attrs:
        obj = getattr(obj, attr)
    return obj


def _storage_groups(names):
    """For each named tensor, the other named tensors sharing its (non-empty) storage."""
    keys = {}
    for name in names:
        s = _resolve(name).untyped_storage()
        keys[name] = s.data_ptr() if s.nbytes() else None
    return {n: tuple(sorted(m for m in names if m != n and keys[n] is not None
                            and keys[m] == keys[n])) for n in names}
'''


def _split_helpers(text):
    """{name: its def}, in order, of the helper functions a script may need."""
    out = {}
    for chunk in text.strip().split("\n\n\n"):
        name = chunk.split("(", 1)[0].removeprefix("def ")
        out[name] = chunk
    return out


_HELPERS = _split_helpers(_HELPER_TEXT)


def _helpers_for(lines):
    """The helpers the script lines call (and the helpers those call), and nothing else:
    a repro is read, and pasted into upstream issues."""
    used, todo = [], [name for name in _HELPERS if any(name + "(" in ln for ln in lines)]
    while todo:
        name = todo.pop()
        if name not in used:
            used.append(name)
            todo += [n for n in _HELPERS if n != name and n + "(" in _HELPERS[name]]
    chosen = [_HELPERS[n] for n in _HELPERS if n in used]
    return "\n" + "".join(c + "\n\n\n" for c in chosen)


def oracle_errors(program, oracle):
    """What each top-level statement raised on the oracle (a block: what its body raised)."""
    env = {}
    start_program(oracle)
    return [run_statement(stmt, env, oracle) for stmt in program.statements]


def _py(value):
    """A Python literal for value (NaN and infinities spelled out)."""
    text = json.dumps(value, allow_nan=True, default=repr)  # ObservationError: its repr
    return text.replace("NaN", "float('nan')").replace("-Infinity", "float('-inf')") \
        .replace("Infinity", "float('inf')").replace("true", "True").replace("false", "False") \
        .replace("null", "None")


def _fill_uninitialized(stmt):
    """The line after a torch.empty statement: zero its storage, as the runner does."""
    if stmt.op in UNINITIALIZED and stmt.target:
        return [f"{stmt.target}.untyped_storage().fill_(0)  # as the fuzzer does: "
                "torch.empty's values are unspecified"]
    return []


def _indent(text):
    return textwrap.indent(text, "    ")


def _exception_name(name):
    """The name to catch an oracle's exception by: its class if a builtin one, else Exception."""
    return name if isinstance(getattr(builtins, name, None), type) else "Exception"


def render(program, divergence, target, errors, torch_version="unknown"):
    """The repro script text."""
    m = divergence.first
    device_expr = "DEVICE" if target.device else None
    path = divergence.path
    lines = _prefix_lines(program.statements[:path[0]], errors, device_expr)
    focus = statement_at(program.statements, path)
    oracle_raised = divergence.oracle_error or (errors[path[0]] if focus.form == BLOCK else None)
    check = _check_lines(m, divergence, oracle_raised is not None)
    lines += _focus_lines(program.statements, path, device_expr, check)
    header = _header(target, divergence.op, m.property, m.detail(), torch_version,
                     "The oracle (refimpl) and the target disagree after the statement under "
                     "test below.", "Exit status 1 while it reproduces.")
    return header + _helpers_for(lines) + "\n".join(lines) + "\n"


def render_fault(program, fault, target, errors, torch_version="unknown"):
    """The repro script of a crash or a timeout: the statements up to the one the target
    died or hung in, which it runs last."""
    device_expr = "DEVICE" if target.device else None
    index = min(fault.index, len(program.statements) - 1)
    stmt = program.statements[index]
    how = "crashes" if fault.kind == "crash" else "hangs"
    lines = _prefix_lines(program.statements[:index], errors, device_expr)
    lines += [f"# the statement under test: the target {how} here ({_oneline(fault.detail)})",
              "try:", _indent(stmt.render("torch", device_expr, _fill_uninitialized)),
              "except Exception as e:",
              "    print(f'does not reproduce: it raised {type(e).__name__}: {e}')",
              "else:", "    print('does not reproduce: the statement returned')"]
    header = _header(target, stmt.op, fault.kind, fault.detail, torch_version,
                     f"The target {how} in the last statement below.",
                     "It " + ("dies (exit status not 0)" if fault.kind == "crash" else
                              "does not finish") + " while it reproduces.")
    return header + "\n" + "\n".join(lines) + "\n"


def _header(target, op, prop, detail, torch_version, what, status):
    header = textwrap.dedent(f'''\
        # torch-conformance repro: {target.spec}  op={op}  property={prop}
        # {_oneline(detail, 200)}
        # {what}
        # Generated against torch {torch_version}. {status}
        import {target.module_name} as torch
        torch.manual_seed({PROGRAM_SEED})  # the seed every program starts from
        ''')
    if target.device:
        header += f"DEVICE = {target.device!r}\n"
    return header


def _prefix_lines(statements, errors, device_expr):
    """The statements before the one under test, each that raises on the oracle in a try."""
    lines = []
    for i, stmt in enumerate(statements):
        code = stmt.render("torch", device_expr, _fill_uninitialized)
        if errors[i] is not None:
            lines += ["try:", _indent(code), f"except {_exception_name(errors[i][0])}:",
                      f"    pass  # raises on the oracle too: {_oneline(errors[i][1])}"]
        else:
            lines.append(code)
    return lines


def _focus_lines(statements, path, device_expr, check):
    """The statement at path, run in a try that records what it raised, then the check,
    inside the blocks that hold it (after the statements before it in their bodies, which
    raised nothing: an exception would have ended the block)."""
    stmt = statements[path[0]]
    if len(path) == 1:
        code = stmt.render("torch", device_expr, _fill_uninitialized)
        return ["try:", _indent(code), "    raised = None",
                "except Exception as e:  # the statement under test",
                "    raised = (type(e).__name__, str(e))", "", check]
    inner = [s.render("torch", device_expr, _fill_uninitialized) for s in stmt.body[:path[1]]]
    inner += _focus_lines(stmt.body, path[1:], device_expr, check)
    return [stmt.with_line("torch", device_expr), _indent("\n".join(inner))]


def _oneline(text, limit=160):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "..."


def _check_lines(m, divergence, oracle_raised=False):
    prop = m.property
    if prop in ("error", "error_message"):
        expected_error = divergence.oracle_error
        if prop == "error":
            expected = expected_error[0] if expected_error else None
            return (f"expected = {expected!r}  # exception class the oracle raises (None: no error)\n"
                    "actual = raised[0] if raised else None\n"
                    "assert actual == expected, f'error: expected {expected!r}, got {raised!r}'\n"
                    "print('does not reproduce: errors agree')")
        expected = normalize_message(expected_error[1])
        return (f"expected = {expected!r}\n"
                "actual = ' '.join(str(raised[1]).strip().splitlines()[0].split()) if raised else None\n"
                "assert actual == expected, f'error message: expected {expected!r}, got {actual!r}'\n"
                "print('does not reproduce: messages agree')")
    v = m.variable
    if prop.startswith("grad."):  # a property of v's grad: checked on v.grad
        v, prop = f"{v}.grad", prop[len("grad."):]
    # raising on the oracle too (the errors agree), the statement must raise on the target
    pre = "" if oracle_raised else "assert raised is None, f'statement raised {raised!r}'\n"
    if prop == "aliasing" and isinstance(m.expected, tuple):
        names = divergence.tensor_names()
        return (pre + f"expected = {_py(list(m.expected))}  # tensors sharing {v}'s storage\n"
                f"actual = list(_storage_groups({names!r})[{v!r}])\n"
                "assert actual == expected, f'tensors sharing storage with "
                f"{v}: expected {{expected}}, got {{actual}}'\n"
                "print('does not reproduce: aliasing agrees')")
    if prop == "values":
        rtol, atol = TOLERANCES.get(divergence.dtype_of(v), (0.0, 0.0))
        skip = divergence.undefined_of(v)
        return (pre + f"expected = {_py(m.expected)}\n"
                f"skip = {_py(skip)}  # positions whose value is unspecified\n"
                f"actual = _observed(lambda: {_PROPERTY_CODE['values'].format(v=v)})\n"
                f"assert _close(expected, actual, {rtol}, {atol}, skip), "
                f"f'values of {v}: expected {{expected}}, got {{actual}}'\n"
                "print('does not reproduce: values agree')")
    code = _PROPERTY_CODE.get(prop, "{v}").format(v=v)
    expected = m.expected
    who = f"{prop} of {v}" if v else prop
    return (pre + f"expected = {_py(list(expected) if isinstance(expected, tuple) else expected)}\n"
            f"actual = _observed(lambda: {code})\n"
            "actual = list(actual) if isinstance(actual, tuple) else actual\n"
            f"assert actual == expected, f'{who}: expected {{expected}}, got {{actual}}'\n"
            f"print('does not reproduce: {prop} agrees')")
