"""Render a diverging program as a standalone script that imports the target module.

The script replays the statements on the target, then checks the one property that
diverged against what the oracle (refimpl) computed; it exits non-zero (an
AssertionError) while the divergence reproduces and prints a line when it does not.
"""
from __future__ import annotations

import json
import textwrap

from .compare import TOLERANCES, normalize_message
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
}

_HELPERS = '''
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
    if isinstance(expected, float) and expected != expected:
        return isinstance(actual, float) and actual != actual
    if expected == 0 and actual == 0 and isinstance(expected, float) and isinstance(actual, float):
        return str(expected) == str(actual)  # a zero's sign counts: 1 / -0.0 is -inf
    if expected == actual:
        return True
    finite = abs(expected) != float("inf") and abs(actual) != float("inf")
    return finite and abs(expected - actual) <= atol + rtol * abs(expected)


def _storage_groups(names):
    """For each named tensor, the other named tensors sharing its (non-empty) storage."""
    keys = {}
    for name in names:
        s = globals()[name].untyped_storage()
        keys[name] = s.data_ptr() if s.nbytes() else None
    return {n: tuple(sorted(m for m in names if m != n and keys[n] is not None
                            and keys[m] == keys[n])) for n in names}
'''


def oracle_errors(program, oracle):
    env, errors = {}, []
    for stmt in program.statements:
        errors.append(run_statement(stmt, env, oracle))
    return errors


def _py(value):
    """A Python literal for value (NaN and infinities spelled out)."""
    text = json.dumps(value, allow_nan=True)
    return text.replace("NaN", "float('nan')").replace("-Infinity", "float('-inf')") \
        .replace("Infinity", "float('inf')").replace("true", "True").replace("false", "False") \
        .replace("null", "None")


def render(program, divergence, target, errors, torch_version="unknown"):
    """The repro script text."""
    m = divergence.first
    device_expr = "DEVICE" if target.device else None
    last = divergence.index
    lines = []
    for i, stmt in enumerate(program.statements[:last + 1]):
        code = stmt.render("torch", device_expr)
        if i == last:
            lines += ["try:", f"    {code}", "    raised = None",
                      "except Exception as e:  # the statement under test",
                      "    raised = (type(e).__name__, str(e))"]
        elif errors[i] is not None:
            lines += ["try:", f"    {code}",
                      f"except {errors[i][0] if errors[i][0].isidentifier() else 'Exception'}:",
                      f"    pass  # raises on the oracle too: {_oneline(errors[i][1])}"]
        else:
            lines.append(code)
        if i != last and stmt.op in UNINITIALIZED and errors[i] is None:
            lines.append(f"{stmt.target}.untyped_storage().fill_(0)  # as the fuzzer does: "
                         "torch.empty's values are unspecified")
    check = _check_lines(m, divergence)
    header = textwrap.dedent(f'''\
        # torch-conformance repro: {target.spec}  op={divergence.op}  property={m.property}
        # {_oneline(m.detail(), 200)}
        # The oracle (refimpl) and the target disagree after the last statement below.
        # Generated against torch {torch_version}. Exit status 1 while it reproduces.
        import {target.module_name} as torch
        ''')
    if target.device:
        header += f"DEVICE = {target.device!r}\n"
    return header + _HELPERS + "\n" + "\n".join(lines) + "\n\n" + check + "\n"


def _oneline(text, limit=160):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "..."


def _check_lines(m, divergence):
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
    pre = "assert raised is None, f'statement raised {raised!r}'\n"
    if prop == "aliasing":
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
                f"actual = {_PROPERTY_CODE['values'].format(v=v)}\n"
                f"assert _close(expected, actual, {rtol}, {atol}, skip), "
                f"f'values of {v}: expected {{expected}}, got {{actual}}'\n"
                "print('does not reproduce: values agree')")
    code = _PROPERTY_CODE.get(prop, "{v}").format(v=v)
    expected = m.expected
    return (pre + f"expected = {_py(list(expected) if isinstance(expected, tuple) else expected)}\n"
            f"actual = {code}\n"
            "actual = list(actual) if isinstance(actual, tuple) else actual\n"
            f"assert actual == expected, f'{prop} of {v}: expected {{expected}}, got {{actual}}'\n"
            f"print('does not reproduce: {prop} agrees')")
