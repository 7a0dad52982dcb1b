# In-place ops on meta skip the internal-overlap check: writing into an expanded tensor raises on CPU.
# torch-conformance finding meta-internal-overlap: torch:meta differs from torch:cpu (torch 2.13.0).
# Exit status 1 while the devices differ.
import sys
import torch


def run(DEVICE):
    try:
        x = torch.zeros(1, device=DEVICE).expand(3)
        x.sign_()
        return "no error"
    except Exception as e:  # noqa: BLE001
        return f"{type(e).__name__}: {str(e).splitlines()[0]}"


cpu, meta = run("cpu"), run("meta")
print("cpu: ", cpu)
print("meta:", meta)
sys.exit(1 if cpu != meta else 0)
