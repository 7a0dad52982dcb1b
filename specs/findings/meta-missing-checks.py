# Meta kernels skip argument checks that the CPU kernels make (here: relu of a bool tensor).
# torch-conformance finding meta-missing-checks: torch:meta differs from torch:cpu (torch 2.13.0).
# Exit status 1 while the devices differ.
import sys
import torch


def run(DEVICE):
    try:
        torch.relu(torch.zeros(3, dtype=torch.bool, device=DEVICE))
        return "no error"
    except Exception as e:  # noqa: BLE001
        return f"{type(e).__name__}: {str(e).splitlines()[0]}"


cpu, meta = run("cpu"), run("meta")
print("cpu: ", cpu)
print("meta:", meta)
sys.exit(1 if cpu != meta else 0)
