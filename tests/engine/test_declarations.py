"""refimpl's op declarations against the torch they model: every declared signature list
must be the one torch's own argument parser holds (as it prints it), and the aten schema
named must exist. Checked for every declared function and method where torch prints its
overloads (a call with far too many arguments matches none of them)."""
import pytest

torch = pytest.importorskip("torch")

from refimpl.argparse import Parser  # noqa: E402
from refimpl.registry import DECLARATIONS, FUNCTION, METHOD, renamed  # noqa: E402

TOO_MANY = [object()] * 20


def _torch_listing(fn, receiver=()):
    """The overloads torch's parser prints for fn, or None where it prints one
    signature's own error (a single overload, or a Python-level function)."""
    try:
        fn(*receiver, *TOO_MANY)
    except TypeError as e:
        text = str(e)
        if "but expected" not in text:
            return None
        body = text.split("but expected", 1)[1]
        if "one of:" in body:
            return [line.strip()[2:] for line in body.splitlines()[1:] if line.strip().startswith("*")]
        return [body.strip()]
    return None


def _cases():
    for d in DECLARATIONS.values():
        if not d.parsed:
            continue
        for name in (d.name,) + d.aliases:
            if FUNCTION in d.forms:
                yield pytest.param(d, name, False, id=f"torch.{name}")
            if METHOD in d.forms:
                yield pytest.param(d, name, True, id=f"Tensor.{name}")


@pytest.mark.parametrize("decl,name,method", list(_cases()))
def test_signatures_are_torchs(decl, name, method):
    fn = getattr(torch.Tensor, name) if method else getattr(torch, name)
    theirs = _torch_listing(fn, (torch.ones(2),) if method else ())
    sigs = decl.method_signatures if method else decl.signatures
    ours = Parser([renamed(s, name) for s in sigs], method=method).options()
    if theirs is None:
        # torch printed one signature's error: ours must be a single signature too
        assert len(ours) == 1, f"torch has one {name} signature, refimpl declares {ours}"
        pytest.skip("torch prints no listing for a single signature")
    assert ours == theirs


def test_every_fuzzed_op_is_declared():
    from conformance.specs import load_ops
    families = {o.family for o in load_ops().values()}
    assert families <= set(DECLARATIONS)


def test_declared_schemas_exist():
    missing = []
    for d in DECLARATIONS.values():
        if d.schema and d.schema != "-":
            op, _, overload = d.schema[len("aten::"):].partition(".")
            packet = getattr(torch.ops.aten, op, None)
            if packet is None or (overload and overload not in packet.overloads()):
                missing.append(d.schema)
    assert missing == []
