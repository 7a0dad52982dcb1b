# Meta kernels raise other exception classes than the CPU kernels for the same mistake.
# torch-conformance finding meta-error-class: torch:meta differs from torch:cpu (torch 2.13.0).
# Exit status 1 while the devices differ.
import sys
import torch


def run(DEVICE):
    try:
        torch.zeros(0, 3, device=DEVICE).amax(0)
        return "no error"
    except Exception as e:  # noqa: BLE001
        return f"{type(e).__name__}: {str(e).splitlines()[0]}"


cpu, meta = run("cpu"), run("meta")
print("cpu: ", cpu)
print("meta:", meta)
sys.exit(1 if cpu != meta else 0)
