# An out= that elementwise ops resize gets other significant strides on meta than on CPU
# (torch/_prims_common compute_elementwise_output_strides against TensorIterator's).
# torch-conformance finding meta-elementwise-strides: torch:meta differs from torch:cpu (torch 2.13.0).
# Exit status 1 while the devices differ.
import sys
import torch


def run(DEVICE):
    try:
        out = torch.diagonal(torch.zeros(5, 3, 2, 2, device=DEVICE))
        x = torch.chunk(out, 6)[1]
        torch.cos(x, out=out)
        return f"out: shape {tuple(out.shape)}, strides {out.stride()}"
    except Exception as e:  # noqa: BLE001
        return f"{type(e).__name__}: {str(e).splitlines()[0]}"


cpu, meta = run("cpu"), run("meta")
print("cpu: ", cpu)
print("meta:", meta)
sys.exit(1 if cpu != meta else 0)
