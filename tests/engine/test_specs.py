"""Spec declarations are checked against torch's own operator schemas, and malformed
specs are refused with a message naming the file and op."""
import re

import pytest
import torch

from conformance.generate import ARG_KINDS
from conformance.specs import SpecError, load_ledger, load_ops

OPS = load_ops(kinds=ARG_KINDS)


def _schema(name):
    ns, _, rest = name.partition("::")
    op_name, _, overload = rest.partition(".")
    packet = getattr(getattr(torch.ops, ns), op_name)
    return getattr(packet, overload or "default")._schema


@pytest.mark.parametrize("op", [o for o in OPS.values() if o.schema and o.schema != "-"],
                         ids=lambda o: o.name)
def test_output_declaration_matches_schema_alias_annotations(op):
    schema = _schema(op.schema)
    first = schema.arguments[0].alias_info
    returned = schema.returns[0].alias_info
    returned_set = set(returned.before_set) if returned is not None else set()
    if returned is not None and not returned_set and isinstance(schema.returns[0].type, torch.ListType):
        # Tensor(a)[] (split, unbind, chunk): the set is on the elements, which Python does
        # not expose; read it from the schema text
        found = re.search(r"-> \(?Tensor\((\w+)\)\[\]", str(schema))
        returned_set = {found.group(1)} if found else set()
    if op.output == "inplace":
        assert first is not None and first.is_write, f"{op.schema}: self is not written"
        assert returned is not None and returned.is_write
    elif op.output in ("view", "maybe_view"):
        assert returned is not None and not returned.is_write, f"{op.schema} returns no alias"
        assert first is not None and set(first.before_set) == returned_set
    else:
        assert returned is None, f"{op.schema} aliases an input but the spec says new"
        assert not any(a.alias_info and a.alias_info.is_write for a in schema.arguments)


def test_every_op_names_a_schema():
    """An aten overload, or "-" for Python-level functions such as torch.tensor."""
    assert [o.name for o in OPS.values() if not o.schema] == []


def test_inplace_variants_point_at_their_op():
    for op in OPS.values():
        if op.inplace_of:
            assert op.output == "inplace" and op.inplace_of in OPS


@pytest.mark.parametrize("text,fragment", [
    ('[[op]]\nname = "no_such_op"\nargs = ["self"]\n', "no op of that name is declared"),
    ('[[op]]\nname = "add"\nargs = ["nonsense"]\n', "unknown argument kind"),
    ('[[op]]\nname = "add"\nargs = ["self"]\noutput = "new"\n', "declared in refimpl"),
    ('[[op]]\nname = "x"\ncall = "add"\nforms = ["method"]\noperator = "<>"\nargs = ["self"]\n',
     "operator"),
    ('[[op]]\nname = "x"\ncall = "add"\nforms = ["telepathy"]\nargs = ["self"]\n', "forms"),
    ('[[op]]\nname = "x"\ncall = "nothing"\nforms = ["method"]\nargs = ["self"]\n',
     "no op of these specs provides"),
    ('[[op]]\nname = "add"\ncolour = 1\n', "unknown key"),
    ('[[op]\n', "invalid TOML"),
])
def test_malformed_specs_are_refused(tmp_path, text, fragment):
    (tmp_path / "bad.toml").write_text(text)
    with pytest.raises(SpecError, match=fragment) as info:
        load_ops(tmp_path, kinds=ARG_KINDS)
    assert "bad.toml" in str(info.value)


def test_ledger_entries_need_a_reason(tmp_path):
    (tmp_path / "ledger.toml").write_text('[[entry]]\nid = "L1"\nop = "add"\nproperty = "values"\n'
                                          'target = "torch:*"\n')
    with pytest.raises(SpecError, match="reason"):
        load_ledger(tmp_path)


def test_bundled_ledger_entries_have_reasons():
    for entry in load_ledger():
        assert entry.reason.strip()


@pytest.mark.parametrize("text, fragment", [
    ('[[entry]]\nid = "L1"\nop = "add"\nproperty = "values"\ntarget = "torch:*"\n'
     'reason = "r"\ncolour = "red"\n', "unknown key 'colour'"),
    ('[[entry]]\nid = "L1"\nop = "add"\nproperty = "valeus"\ntarget = "torch:*"\nreason = "r"\n',
     "names no observed property"),
    ('[[entry]]\nid = "L1"\nop = "nosuchop"\nproperty = "values"\ntarget = "torch:*"\n'
     'reason = "r"\n', "matches no declared op"),
    ('[[entry]]\nid = "L1"\nop = "add"\nproperty = "values"\ntarget = "torch:*"\nreason = "r"\n'
     '\n[[entry]]\nid = "L1"\nop = "mul"\nproperty = "values"\ntarget = "torch:*"\nreason = "r"\n',
     "already used at line 3"),
    ('[[entry]]\nid = "L1"\nop = "add"\nproperty = "values"\ntarget = 3\nreason = "r"\n',
     "target must be a string"),
    ('[[entry]]\nid = "L1"\nop = "add"\n[[entry]\n', "invalid TOML"),
    ('[[ledger]]\nid = "L1"\n', "unknown table"),
])
def test_malformed_ledger_entries_name_file_and_line(tmp_path, text, fragment):
    (tmp_path / "ledger.toml").write_text("# known divergences\n\n" + text)
    with pytest.raises(SpecError, match=fragment) as info:
        load_ledger(tmp_path, ops=["add", "mul"])
    message = str(info.value)
    assert str(tmp_path / "ledger.toml") in message
    if "invalid TOML" not in message and "unknown table" not in message:
        line = 3 if "already" not in fragment else 10
        assert f"ledger.toml:{line}:" in message


def test_ledger_ops_are_what_campaigns_generate():
    """Every op a campaign statement carries is declared or a known statement op, so the
    ledger's op check refuses only names no run can produce."""
    import random

    from conformance.autograd_statements import STATEMENT_OPS
    from conformance.generate import RandomChooser, generate
    from conformance.module_statements import STATEMENT_OPS as MODULE_OPS
    from conformance.program import walk
    from conformance.targets import parse_target
    ops = load_ops(kinds=ARG_KINDS)
    rng, oracle = random.Random(3), parse_target("refimpl")
    seen = set()
    for _ in range(400):
        program = generate(ops, RandomChooser(rng), oracle, autograd=0.5, modules=0.5)
        seen.update(s.op for _, s in walk(program.statements))
    assert seen - set(ops) - set(STATEMENT_OPS) - set(MODULE_OPS) == set()
    # and the lists name nothing that is never drawn
    assert set(STATEMENT_OPS) | set(MODULE_OPS) <= seen


def test_fuzz_with_a_malformed_ledger_exits_2(tmp_path, python, repo_env):
    import shutil
    import subprocess
    from conformance.specs import SPEC_DIR
    specs = tmp_path / "specs"
    shutil.copytree(SPEC_DIR, specs)
    with open(specs / "ledger.toml", "a") as f:
        f.write('\n[[entry]]\nid = "L-X"\nop = "add"\nproperty = "value"\ntarget = "torch:*"\n')
    r = subprocess.run([python, "-m", "conformance", "fuzz", "--specs", str(specs),
                        "--examples", "3", "--report", str(tmp_path / "r")],
                       capture_output=True, text=True, env=repo_env, timeout=120)
    assert r.returncode == 2 and "ledger.toml:" in r.stderr and "lacks reason" in r.stderr
    assert "Traceback" not in r.stderr


def test_a_ledger_detail_matches_only_its_own_case():
    """L-SHAPE-01 (as_strided's negative size next to a zero one) names its divergence's
    detail: another error divergence of as_strided is not taken for it."""
    from conformance.program import Program, Statement
    from conformance.runner import run_lockstep
    from conformance.specs import known_entry
    from conformance.targets import parse_target
    oracle, torch_cpu = parse_target("refimpl"), parse_target("torch:cpu")
    ledger = load_ledger()

    def divergence(size, stride):
        program = Program([
            Statement(op="zeros", form="function", args=[4], target="v0", creates=True),
            Statement(op="as_strided", form="method",
                      args=[{"var": "v0"}, {"tuple": size}, {"tuple": stride}], target="v1")])
        return run_lockstep(program, oracle, torch_cpu)[0]
    own = divergence([0, -2], [1, 2])
    assert own is not None and known_entry(ledger, torch_cpu, own).id == "L-SHAPE-01"
    other = divergence([0, -2], [1, 2])
    other.mismatches[0].expected = "RuntimeError"  # an error divergence of another kind
    assert known_entry(ledger, torch_cpu, other) is None
