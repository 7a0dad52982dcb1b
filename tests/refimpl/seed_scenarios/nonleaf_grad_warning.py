"""Seeds 001 and 003: only leaves keep their gradient; reading .grad of a non-leaf gives
None and warns (UserWarning, printed here by its first line) while a leaf's does not;
retain_grad() (which the warning suggests) makes a non-leaf keep its .grad."""
import torch
import warnings


def reading(t):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = t.grad
    print(value, [(w.category.__name__, str(w.message).split(". ")[0]) for w in caught])


leaf = torch.tensor([1.0, 2.0], requires_grad=True)
mid = leaf * 3
out = mid.sum()
out.backward()
reading(leaf)
reading(mid)
reading(out)

leaf2 = torch.tensor([1.0, 2.0], requires_grad=True)
mid2 = leaf2 * 3
print(mid2.retains_grad, leaf2.retains_grad)
mid2.retain_grad()
print(mid2.retains_grad)
(mid2 ** 2).sum().backward()
reading(mid2)
reading(leaf2)
reading(torch.tensor([1.0]))
