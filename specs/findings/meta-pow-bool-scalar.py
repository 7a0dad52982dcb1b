# pow of a bool tensor by a bool Scalar has dtype bool on CPU and int64 on meta.
# torch-conformance finding meta-pow-bool-scalar: torch:meta differs from torch:cpu (torch 2.13.0).
# Exit status 1 while the devices differ.
import sys
import torch


def run(DEVICE):
    try:
        return str(torch.pow(torch.zeros(2, dtype=torch.bool, device=DEVICE), False).dtype)
    except Exception as e:  # noqa: BLE001
        return f"{type(e).__name__}: {str(e).splitlines()[0]}"


cpu, meta = run("cpu"), run("meta")
print("cpu: ", cpu)
print("meta:", meta)
sys.exit(1 if cpu != meta else 0)
