# An out= that fails a dtype check is resized first on meta (CPU refuses before resizing).
# torch-conformance finding meta-out-resized-first: torch:meta differs from torch:cpu (torch 2.13.0).
# Exit status 1 while the devices differ.
import sys
import torch


def run(DEVICE):
    try:
        out = torch.zeros(5, dtype=torch.int64, device=DEVICE)
        try:
            torch.cos(torch.zeros(1, device=DEVICE), out=out)
        except RuntimeError:
            pass
        return f"out.shape after the refused call: {tuple(out.shape)}"
    except Exception as e:  # noqa: BLE001
        return f"{type(e).__name__}: {str(e).splitlines()[0]}"


cpu, meta = run("cpu"), run("meta")
print("cpu: ", cpu)
print("meta:", meta)
sys.exit(1 if cpu != meta else 0)
