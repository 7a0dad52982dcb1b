"""native_batch_norm: the CPU kernel nn.functional.batch_norm (and BatchNorm1d) ends in, and
its backward (NativeBatchNormBackward0).

Ported from aten/src/ATen/native/Normalization.cpp (batch_norm_cpu,
batch_norm_cpu_update_stats_template, batch_norm_cpu_transform_input_template,
batch_norm_backward_cpu_template) and tools/autograd/derivatives.yaml
(native_batch_norm_backward). Channels are dim 1; the statistics are over every other dim.
In training the batch's mean and biased variance normalize the input, the running
statistics (when given) move toward the batch's mean and unbiased variance, written
through their data as the kernel writes them (no version bump, no autograd), and the
batch mean and 1 / sqrt(var + eps) are returned for backward; in evaluation the running
statistics normalize and the two saved outputs are empty.
"""
from __future__ import annotations

import numpy as np

from . import dtypes
from .registry import declare
from .storage import merge_unspecified, to_dtype_array
from .tensor import Tensor


def _channel_shape(input):
    return (1, input._sizes[1]) + (1,) * (input.dim() - 2)


def _reduced_dims(input):
    return (0,) + tuple(range(2, input.dim()))


def _new(values, dtype, undefined=None):
    values = to_dtype_array(np.asarray(values), dtype)
    if undefined is not None:
        undefined = np.broadcast_to(undefined, values.shape)
    return Tensor._from_array(values, dtype, None, undefined)


def _channel_sums(values, dims, dtype, work, wide=None):
    """Per channel (as doubles), the exact sum over dims (a double accumulation, as the
    scalar paths keep: not yet rounded to work), then the sums in the orders a CPU kernel
    may accumulate in work (reductions._orders: forward, backward, 8 or 16 lanes), and
    (given wide: the same terms computed in double) their sum: the kernels take several
    paths (vectorized over channels or over the batch, threaded partial sums, double
    accumulation), so each is a value torch may compute."""
    from .reductions import _exact_sum, _orders
    v64 = np.asarray(values, dtype=np.float64)
    with np.errstate(all="ignore"):
        moved = np.moveaxis(v64.astype(work), dims, tuple(range(len(dims))))
        flat = moved.reshape((-1,) + moved.shape[len(dims):])
        sums = [_exact_sum(v64, dims)]
        sums += [np.asarray(total, dtype=np.float64) for total in _orders(flat, work)]
        if wide is not None:
            sums.append(_exact_sum(np.asarray(wide, dtype=np.float64), dims))
    return sums


def _differs(candidates, dtype):
    """Where any candidate result is not close to the first (within dtype's tolerance,
    NaN equal to NaN): the elements whose value depends on the accumulation order."""
    rtol, atol = dtypes.TOLERANCE[dtype.name]
    base = np.asarray(candidates[0], dtype=np.float64)
    mask = np.zeros(base.shape, dtype=bool)
    with np.errstate(all="ignore"):
        for other in candidates[1:]:
            other = np.asarray(other, dtype=np.float64)
            same = (base == other) | (np.isnan(base) & np.isnan(other)) | (
                np.abs(base - other) <= atol + rtol * np.abs(base))
            mask |= ~same
    return mask if mask.any() else None


@declare("native_batch_norm(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, "
         "Tensor? running_var, bool training, double momentum, double eps)",
         forms="function", multiple_outputs=True, schema="aten::native_batch_norm")
def native_batch_norm(input: Tensor, weight=None, bias=None, running_mean=None, running_var=None,
                      training=False, momentum=0.1, eps=1e-5):
    """(output, save_mean, save_invstd). The statistics are sums over values the kernel
    computes in the input's type, taken in each order a kernel may accumulate in (where the
    orders disagree beyond the dtype's tolerance, the result is unspecified); the output is
    x * alpha + beta per channel, alpha = invstd * weight and beta = bias - mean * alpha
    (batch_norm_cpu_collect_linear_and_constant_terms), fused multiply-adds in the
    parameter type."""
    for name, t in (("running_mean", running_mean), ("running_var", running_var)):
        if t is not None and t.requires_grad:   # autograd's check_no_requires_grad
            raise RuntimeError(f"The function 'native_batch_norm' is not differentiable with "
                               f"respect to argument '{name}'. This input cannot have "
                               "requires_grad True.")
    _check_dtypes(input, weight, bias, running_mean, running_var)
    for t in (running_mean, running_var, weight, bias):   # read through 1-d accessors
        if t is not None and t.dim() != 1:
            raise RuntimeError(f"TensorAccessor expected 1 dims but tensor has {t.dim()}")
    work = _work_type(input)
    x = input._values().astype(work)
    dims, shape = _reduced_dims(input), _channel_shape(input)
    n = input.numel() // input._sizes[1]
    channel = (-1,) + shape[2:]
    w = weight._values().astype(work) if weight is not None else work(1)
    b = bias._values().astype(work) if bias is not None else work(0)

    def normalized(mean, invstd):
        alpha = invstd * w
        beta = _fma(-mean, alpha, b, work)
        return _fma(x, np.reshape(alpha, channel), np.reshape(beta, channel), work)

    def beyond_rounding(out, mean, invstd):
        """Where x * alpha + beta cancels so far that the rounding of its terms exceeds
        the tolerance (a batch of equal values: the output is bias, plus their noise)."""
        alpha = np.reshape(invstd * w, channel)
        beta = np.abs(np.reshape(mean * invstd * w, channel)) + np.abs(np.reshape(b, channel))
        return _rounding_exceeds(out, (np.abs(x * alpha) + beta), input.dtype, work)

    given = _input_masks(input, dims, training)
    if not training:
        mean = running_mean._values().astype(work)
        invstd = work(1) / np.sqrt(running_var._values().astype(work) + work(eps))
        empty = _new(np.zeros(0), _param_dtype(input, weight, bias, running_mean, running_var))
        out = normalized(mean, invstd)
        return (_new(out, input.dtype, merge_unspecified(given, beyond_rounding(out, mean, invstd))),
                empty, empty)
    # every mean the kernel's accumulation orders give, and for each every variance sum
    statistics = []
    for total in _channel_sums(x, dims, input.dtype, work):
        mean = (total / n).astype(work)   # divided before it is rounded
        centered = x - mean.reshape(shape)
        wide = centered.astype(np.float64) ** 2
        for var_sum in _channel_sums(centered * centered, dims, input.dtype, work, wide):
            statistics.append((mean, var_sum))
    with np.errstate(divide="ignore", invalid="ignore"):
        invstds = [(1.0 / np.sqrt(v / n + eps)).astype(work) for _, v in statistics]
        outs = [normalized(m, i) for (m, _), i in zip(statistics, invstds)]
        unbiased = [v / (n - 1) for _, v in statistics]
    mean, var_sum = statistics[0]
    mean_unspecified = _differs([m for m, _ in statistics], input.dtype)
    invstd_unspecified = _differs(invstds, input.dtype)
    if running_mean is not None:
        running_mean._write(momentum * mean.astype(np.float64)
                            + (1 - momentum) * running_mean._values(), mean_unspecified)
    if running_var is not None:
        running_var._write(momentum * unbiased[0] + (1 - momentum) * running_var._values(),
                           _differs(unbiased, input.dtype))
    stats = _param_dtype(input, weight, bias, running_mean, running_var)
    channel_given = _channel_any(input._undefined_mask(), dims)
    out_mask = merge_unspecified(_differs(outs, input.dtype), given,
                                 beyond_rounding(outs[0], mean, invstds[0]))
    return (_new(outs[0], input.dtype, out_mask),
            _new(mean, stats, merge_unspecified(mean_unspecified, channel_given)),
            _new(invstds[0], stats, merge_unspecified(invstd_unspecified, channel_given)))


NUDGE_ULPS = 4   # how far from what refimpl computed an op's float result may be in torch
                 # (a short dot product, rounded in another order: a few ulps)
ROUNDINGS = 4    # the roundings a batch_norm element goes through (bound on its error)


def _rounding_exceeds(result, terms, dtype, work):
    """Where the rounding error of a result computed from terms of these magnitudes (a
    few roundings, each up to an ulp of the largest) exceeds the dtype's tolerance on it."""
    return _beyond(result, np.asarray(terms, dtype=np.float64)
                   * (ROUNDINGS * np.finfo(work).eps), dtype)


def _beyond(result, bound, dtype):
    """Where an error bound on result exceeds the dtype's tolerance on it: a result that
    cancels down to the noise of its terms is unspecified."""
    rtol, atol = dtypes.TOLERANCE[dtype.name]
    with np.errstate(all="ignore"):
        bound = np.asarray(bound, dtype=np.float64)
        result = np.asarray(result, dtype=np.float64)
        # an infinite bound (an infinite weight times a difference that may be 0: then
        # nan, else ±inf) leaves the result unspecified too
        mask = ~np.isfinite(bound) | (bound > atol + rtol * np.abs(result))
        # a zero whose error bound is not: the noise it rounds from has either sign (a half
        # result of -1e-9 is -0.0), and a zero's sign is compared
        mask |= (result == 0) & (bound > 0)
        mask &= ~np.isnan(bound) | ~np.isnan(result)   # nan from nan inputs: specified
    return mask if mask.any() else None


def _channel_any(mask, dims):
    """A per-channel mask: whether any of the channel's elements is marked (None: none)."""
    if mask is None:
        return None
    out = np.asarray(mask).any(axis=dims)
    return out if out.any() else None


def _input_masks(input, dims, training):
    """What an unspecified input element leaves unspecified of the output: its channel in
    training (through the statistics), itself in evaluation."""
    mask = input._undefined_mask()
    if mask is None or not training:
        return mask
    per_channel = _channel_any(mask, dims)
    if per_channel is None:
        return None
    return np.broadcast_to(np.reshape(per_channel, (-1,) + (1,) * (input.dim() - 2)),
                           input._sizes).copy()


def _nudged(x, sign):
    """x with every element NUDGE_ULPS ulps up or down, alternating along each channel's
    elements (the batch and length positions; sign: which way the first goes), so that the
    differences within a channel move too."""
    index = np.indices(x.shape)
    parity = (index[0] + sum(index[2:], np.zeros(x.shape, dtype=int))) % 2
    toward = (np.where(parity == 0, sign, -sign) * np.inf).astype(x.dtype)
    for _ in range(NUDGE_ULPS):
        x = np.nextafter(x, toward)   # in x's own type: its ulp
    return x


def _fma(x, y, z, work):
    """x * y + z rounded once (the kernels are built with FMA contraction), elementwise,
    broadcasting; float32 through double (exact products, one rounding there, one to float:
    twice in rare ties), double exactly."""
    x, y, z = np.broadcast_arrays(x, y, z)
    if work is np.float32:
        return (x.astype(np.float64) * y + z.astype(np.float64)).astype(np.float32)
    from .random import fused_multiply_add
    return np.array([fused_multiply_add(np.array([a]), b, c, np.float64)[0]
                     for a, b, c in zip(x.ravel(), y.ravel(), z.ravel())]).reshape(x.shape)


def _param_dtype(input, *params):
    """The dtype of the statistics and of the parameters' grads: the parameters' (float
    ones with a half or bfloat16 input), else the input's."""
    given = [p for p in params if p is not None]
    return given[0].dtype if given else input.dtype


def _work_type(t):
    """The type the CPU kernel computes elements in: double for double, float otherwise."""
    return np.float64 if t.dtype is dtypes.float64 else np.float32


def _check_dtypes(input, weight, bias, running_mean, running_var):
    """batch_norm_cpu's checks (Normalization.cpp is_mixed_type, check_mixed_data_type):
    the parameters are of mixed type when the first one given is not of the input's dtype;
    then each must be float, and the input half or bfloat16. Otherwise a parameter of
    another dtype fails the kernel's read of it as the input's type."""
    params = [t for t in (weight, bias, running_mean, running_var) if t is not None]
    if not params or params[0].dtype is input.dtype:
        for t in params:
            if t.dtype is not input.dtype:
                raise RuntimeError(f"expected scalar type {input.dtype.legacy_name} but found "
                                   f"{t.dtype.legacy_name}")
        return
    if any(t.dtype is not dtypes.float32 for t in params):
        raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
    if input.dtype not in (dtypes.float16, dtypes.bfloat16):
        raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")


def native_batch_norm_backward(grad, input, weight, running_mean, running_var, save_mean,
                               save_invstd, training, eps):
    """(grad_input, grad_weight, grad_bias) as batch_norm_backward_cpu_template computes
    them: per channel, sum = sum(dy) and dotp = sum((x - mean) * dy); in training
    grad_input = (dy - sum / n - (x - mean) * k) * invstd * w with k = dotp * invstd**2 / n,
    in eval dy * invstd * w, each step in the input's type (batch_norm_kernel.cpp
    batch_norm_cpu_backward_contiguous_impl); grad_weight = dotp * invstd; grad_bias = sum.
    The sums are taken in each order a kernel may accumulate in: elements on which those
    disagree (a cancellation that amplifies the last bits) are unspecified. Computed from
    the values. A create_graph backward, where torch records
    NativeBatchNormBackwardBackward0 (batchnorm_double_backward), raises NotImplementedError:
    not modelled (specs/ledger.toml R-NN-01)."""
    from .autograd.grad_mode import is_grad_enabled
    if is_grad_enabled():   # a create_graph backward: torch records its double backward
        raise NotImplementedError("refimpl models no double backward of batch_norm "
                                  "(NativeBatchNormBackwardBackward0)")
    if input.dim() < 2:   # the kernel reads input.size(0) and input.size(1)
        raise IndexError("Dimension specified as 0 but tensor has no dimensions" if input.dim() == 0
                         else "Dimension out of range (expected to be in range of [-1, 0], but "
                              "got 1)")
    # the parameters as they are now (a module converted since the forward: .double())
    _check_dtypes(input, weight, None, running_mean, running_var)
    work = _work_type(input)
    dims, shape = _reduced_dims(input), _channel_shape(input)
    n = input.numel() // input._sizes[1]
    x, dy = input._values().astype(work), grad._values().astype(work)
    if training:
        mean, invstd = save_mean._values().astype(work), save_invstd._values().astype(work)
    else:
        mean = running_mean._values().astype(work)
        invstd = work(1) / np.sqrt(running_var._values().astype(work) + work(eps))
    w = weight._values().astype(work) if weight is not None else np.ones_like(mean)
    channel = lambda v: np.reshape(v, (-1,) + shape[2:])  # noqa: E731

    def grads(mean, invstd, total, dotp, nudge=None, x=x):
        """The three gradients from the channel statistics, each step in the input's type
        as the vectorized kernel computes it; nudge moves k or grad_mean one ulp."""
        centered = x - mean.reshape(shape)
        if not training:
            return dy * channel(invstd) * channel(w), dotp * invstd, total
        k = dotp.astype(work) * invstd * invstd / work(n)
        grad_mean = np.asarray(total / n).astype(work)   # in double where total is
        if nudge is not None:
            which, direction = nudge
            k = np.nextafter(k, direction) if which == "k" else k
            grad_mean = np.nextafter(grad_mean, direction) if which == "grad_mean" else grad_mean
        grad_input = (dy - channel(grad_mean) - centered * channel(k)) * channel(invstd) \
            * channel(w)
        return grad_input, dotp * invstd, total

    # the candidates: each accumulation order of the two sums, and (in training, where
    # grad_input is a difference that cancels) the channel statistics one ulp either way,
    # as a fused multiply-add or torch's own sum orders in the forward leave them
    centered = x - mean.reshape(shape)
    wide = centered.astype(np.float64) * dy.astype(np.float64)
    # an input with more than one element per channel and sample takes the contiguous
    # kernel, which keeps the two sums in double (sum / N divided there; dotp cast to the
    # input's type for k); otherwise (N, C) is the channels-last kernel's, whose sum and
    # dotp buffers are of the input's type
    keep = np.float64 if input.numel() // (input._sizes[0] * input._sizes[1] or 1) > 1 else work
    with np.errstate(all="ignore"):
        totals = [t.astype(keep) for t in _channel_sums(dy, dims, input.dtype, work)]
        dotps = [d.astype(keep) for d in _channel_sums(centered * dy, dims, input.dtype, work,
                                                        wide)]
        results = [grads(mean, invstd, t, d) for t in totals for d in dotps]
        if training:
            for direction in (-np.inf, np.inf):
                results.append(grads(np.nextafter(mean, direction), invstd, totals[0], dotps[0]))
                results.append(grads(mean, np.nextafter(invstd, direction), totals[0], dotps[0]))
                for which in ("k", "grad_mean"):
                    results.append(grads(mean, invstd, totals[0], dotps[0], (which, direction)))
            # and the input a few ulps away, element by element (what the op before computed,
            # within its tolerance, where a batch of nearly equal values amplifies it)
            for sign in (1, -1):
                nudged = _nudged(x, sign)
                m = (_channel_sums(nudged, dims, input.dtype, work)[0] / n).astype(work)
                c = nudged - m.reshape(shape)
                v = _channel_sums(c * c, dims, input.dtype, work)[0]
                i = (1.0 / np.sqrt(v / n + eps)).astype(work)
                dotp = _channel_sums(c * dy, dims, input.dtype, work)[0].astype(keep)
                results.append(grads(m, i, totals[0], dotp, x=nudged))
    kinds = (input.dtype, _param_dtype(input, weight), _param_dtype(input, weight))
    masks = [_differs([r[i] for r in results], input.dtype) for i in range(3)]
    # error bounds (a few roundings of each term; x - mean rounds relative to |x| and
    # |mean|, not to their difference): a result that cancels to its terms' noise (dotp
    # of a grad constant along the batch: sum(xhat) is 0 up to rounding) is unspecified
    ulp = ROUNDINGS * np.finfo(work).eps
    spread = np.abs(x) + np.abs(mean.reshape(shape))
    with np.errstate(all="ignore"):
        dotp_error = (spread * np.abs(dy)).astype(np.float64).sum(axis=dims) * ulp
        total_error = np.abs(dy).astype(np.float64).sum(axis=dims) * ulp
        scale = np.abs(channel(invstd * w)).astype(np.float64)
        masks[1] = merge_unspecified(masks[1], _beyond(results[0][1], dotp_error * np.abs(invstd),
                                                       input.dtype))
        masks[2] = merge_unspecified(masks[2], _beyond(results[0][2], total_error, input.dtype))
        if training:   # grad_input: its terms' rounding, and the error k inherits from dotp
            k = (dotps[0].astype(work) * invstd * invstd / work(n)).astype(np.float64)
            k_error = dotp_error * np.asarray(invstd, dtype=np.float64) ** 2 / n
            terms = (np.abs(dy) + np.abs(channel(totals[0] / work(n))) + spread * np.abs(channel(k)))
            unscaled = (terms * ulp + spread * channel(k_error) + channel(total_error / n))
            masks[0] = merge_unspecified(masks[0], _beyond(results[0][0], unscaled * scale,
                                                           input.dtype))
            # a zero weight gives ±0: the sign of a difference that is its terms' noise
            if weight is not None and (w == 0).any():
                d = (dy - channel(totals[0] / n).astype(work)
                     - (x - mean.reshape(shape)) * channel(k).astype(work))
                noise = np.abs(d.astype(np.float64)) <= unscaled
                zero_sign = noise & (channel(w) == 0)
                masks[0] = merge_unspecified(masks[0], zero_sign if zero_sign.any() else None)
    # what was unspecified of the incoming grad and the input: their channel's sums, and
    # (in training, through them) the channel's every grad_input
    given = merge_unspecified(grad._undefined_mask(), input._undefined_mask())
    per_channel = _channel_any(given, dims)
    masks[1] = merge_unspecified(masks[1], per_channel)
    masks[2] = merge_unspecified(masks[2], _channel_any(grad._undefined_mask(), dims))
    if training and per_channel is not None:
        masks[0] = merge_unspecified(masks[0], np.broadcast_to(channel(per_channel), x.shape))
    elif given is not None:
        masks[0] = merge_unspecified(masks[0], given)
    return tuple(_new(results[0][i], kinds[i], masks[i]) for i in range(3))


from .autograd.derivatives import derivative  # noqa: E402


def _formula(which):
    index = ("input", "weight", "bias").index(which)
    return (lambda grad, input, weight, running_mean, running_var, result1, result2, training,
            eps: native_batch_norm_backward(grad, input, weight, running_mean, running_var,
                                            result1, result2, training, eps)[index])


# derivatives.yaml saves input, weight, running_mean, running_var (aten's own names: input
# is unpacked first) and the two saved outputs
derivative(native_batch_norm, "NativeBatchNormBackward0", aten_names={},
           input=_formula("input"), weight=_formula("weight"), bias=_formula("bias"))
