"""Seed 000 (slicing a 2-D tensor): indexing the rows of a (3, 4) arange with a long tensor
picks those rows in that order, with a bool tensor keeps the rows marked True, and with a
shorter long tensor just those rows (the seed's "all equivalent to x[0], x[2], x[1]" only
holds for the first). Lists index the same way; advanced indexing copies (no shared
memory) where basic slicing gives a view; bad masks and indices raise IndexError."""
import torch


def show(e):
    print(type(e).__name__ + ": " + (str(e).splitlines() or [""])[-1])


mat = torch.arange(12).reshape(3, 4)
order = torch.tensor([2, 0, 1])
mask = torch.tensor([False, True, True])
pair = torch.tensor([1, 2])
for label, idx in [("long", order), ("bool", mask), ("short long", pair),
                   ("list", [2, 0, 1]), ("bool list", [False, True, True])]:
    picked = mat[idx]
    print(label, tuple(picked.shape), picked.dtype)
    print(picked)
    print(picked.data_ptr() == mat.data_ptr(), picked._is_view())
sliced = mat[1:]
print(sliced, sliced._is_view(), sliced.untyped_storage().data_ptr() == mat.untyped_storage().data_ptr())
print((mat[order] == torch.stack([mat[2], mat[0], mat[1]])).all().item())
print(mat[:, torch.tensor([3, 0])])
print(mat[order, torch.tensor([0, 1, 2])])
for bad in (torch.tensor([True, False]), torch.tensor([0, 3]), torch.tensor([1.0])):
    try:
        mat[bad]
    except IndexError as e:
        show(e)
