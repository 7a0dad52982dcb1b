"""Seeds 000, 002 and 003: detach() returns a new tensor on the same memory (same
data_ptr, a write through one is seen by the other) that does not require grad and has
no grad_fn (a leaf); seed 002's source note: it shares the version counter."""
import torch

src = torch.tensor([4.0, 5.0, 6.0], requires_grad=True)
act = src * 2
cut = act.detach()
print(cut)
print(cut.requires_grad, cut.grad_fn, cut.is_leaf, cut.grad, cut is act)
print(cut.data_ptr() == act.data_ptr())
print(cut.untyped_storage().data_ptr() == act.untyped_storage().data_ptr())
print(cut.shape, cut.stride(), cut.dtype)
print(cut._version, act._version)
cut[0] = 40.0
print(act)
print(cut._version, act._version)
with torch.no_grad():
    act[2] = 60.0
print(cut)
print(cut._version, act._version)
leaf_cut = src.detach()
print(leaf_cut.data_ptr() == src.data_ptr(), leaf_cut.is_leaf, leaf_cut.requires_grad)
leaf_cut.fill_(1.0)
print(src, src._version, leaf_cut._version)
