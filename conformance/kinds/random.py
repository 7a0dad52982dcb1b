"""Argument kinds of the ops that draw random numbers (specs/random.toml): generators,
bounds and probabilities, valid most of the time, invalid on purpose some of the time."""
from __future__ import annotations

from ..program import FUNCTION, METHOD, Statement
from .base import OMIT, Splat, _as_shape_arg, _invalid, _shape

FLOAT_DTYPES = ["float32", "float32", "float64", "float16", "bfloat16"]
GENERATOR_P = 0.15   # calls given generator= (a torch.Generator of the program's own)
SEEDS = [0, 1, 7, 42, 2**32 + 3]


def generator_names(gen):
    """The live torch.Generator variables."""
    cls = getattr(gen.oracle.module, "Generator", None)
    return [n for n, v in gen.env.items() if cls is not None and isinstance(v, cls)]


def new_generator(gen, seed=None):
    """Add `vN = torch.Generator()` (and `vN.manual_seed(seed)`, given a seed): a CPU
    generator (a factory given the target's device would make one of that device, whose
    stream no oracle models)."""
    stmt = gen.add_statement(Statement(op="Generator", form=FUNCTION, args=[],
                                       target=gen.new_var()))
    if seed is not None:
        gen.add_statement(Statement(op="generator_manual_seed", form=METHOD, call="manual_seed",
                                    args=[{"var": stmt.target}, seed]))
    return {"var": stmt.target}


def k_generator(ctx):
    """Mostly none (the default generator); else a live generator or a new one."""
    c = ctx.c
    if not c.boolean(GENERATOR_P):
        return OMIT
    names = generator_names(ctx.gen)
    if names and c.boolean(0.6):
        return {"var": c.choice(names)}
    return new_generator(ctx.gen, c.choice(SEEDS) if c.boolean(0.7) else None)


def k_float_dtype(ctx):
    """A float dtype, or none (the default); an integer one on purpose some of the time."""
    c = ctx.c
    if _invalid(ctx):
        return {"dtype": c.choice(["int64", "int32", "bool"])}
    return OMIT if c.boolean(0.5) else {"dtype": c.choice(FLOAT_DTYPES)}


def k_random_size(ctx):
    """A shape of up to 64 elements (some past 16, where normal_ fills in blocks)."""
    c = ctx.c
    sizes = [c.choice([16, 17, 20, 33])] if c.boolean(0.2) else _shape(c, max_numel=64)
    if _invalid(ctx):
        sizes = sizes + [-1]
    return _as_shape_arg(ctx, sizes)


def k_randint_args(ctx):
    """high, size or low, high, size; now and then a range of more than 32 bits."""
    c = ctx.c
    low = c.integer(-10, 10)
    high = low + (c.choice([1, 2, 3, 10, 100]) if not c.boolean(0.1) else 2**33)
    if _invalid(ctx):
        high = low - c.integer(0, 2)
    size = {"tuple": _shape(c, max_numel=24)}
    if c.boolean(0.4) and low < high and high > 0:
        return Splat([high, size])
    return Splat([low, high, size])


def k_randint_dtype(ctx):
    c = ctx.c
    if c.boolean(0.6):
        return OMIT
    return {"dtype": c.choice(["int64", "int32", "int16", "int8", "uint8", "float32", "float64",
                               "bool"])}


def k_randperm_n(ctx):
    c = ctx.c
    return -1 if _invalid(ctx) else c.choice([0, 1, 2, 3, 5, 8, 12, 30])


def k_uniform_bounds(ctx):
    """from, to (from <= to; from > to on purpose), or none (0, 1)."""
    c = ctx.c
    if c.boolean(0.4):
        return OMIT
    a, b = sorted([c.integer(-8, 8) / 4.0, c.integer(-8, 8) / 4.0])
    if _invalid(ctx):
        a, b = b + 1.0, a
    return Splat([a, b] if c.boolean(0.7) else [a])


def k_normal_params(ctx):
    """mean, std (std < 0 on purpose), or none (0, 1)."""
    c = ctx.c
    if c.boolean(0.4):
        return OMIT
    mean, std = c.integer(-8, 8) / 4.0, c.choice([0.0, 0.5, 1.0, 2.0, 3.5])
    if _invalid(ctx):
        std = -1.0
    return Splat([mean, std] if c.boolean(0.7) else [mean])


def k_probability(ctx):
    """bernoulli_'s p: a float in [0, 1], a tensor of them (fresh, or any live tensor,
    whose values may be out of range), or none (0.5); out of range on purpose."""
    c = ctx.c
    choice = c.integer(0, 9)
    if _invalid(ctx):
        return c.choice([1.5, -0.25])
    if choice <= 2:
        return OMIT
    if choice <= 6:
        return c.choice([0.0, 0.1, 0.5, 0.9, 1.0])
    if choice <= 8:
        sizes = list(ctx.self_t.shape)[-c.integer(0, ctx.self_t.dim()):] if ctx.self_t.dim() else []
        return ctx.gen.add_setup("rand", [{"tuple": sizes}], {})
    return {"var": ctx.gen.pick_tensor()}


def k_probabilities(ctx):
    """torch.bernoulli's input: mostly a fresh torch.rand tensor, else any live tensor."""
    c = ctx.c
    if c.boolean(0.6):
        ref = ctx.gen.add_setup("rand", [{"tuple": _shape(c, max_numel=24)}],
                                {} if c.boolean(0.7) else {"dtype": {"dtype": "float64"}})
        ctx.self_name = ref["var"]
        return ref
    ctx.self_name = ctx.gen.pick_tensor()
    return {"var": ctx.self_name}


def k_bernoulli_p(ctx):
    """torch.bernoulli's optional float p."""
    c = ctx.c
    if c.boolean(0.7):
        return OMIT
    return c.choice([1.5]) if _invalid(ctx) else c.choice([0.0, 0.3, 0.5, 1.0])
