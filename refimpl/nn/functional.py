"""torch.nn.functional: linear, relu, dropout, batch_norm, composed from refimpl's ops.

Follows torch/nn/functional.py for the Python-level checks and the CPU algorithms of
aten/src/ATen/native/Linear.cpp (linear), Dropout.cpp (_dropout_impl) and
Normalization.cpp (batch_norm, batch_norm_cpu, batch_norm_cpu_update_stats_template).
linear ends in addmm (refimpl/linalg.py) for a 2-d input with a bias, batch_norm in
native_batch_norm (refimpl/normalization.py), so their graphs have torch's nodes.
"""
from __future__ import annotations

import math

import refimpl

from ..linalg import addmm
from ..normalization import native_batch_norm


# --- linear --------------------------------------------------------------------------------
def _flatten_nd_linear(input, weight, bias):
    """The batch dims flattened into one for addmm, then viewed back."""
    sizes = input.shape
    flat = input.reshape(math.prod(sizes[:-1]), sizes[-1])
    result = addmm(bias, flat, weight.t())
    return result.view(*sizes[:-1], result.size(1))


def linear(input, weight, bias=None):
    """input @ weight.T + bias (Linear.cpp linear): addmm for a 2-d input with a bias,
    flattened to 2-d and back for any other contiguous input with a bias that is 1-d
    (squeezed) and contiguous, else matmul and an in-place add."""
    if input.dim() == 0 or weight.dim() == 0:
        raise RuntimeError("both arguments to linear need to be at least 1D, but they are "
                           f"{input.dim()}D and {weight.dim()}D")
    if input.dim() == 2 and bias is not None:
        return addmm(bias, input, weight.t())
    fusable = bias is not None and (bias.dim() == 1 or bias.squeeze().dim() == 1) \
        and bias.is_contiguous()
    if fusable and input.is_contiguous():
        return _flatten_nd_linear(input, weight, bias)
    output = input.matmul(weight.t())
    if bias is not None:
        output.add_(bias)
    return output


# --- relu ------------------------------------------------------------------------------------
def relu(input, inplace=False):
    return input.relu_() if inplace else input.relu()


def relu_(input):
    return input.relu_()


# --- dropout ---------------------------------------------------------------------------------
def _check_probability(p, error):
    if not (0 <= p <= 1):   # NaN fails it too
        raise error(f"dropout probability has to be between 0 and 1, but got {p}")


def _dropout_impl(input, p, train, inplace):
    """_dropout_impl (Dropout.cpp), the CPU path: the input itself when nothing is dropped;
    input * 0 when everything is; else input * (bernoulli(1 - p) / (1 - p))."""
    _check_probability(p, RuntimeError)
    if p == 0 or not train or input.numel() == 0:
        return input
    if p == 1:
        zero = refimpl.zeros((), dtype=input.dtype)
        return input.mul_(zero) if inplace else input.mul(zero)
    noise = refimpl.empty_like(input)
    noise.bernoulli_(1 - p)
    noise.div_(1 - p)
    return input.mul_(noise) if inplace else input.mul(noise)


def dropout(input, p=0.5, training=True, inplace=False):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    return _dropout_impl(input, p, training, inplace)


# --- batch_norm ------------------------------------------------------------------------------
def _verify_batch_size(size):
    if size[0] * math.prod(size[2:]) == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                         f"{size}")


def _check_features(name, expected, tensor):
    if tensor.numel() != expected:
        raise RuntimeError(f"{name} should contain {expected} elements not {tensor.numel()}")


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Normalize each channel (dim 1) by its batch statistics (training) or the running
    ones, then scale by weight and shift by bias; in training the running statistics are
    updated in place."""
    if training:
        _verify_batch_size(input.size())
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    if eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    num_features = input.size(1)
    if input.numel() == 0:   # _batch_norm_impl_index: no statistics to take
        out = input.clone()
        if weight is not None:
            out = out * weight[0]
        if bias is not None:
            out = out + bias[0]
        return out
    for name, tensor in (("running_mean", running_mean), ("running_var", running_var)):
        if tensor is not None:
            _check_features(name, num_features, tensor)
        elif not training:
            raise RuntimeError(f"{name} must be defined in evaluation mode")
    for name, tensor in (("weight", weight), ("bias", bias)):
        if tensor is not None:
            _check_features(name, num_features, tensor)
    return native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum,
                             eps)[0]
