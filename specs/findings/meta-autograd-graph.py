# Autograd records other graphs on meta than on CPU (ops run as Python decompositions).
# torch-conformance finding M-META-13: torch:meta differs from torch:cpu (torch 2.13.0).
# Exit status 1 while the devices differ.
import sys
import torch


def run(DEVICE):
    with torch.inference_mode():
        x = torch.zeros(1, 2, dtype=torch.float64, device=DEVICE)
        x.requires_grad_()
    relu = x.relu()   # outside inference mode
    value = torch.zeros(1, 3, dtype=torch.float64, device=DEVICE, requires_grad=True).max()
    flag = torch.tensor(0, dtype=torch.bool, device=DEVICE)
    flag[None, None] = value
    return (f"relu: requires_grad={relu.requires_grad}; "
            f"bool setitem: requires_grad={flag.requires_grad}")


cpu, meta = run("cpu"), run("meta")
print("cpu: ", cpu)
print("meta:", meta)
sys.exit(1 if cpu != meta else 0)
