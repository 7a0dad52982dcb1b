"""Seeds 000-003 print grad_fn=<SigmoidBackward>, <MulBackward0>, <MeanBackward1>,
<CloneBackward0>, <CopyBackwards>; torch 2.13's names, for the ops the seeds use
(sigmoid, add, mul, pow, mean, sum, clone, matmul, copy_) and for the layout ops seed 000
lists (narrow, view, expand, transpose, permute, contiguous) and its indexing. name() and
type(grad_fn).__name__ are printed (the object repr would show an address)."""
import torch

m = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
cases = [
    ("sigmoid", lambda: m.sigmoid()),
    ("add", lambda: m + 1),
    ("mul", lambda: m * m),
    ("pow", lambda: m ** 2),
    ("mean", lambda: m.mean()),
    ("mean(dim)", lambda: m.mean(1)),
    ("sum", lambda: m.sum()),
    ("sum(dim)", lambda: m.sum(0)),
    ("clone", lambda: m.clone()),
    ("matmul 2-d", lambda: torch.matmul(m, m.t())),
    ("matmul mv", lambda: torch.matmul(m, torch.ones(3))),
    ("copy_", lambda: torch.zeros(2, 3).copy_(m)),
    ("narrow", lambda: m.narrow(1, 0, 2)),
    ("view", lambda: m.view(3, 2)),
    ("reshape", lambda: m.reshape(6)),
    ("expand", lambda: m[0].expand(2, 3)),
    ("transpose", lambda: m.transpose(0, 1)),
    ("t", lambda: m.t()),
    ("permute", lambda: m.permute(1, 0)),
    ("contiguous (already)", lambda: m.contiguous()),
    ("contiguous (transposed)", lambda: m.t().contiguous()),
    ("int index", lambda: m[0]),
    ("slice", lambda: m[:, 1:]),
    ("long tensor index", lambda: m[torch.tensor([1, 0])]),
    ("bool tensor index", lambda: m[torch.tensor([True, False])]),
    ("detach", lambda: m.detach()),
    ("zero_ on a clone", lambda: m.clone().zero_()),
    ("mul_ on a clone", lambda: m.clone().mul_(2)),
]
for label, make in cases:
    r = make()
    fn = r.grad_fn
    print(label, "->", None if fn is None else (fn.name(), type(fn).__name__), r.requires_grad, r.is_leaf)
print(m.contiguous() is m)
