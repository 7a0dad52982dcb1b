"""Seed 001 (the worked example): a (2, 2) input times a 0-dim weight plus a 0-dim bias,
then mean(). The input does not require grad, so its .grad is None; the weight's gradient
is the mean of the input and the bias's is 1; the intermediates are not leaves and keep no
.grad. Their grad_fn are MulBackward0, AddBackward0 and MeanBackward0 (the seed's
MeanBackward1 is the name of mean(dim)). With requires_grad on the input it becomes a
leaf whose gradient is weight / 4 everywhere."""
import torch
import warnings

for input_grad in (False, True):
    x = torch.tensor([[2.0, 4.0], [6.0, 8.0]], requires_grad=input_grad)
    k = torch.tensor(0.5, requires_grad=True)
    b = torch.tensor(-1.0, requires_grad=True)
    scaled = x * k
    shifted = scaled + b
    loss = shifted.mean()
    print(loss)
    loss.backward()
    print(x.grad)
    print(k.grad, b.grad, k.grad.shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        print(scaled.grad, shifted.grad, loss.grad)
    print(scaled.grad_fn.name(), shifted.grad_fn.name(), loss.grad_fn.name())
    print(x.is_leaf, scaled.is_leaf, shifted.is_leaf, loss.is_leaf)
    print(x.mean(1).grad_fn.name() if input_grad else x.mean(1).grad_fn)
