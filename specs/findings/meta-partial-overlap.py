# In-place binary ops on meta skip the partial-overlap check between an input and the written-to tensor.
# torch-conformance finding meta-partial-overlap: torch:meta differs from torch:cpu (torch 2.13.0).
# Exit status 1 while the devices differ.
import sys
import torch


def run(DEVICE):
    try:
        a = torch.zeros(4, device=DEVICE)
        a[1:].add_(a[:-1])
        return "no error"
    except Exception as e:  # noqa: BLE001
        return f"{type(e).__name__}: {str(e).splitlines()[0]}"


cpu, meta = run("cpu"), run("meta")
print("cpu: ", cpu)
print("meta:", meta)
sys.exit(1 if cpu != meta else 0)
