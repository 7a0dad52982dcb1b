"""Seed 000 (contiguous): narrow(), view(), expand(), transpose() and permute() only change
how the same memory is read (they share the storage), so some results are not contiguous;
contiguous() returns the tensor itself when it already is contiguous and otherwise a
contiguous copy with the same values; view() of a non-contiguous tensor raises and works
after contiguous()."""
import torch


def show(e):
    print(type(e).__name__ + ": " + (str(e).splitlines() or [""])[-1])


grid = torch.arange(12).reshape(3, 4)
ptr = grid.untyped_storage().data_ptr()
cases = [
    ("narrow rows", grid.narrow(0, 1, 2)),
    ("narrow cols", grid.narrow(1, 1, 2)),
    ("view", grid.view(4, 3)),
    ("expand", grid[:, :1].expand(3, 5)),
    ("transpose", grid.transpose(0, 1)),
    ("permute", grid.permute(1, 0)),
]
for label, t in cases:
    same_storage = t.untyped_storage().data_ptr() == ptr
    print(label, tuple(t.shape), t.stride(), t.storage_offset(), t.is_contiguous(), same_storage)
    c = t.contiguous()
    print("  contiguous:", c is t, c.stride(), c.untyped_storage().data_ptr() == ptr,
          (c == t).all().item())

flipped = grid.t()
try:
    flipped.view(12)
except RuntimeError as e:
    show(e)
print(flipped.contiguous().view(12))
print(flipped.reshape(12))
print(grid.view(12).data_ptr() == grid.data_ptr(), flipped.reshape(12).data_ptr() == grid.data_ptr())
copy = flipped.contiguous()
copy[0, 0] = 100
print(grid[0, 0].item(), copy[0, 0].item())
shared = grid.view(2, 6)
shared[0, 0] = -1
print(grid[0, 0].item(), grid._version, shared._version)
