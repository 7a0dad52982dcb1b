"""Indexing and the index / mask / gather / scatter ops, one module per area:

  basic.py           tensor[index] and tensor[index] = value: views by applySlicing,
                     assignment by copy_to, the rest handed to advanced indexing
  advanced.py        at::index and index_put_ (index tensors and masks)
  masked.py          nonzero, where, masked_fill(_), masked_select, masked_scatter_
  index_ops.py       index_select, take, index_add_, index_copy_, index_fill_
  scatter_gather.py  gather, scatter(_), scatter_add(_)
  writes.py          what they share: TensorIterator's visiting order, writes at storage
                     positions, float accumulation, overlap checks

Each op is declared (@declare, refimpl/registry.py) next to its function.
"""
from .advanced import advanced_index, index_put_  # noqa: F401
