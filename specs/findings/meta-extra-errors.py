# Meta kernels refuse calls the CPU accepts (here: a bool tensor where with a uint8 condition).
# torch-conformance finding meta-extra-errors: torch:meta differs from torch:cpu (torch 2.13.0).
# Exit status 1 while the devices differ.
import sys
import torch


def run(DEVICE):
    try:
        cond = torch.zeros(3, 0, dtype=torch.uint8, device=DEVICE)
        torch.zeros(0, dtype=torch.bool, device=DEVICE).where(cond, 0.5)
        return "no error"
    except Exception as e:  # noqa: BLE001
        return f"{type(e).__name__}: {str(e).splitlines()[0]}"


cpu, meta = run("cpu"), run("meta")
print("cpu: ", cpu)
print("meta:", meta)
sys.exit(1 if cpu != meta else 0)
