"""Seed 004 on nn.Module state: net.parameters() (what an optimizer is given) against
net.state_dict() (what is saved): a buffer registered with register_buffer is in the
state_dict but not among the parameters, and is not updated by SGD; a buffer registered
with persistent=False is in neither state_dict nor parameters. param.requires_grad = False
freezes a layer (its grad stays None, an SGD step leaves it). torch.no_grad() stops the
graph but does not change Dropout or BatchNorm; eval() does: Dropout becomes the identity
and BatchNorm uses its running statistics. Weights come from the seeded stream (Linear's
kaiming_uniform_ init), so they print as torch prints them."""
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 2)
        self.bn = nn.BatchNorm1d(2)
        self.drop = nn.Dropout(0.5)
        self.register_buffer("my_buffer", torch.ones(2))
        self.register_buffer("scratch", torch.zeros(1), persistent=False)

    def forward(self, x):
        return self.drop(self.bn(self.fc(x)))


torch.manual_seed(0)
net = Net()
print(net)
print([name for name, _ in net.named_parameters()])
print(list(net.state_dict()))
print([name for name, _ in net.named_buffers()])
print(net.fc.weight)
print(net.state_dict()["fc.bias"])

x = torch.rand(4, 3)
with torch.no_grad():
    out = net(x)
print(out.requires_grad, net.training, net.bn.num_batches_tracked)
print(out)
print(net.bn.running_mean, net.bn.running_var)

net.fc.weight.requires_grad = False
loss = net(x).pow(2).sum()
loss.backward()
# fc.bias's grad sums terms that cancel (BatchNorm centres them): its last bits depend on
# the kernel's summation order, so only its size is printed
print(net.fc.weight.grad, net.fc.bias.grad.abs().max() < 1e-3)
with torch.no_grad():
    for p in net.parameters():
        if p.grad is not None:
            p.add_(p.grad, alpha=-0.1)
print(net.bn.bias)
print(net.my_buffer)

net.eval()
print(net.training, net.drop.training, net.bn.training)
print(torch.equal(net(x), net(x)))
print(net(x))

copy = Net()
print(copy.load_state_dict(net.state_dict()))
print(torch.equal(copy.fc.weight, net.fc.weight), copy.fc.weight is net.fc.weight)
try:
    nn.Linear(3, 3).load_state_dict(nn.Linear(2, 3).state_dict())
except RuntimeError as e:
    print(e)
print(nn.Linear(3, 3).load_state_dict({"weight": torch.zeros(3, 3)}, strict=False))
