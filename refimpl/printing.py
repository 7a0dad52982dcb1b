"""PyTorch's default tensor print format, in plain Python.

Ported from ``torch/_tensor_str.py`` (the ``_Formatter`` class,
``_tensor_str``, ``_tensor_str_with_formatter``, ``get_summarized_data``,
``_add_suffixes`` and ``_str_intern``), restricted to what a dense, real,
strided tensor needs, with torch's default print options; and the repr of the
named tuples in ``torch.return_types`` (``torch/csrc/utils/structseq.cpp``).

``repr(t)`` and ``str(t)`` are identical in torch; ``tensor_repr`` produces
that string from any object offering:

* ``shape`` -- tuple of ints
* ``dtype`` -- object with ``.name`` (e.g. ``"float32"``) and
  ``.is_floating_point``
* ``tolist()`` -- nested Python lists (a bare scalar for 0-dim)
* ``requires_grad``, ``is_leaf``, ``grad_fn`` (None or object with ``.name()``)
* optionally ``device_str`` (e.g. ``"cpu"``, ``"cuda:0"``)

and from the caller the name of the default float dtype (torch.get_default_dtype()
at print time), which decides which float dtype prints without a ``dtype=`` suffix.

This module deliberately imports neither torch nor numpy.
"""

import collections
import math

# torch's default print options (torch._tensor_str.PRINT_OPTS).
PRECISION = 4
THRESHOLD = 1000
EDGEITEMS = 3
LINEWIDTH = 80

PREFIX = "tensor("


# --------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------

def tensor_repr(t, default_dtype="float32") -> str:
    """Return exactly what ``repr(torch_tensor)`` would print for ``t`` while
    torch.get_default_dtype() is the dtype named ``default_dtype``."""
    shape = tuple(int(n) for n in t.shape)
    dtype_name = t.dtype.name
    indent = len(PREFIX)

    suffixes = _device_suffixes(t)
    if _numel(shape) == 0:
        body = "[]"
        suffixes += _empty_tensor_suffixes(shape, dtype_name, default_dtype)
    else:
        # a ZeroTensor prints as zeros, though its tolist() fails (not part of the protocol)
        zero = getattr(t, "_is_zerotensor", lambda: False)()
        values = t.detach().clone() if zero else t
        body = _tensor_body(values.tolist(), len(shape), bool(t.dtype.is_floating_point),
                            _numel(shape), indent)
        # _str_intern's has_default_dtype: the default float dtype, int64 and bool
        if dtype_name not in (default_dtype, "int64", "bool"):
            suffixes.append(_dtype_suffix(dtype_name))
    suffixes += _autograd_suffixes(t)
    return _add_suffixes(PREFIX + body, suffixes, indent)


# --------------------------------------------------------------------------
# Suffixes: device=, size=, dtype=, grad_fn= / requires_grad=
# --------------------------------------------------------------------------

def _numel(shape):
    count = 1
    for n in shape:
        count *= n
    return count


def _dtype_suffix(dtype_name):
    return "dtype=torch." + dtype_name


def _device_suffixes(t):
    device = getattr(t, "device_str", "cpu") or "cpu"
    if device == "cpu":
        return []
    return ["device='" + device + "'"]


def _empty_tensor_suffixes(shape, dtype_name, default_dtype):
    """An empty tensor shows its size unless it is 1-d, and its dtype unless
    it is the default float dtype (there are no elements to infer it from,
    so even int64 and bool are spelled out)."""
    suffixes = []
    if len(shape) != 1:
        suffixes.append("size=" + str(shape))
    if dtype_name != default_dtype:
        suffixes.append(_dtype_suffix(dtype_name))
    return suffixes


def _grad_fn_name(grad_fn):
    name = grad_fn.name() if callable(getattr(grad_fn, "name", None)) else None
    if not name:
        name = type(grad_fn).__name__
    # torch strips the C++ namespace of CppFunction nodes ("ns::FooBackward").
    return name.rsplit("::", 1)[-1]


def _autograd_suffixes(t):
    grad_fn = getattr(t, "grad_fn", None)
    if grad_fn is not None:
        return ["grad_fn=<" + _grad_fn_name(grad_fn) + ">"]
    if getattr(t, "requires_grad", False):
        return ["requires_grad=True"]
    return []


def _add_suffixes(text, suffixes, indent):
    """Append ``, suffix`` items and the closing paren, wrapping a suffix onto
    its own indented line when the current line would exceed LINEWIDTH."""
    parts = [text]
    # torch's off-by-some line length: with no newline rfind() is -1, so the
    # first line counts as len(text) + 2.
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > LINEWIDTH:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


# --------------------------------------------------------------------------
# Element formatting (torch's _Formatter)
# --------------------------------------------------------------------------

def _is_finite(value):
    return not (math.isinf(value) or math.isnan(value))


class _ElementFormatter:
    """Decides one common width and style for every element of a tensor.

    Floats use one of three styles: integer style (``1.``) when every finite
    non-zero value is integral, scientific (``1.0000e+08``) when magnitudes
    span too wide a range or are very large/small, else fixed (``1.2346``).
    """

    def __init__(self, values, is_floating):
        self.is_floating = is_floating
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        if is_floating:
            self._measure_floats(values)
        else:
            self.max_width = max([1] + [len(str(v)) for v in values])

    def _measure_floats(self, values):
        nonzero_finite = [v for v in values if _is_finite(v) and v != 0]
        if not nonzero_finite:
            return
        magnitudes = [abs(v) for v in nonzero_finite]
        smallest, largest = min(magnitudes), max(magnitudes)
        self.int_mode = all(v == math.ceil(v) for v in nonzero_finite)
        self.sci_mode = largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4
        self.max_width = max(self._measured_width(v) for v in nonzero_finite)

    def _measured_width(self, value):
        if self.sci_mode:
            return len(_sci(value))
        if self.int_mode:
            # room for the trailing "." that marks the tensor as floating
            return len(f"{value:.0f}") + 1
        return len(_fixed(value))

    def width(self):
        return self.max_width

    def format(self, value):
        return self._unpadded(value).rjust(self.max_width)

    def _unpadded(self, value):
        if not self.is_floating:
            return str(value)
        if self.sci_mode:
            return _sci(value)
        if self.int_mode:
            text = f"{value:.0f}"
            return text + "." if _is_finite(value) else text
        return _fixed(value)


def _sci(value):
    return f"{value:.{PRECISION}e}"


def _fixed(value):
    return f"{value:.{PRECISION}f}"


# --------------------------------------------------------------------------
# Summarization (torch's get_summarized_data): only the edge items count
# --------------------------------------------------------------------------

def _edge_items(items):
    """The items actually shown along a summarized dimension."""
    if len(items) > 2 * EDGEITEMS:
        return items[:EDGEITEMS] + items[-EDGEITEMS:]
    return items


def _flatten(nested, ndim, summarize):
    """All scalars of a nested list, or only the shown ones if summarized."""
    if ndim == 0:
        return [nested]
    rows = _edge_items(nested) if summarize else nested
    if ndim == 1:
        return list(rows)
    flat = []
    for row in rows:
        flat.extend(_flatten(row, ndim - 1, summarize))
    return flat


# --------------------------------------------------------------------------
# Layout: nested brackets, "..." rows and line wrapping
# --------------------------------------------------------------------------

def _tensor_body(nested, ndim, is_floating, numel, indent):
    summarize = numel > THRESHOLD
    formatter = _ElementFormatter(_flatten(nested, ndim, summarize), is_floating)
    return _format_nested(nested, ndim, indent, summarize, formatter)


def _format_nested(nested, ndim, indent, summarize, formatter):
    if ndim == 0:
        return formatter.format(nested)
    if ndim == 1:
        return _format_vector(nested, indent, summarize, formatter)
    return _format_matrix(nested, ndim, indent, summarize, formatter)


def _format_matrix(rows, ndim, indent, summarize, formatter):
    """A >=2-d tensor: sub-tensors separated by a comma, ndim-1 newlines and
    an indent; a summarized dimension shows a bare ``...`` row."""
    def sub(row):
        return _format_nested(row, ndim - 1, indent + 1, summarize, formatter)

    if summarize and len(rows) > 2 * EDGEITEMS:
        pieces = ([sub(r) for r in rows[:EDGEITEMS]] + ["..."]
                  + [sub(r) for r in rows[-EDGEITEMS:]])
    else:
        pieces = [sub(r) for r in rows]
    separator = "," + "\n" * (ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(pieces) + "]"


def _format_vector(values, indent, summarize, formatter):
    """A 1-d run of elements, wrapped so each line fits LINEWIDTH."""
    if summarize and len(values) > 2 * EDGEITEMS:
        cells = ([formatter.format(v) for v in values[:EDGEITEMS]] + [" ..."]
                 + [formatter.format(v) for v in values[-EDGEITEMS:]])
    else:
        cells = [formatter.format(v) for v in values]
    per_line = _elements_per_line(formatter.width(), indent)
    lines = [", ".join(cells[i:i + per_line]) for i in range(0, len(cells), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _elements_per_line(element_width, indent):
    # each element is followed by ", "
    return max(1, math.floor((LINEWIDTH - indent) / (element_width + 2)))


# --------------------------------------------------------------------------
# torch.return_types: named tuples with torch's structseq repr
# --------------------------------------------------------------------------

def return_type(name, fields):
    """A named tuple type like ``torch.return_types.<name>`` (what max(dim) and
    friends return): a tuple with named fields whose repr (and str) is
    returned_structseq_repr's, one ``field=repr(value)`` per line::

        torch.return_types.max(
        values=tensor([3., 4.]),
        indices=tensor([1, 1]))
    """
    base = collections.namedtuple(name, fields)

    def __repr__(self):
        items = ",\n".join(f"{field}={value!r}" for field, value in zip(self._fields, self))
        return f"torch.return_types.{name}(\n{items})"

    return type(name, (base,), {"__slots__": (), "__repr__": __repr__, "__str__": __repr__})
