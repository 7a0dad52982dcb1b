# After backward, a leaf's grad shares storage with the gradient passed to backward on meta.
# torch-conformance finding M-META-14: torch:meta differs from torch:cpu (torch 2.13.0).
# Exit status 1 while the devices differ.
import sys
import torch


def run(DEVICE):
    leaf = torch.ones(3, 1, dtype=torch.float64, device=DEVICE, requires_grad=True)
    gradient = torch.zeros(3, dtype=torch.float64, device=DEVICE)
    leaf.prod(-1).backward(gradient)
    shared = leaf.grad.untyped_storage()._cdata == gradient.untyped_storage()._cdata
    return f"leaf.grad shares the gradient's storage: {shared}"


cpu, meta = run("cpu"), run("meta")
print("cpu: ", cpu)
print("meta:", meta)
sys.exit(1 if cpu != meta else 0)
