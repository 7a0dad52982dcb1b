"""Seeds 001 and 003: in-place operations on a leaf that requires grad (a parameter) are
refused while grad mode is on, also through a view of it; under torch.no_grad() they are
allowed, bump the version and keep it a leaf; writing through .data is always allowed."""
import torch


def show(e):
    print(type(e).__name__ + ": " + (str(e).splitlines() or [""])[-1])


weight = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
for label, change in [("add_", lambda: weight.add_(1)),
                      ("zero_", lambda: weight.zero_()),
                      ("+=", lambda: weight.__iadd__(1)),
                      ("setitem", lambda: weight.__setitem__(0, 5.0)),
                      ("view mul_", lambda: weight[1:].mul_(2))]:
    try:
        change()
    except RuntimeError as e:
        print(label, end=": ")
        show(e)
print(weight, weight._version)
with torch.no_grad():
    weight.add_(1)
    weight[0] = 10.0
print(weight, weight._version, weight.is_leaf, weight.grad_fn, weight.requires_grad)
weight.data.mul_(2)
print(weight, weight._version)
