"""Seeds 003 and 004 use the legacy constructors: torch.FloatTensor([[1., 2.]]) copies the
data into a float32 tensor, torch.FloatTensor(rows, cols) allocates that shape with
uninitialized values (not printed here), other ...Tensor names give their dtype, and
isinstance(t, torch.FloatTensor) checks the dtype. Such tensors are ordinary leaves that
do not require grad until told (seed 003: "only float types can be back-propagated")."""
import torch


def show(e):
    print(type(e).__name__ + ": " + (str(e).splitlines() or [""])[-1])


row = torch.FloatTensor([[1.0, 2.0]])
col = torch.FloatTensor([[2.0], [1.0]])
print(row, col.shape, row.dtype, row.type(), row.is_leaf, row.requires_grad)
buf = torch.FloatTensor(4, 3)
print(buf.shape, buf.dtype, buf.is_contiguous(), buf.requires_grad)
print(torch.FloatTensor().shape, torch.FloatTensor([]).shape)
print(torch.LongTensor([1.9, -1.9]), torch.DoubleTensor([1, 2]).dtype, torch.ByteTensor(2).dtype)
print(torch.BoolTensor([0, 3]), torch.IntTensor([[1], [2]]).dtype, torch.HalfTensor([0.5]).dtype)
print(isinstance(row, torch.FloatTensor), isinstance(row, torch.DoubleTensor),
      isinstance(torch.ones(1, dtype=torch.int64), torch.LongTensor), isinstance(row, torch.Tensor))
print(torch.FloatTensor.dtype, torch.LongTensor.dtype)
col.requires_grad = True
print(torch.matmul(row, col), col.is_leaf)
try:
    torch.LongTensor([1, 2]).requires_grad = True
except RuntimeError as e:
    show(e)
for bad in (lambda: torch.FloatTensor("ab"), lambda: torch.FloatTensor(2.5),
            lambda: torch.FloatTensor(torch.tensor([1, 2])), lambda: torch.FloatTensor(2, -1),
            lambda: torch.ByteTensor([300])):
    try:
        bad()
    except (TypeError, RuntimeError) as e:
        show(e)
