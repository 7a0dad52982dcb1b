"""Seed 003 (.data section): matmul of a (1, 2) and a (2, 1) float tensor gives MmBackward0,
then a (1, 1) by (1,) product gives MvBackward0 with shape [1], which backward() accepts
(one element). Writing 1 into the intermediate through .data is invisible to autograd:
backward succeeds with a wrong gradient for the second weight. Through detach() the same
write makes backward raise (the intermediate was saved by MvBackward0). requires_grad is
set by attribute assignment, as the seed does."""
import torch


def show(e):
    print(type(e).__name__ + ": " + (str(e).splitlines() or [""])[-1])


row = torch.tensor([[1.0, 2.0]])
col = torch.tensor([[2.0], [1.0]])
scale = torch.tensor([3.0])
col.requires_grad = True
scale.requires_grad = True
print(row.requires_grad, col.requires_grad, scale.requires_grad, col.is_leaf)

mid = torch.matmul(row, col)
print(mid, mid.shape)
alias = mid.data
res = torch.matmul(mid, scale)
print(res, res.shape, res.grad_fn.name())
alias[:] = 1
print(mid, mid._version, alias._version)
res.backward()
print(col.grad)
print(scale.grad)

col.grad = None
scale.grad = None
mid = torch.matmul(row, col)
res = torch.matmul(mid, scale)
cut = mid.detach()
cut[:] = 1
print(mid, mid._version)
try:
    res.backward()
except RuntimeError as e:
    show(e)
print(col.grad, scale.grad)
