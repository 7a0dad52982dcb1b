"""Seed 004's examples that draw random tensors (torch.rand([2, 3]) then cat along dim -1
and dim 1, torch.clip of torch.rand(5), torch.bmm of two torch.rand batches, and detach()
of a torch.rand(3, 4, requires_grad=True)), each after a torch.manual_seed: the values are
torch's CPU stream's, printed as torch prints them. Also the normal draws (scalar and
16-wide fill), randint, randperm, and replaying the stream with get/set_rng_state."""
import torch

torch.manual_seed(0)
data = torch.rand([2, 3])
print(data)
print(torch.cat([data, data], dim=-1))
print(torch.cat([data, data], dim=1))

torch.manual_seed(1)
a = torch.rand(5)
a = torch.clip(a, -0.5, 0.5)
print(a)

torch.manual_seed(2)
c = torch.rand((10, 2, 5))
d = torch.rand((10, 5, 2))
res = torch.bmm(c, d)
print(res.shape)
print(res[:2])

torch.manual_seed(3)
x = torch.rand(3, 4, requires_grad=True)
y = x.detach()
print(x)
print(y)

torch.manual_seed(4)
print(torch.randn(5))
print(torch.randn(2, 10))
print(torch.randint(0, 10, (2, 4)))
print(torch.randperm(8))
state = torch.get_rng_state()
first = torch.rand(3)
torch.set_rng_state(state)
print(torch.equal(first, torch.rand(3)))
g = torch.Generator().manual_seed(42)
print(torch.rand(2, generator=g), g.initial_seed())
