# In-place comparison ops on meta do not refuse a broadcast shape larger than the output.
# torch-conformance finding meta-broadcast-into-output: torch:meta differs from torch:cpu (torch 2.13.0).
# Exit status 1 while the devices differ.
import sys
import torch


def run(DEVICE):
    try:
        x = torch.zeros(3, device=DEVICE)
        x.gt_(torch.zeros(2, 3, device=DEVICE))
        return f"no error, shape {tuple(x.shape)}"
    except Exception as e:  # noqa: BLE001
        return f"{type(e).__name__}: {str(e).splitlines()[0]}"


cpu, meta = run("cpu"), run("meta")
print("cpu: ", cpu)
print("meta:", meta)
sys.exit(1 if cpu != meta else 0)
