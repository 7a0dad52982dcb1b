"""Seeds 002 and 001: .data gives the same memory as the tensor but a separate version
counter, so an in-place change through it (zero_) is not seen by autograd's version check:
backward runs without error and silently gives a wrong gradient (sigmoid's saved result is
now zero, so the gradient is zero)."""
import torch

a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
out = a.sigmoid()
raw = out.data
print(raw)
print(raw.requires_grad, raw.grad_fn, raw.is_leaf, raw.data_ptr() == out.data_ptr())
raw.zero_()
print(raw)
print(out)
print(raw._version, out._version)
out.sum().backward()
print(a.grad)
