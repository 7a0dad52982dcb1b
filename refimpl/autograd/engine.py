"""The backward pass (torch/csrc/autograd/engine.cpp, torch/autograd/__init__.py).

From the roots' gradient edges the graph is walked once to count, for every node, how
many gradients it waits for; then nodes run when all have arrived, the most recently
made first (torch's ready queue orders by sequence number). The gradients a node gives
are checked against the metadata of its inputs (a broadcast one is summed back to the
input's shape, another dtype is cast: validate_outputs) and summed into the buffers of
the next nodes. Unless the graph is retained, each node frees what it saved once run.
"""
from __future__ import annotations


from .grad_mode import MODE, set_grad_enabled
from .graph import TASK, AccumulateGrad
from .recording import KERNEL, gradient_edge


def _size_str(sizes):
    return "torch.Size([" + ", ".join(str(s) for s in sizes) + "])"


def make_grads(outputs, grads, is_grads_batched=False):
    """torch/autograd/__init__.py _make_grads: implicit ones for scalar outputs."""
    from ..creation import ones_like
    result = []
    for i, (out, g) in enumerate(zip(outputs, grads)):
        if g is None:
            if out.requires_grad:
                if out.numel() != 1:
                    raise RuntimeError("grad can be implicitly created only for scalar outputs")
                if not out.dtype.is_floating_point:
                    raise RuntimeError("grad can be implicitly created only for real scalar "
                                       f"outputs but got {out.dtype}")
                result.append(ones_like(out))
            else:
                result.append(None)
            continue
        if out._sizes != g._sizes:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of "
                               f"{_size_str(g._sizes)} and output[{i}] has a shape of "
                               f"{_size_str(out._sizes)}.")
        result.append(g)
    return result


def _root_edges(outputs):
    edges = []
    for i, t in enumerate(outputs):
        edge = gradient_edge(t)
        if edge[0] is None:  # also a view whose base requires grad but that has no history
            raise RuntimeError(f"element {i} of tensors does not require grad and does not "
                               "have a grad_fn")
        edges.append(edge)
    return edges


def run_backward(outputs, grads, retain_graph, create_graph, inputs=None, accumulate=True,
                 allow_unused=False):
    """Engine::execute. With `inputs` and accumulate=False (autograd.grad) the gradients
    reaching those inputs are returned instead of accumulated."""
    roots = _root_edges(outputs)
    captures = {}
    if inputs is not None:
        for i, t in enumerate(inputs):
            if not t.requires_grad:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            fn, nr = gradient_edge(t)
            if fn is not None:  # else (a view made before its base required grad): unused
                captures.setdefault((id(fn), nr), []).append(i)
    runs, reached = _nodes_to_run(roots, captures, accumulate, inputs)
    outer, TASK.reached = TASK.reached, reached
    try:
        return _execute(roots, grads, retain_graph, create_graph, inputs, accumulate,
                        allow_unused, captures, runs, reached)
    finally:
        TASK.reached = outer


def _execute(roots, grads, retain_graph, create_graph, inputs, accumulate, allow_unused,
             captures, runs, reached):
    """The graph task: deliver the root gradients, then run the nodes as they get ready."""
    dependencies = _dependencies(roots, runs, reached)
    buffers = {}
    captured = [None] * (len(inputs) if inputs is not None else 0)
    ready = ReadyQueue()

    def deliver(fn, nr, grad):
        """InputBuffer::add, then the dependency count: an undefined gradient (None) adds
        nothing, but counts (the node runs once all its producers have, gradient or not)."""
        if fn is None or id(fn) not in reached:
            return
        key = id(fn)
        buf = buffers.setdefault(key, {})
        if grad is not None:
            if nr in buf:
                accumulate_into_buffer(buf, nr, grad)
            else:
                buf[nr] = grad
        del grad
        dependencies[key] -= 1
        if dependencies[key] == 0:
            ready.push(fn)

    with set_grad_enabled(bool(create_graph)):
        for (fn, nr), g in zip(roots, grads):
            if fn is not None:
                dependencies[id(fn)] = dependencies.get(id(fn), 0) + 1
        grads = list(grads)
        for i, ((fn, nr), g) in enumerate(zip(roots, grads)):
            # validate_outputs rewrites the caller's vector of root gradients in place: it
            # holds what is delivered, so a root's gradient is never stolen by AccumulateGrad
            g = grads[i] = _validate_root(fn, nr, i, g)
            if len(roots) == 1 and fn is not None and id(fn) not in reached and g is not None:
                # a lone root is evaluated even when it leads to no input: its tensor
                # pre-hooks (retain_grad) run, then it is skipped (evaluate_function)
                _retain_hooks(fn, {nr: g})
            deliver(fn, nr, g)
        while ready:
            fn = ready.pop()
            key = id(fn)
            buf = buffers.pop(key, {})
            for nr in buf:  # (no loop variable left holding a gradient: see sole_holder)
                for i in captures.get((key, nr), ()):
                    captured[i] = buf[nr]
            grads_in = [buf.pop(i, None) for i in range(max(getattr(fn, "num_outputs", 1), 1))]
            del buf
            _retain_hooks(fn, dict(enumerate(grads_in)))
            if isinstance(fn, AccumulateGrad):
                if accumulate and grads_in[0] is not None:
                    fn.apply(grads_in)
                continue
            if id(fn) not in runs:  # evaluated (hooks, captures) but not needed
                continue
            KERNEL.in_backward += 1
            try:
                results = fn.apply(grads_in)
            finally:
                KERNEL.in_backward -= 1
            del grads_in
            edges = [(i, nxt, nr) for i, (nxt, nr) in enumerate(fn.next_functions)
                     if nxt is not None]
            results = list(results) + [None] * (len(fn.next_functions) - len(results))
            for i, nxt, nr in edges:  # validate_outputs fails before the node is released
                if results[i] is not None:
                    results[i] = _validate(fn, i, results, nxt, nr)
            if not retain_graph:
                fn.release()
            for i, nxt, nr in edges:
                deliver(nxt, nr, _take(results, i))
    if inputs is not None and not accumulate:
        for i, g in enumerate(captured):
            if g is None and not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior.")
        return tuple(captured)
    return None


class ReadyQueue:
    """engine.cpp's ReadyQueue: a std::priority_queue of nodes, the highest sequence_nr
    first. AccumulateGrad and Error nodes share UINT64_MAX, and which of those goes first
    is what the binary heap's sifting gives (libstdc++ push_heap / pop_heap, ported as
    they are), not the order they came in: a NotImplemented node pushed before a leaf's
    AccumulateGrad fails the backward before that leaf's grad is written."""

    def __init__(self):
        self.heap = []

    def __bool__(self):
        return bool(self.heap)

    @staticmethod
    def _less(a, b):
        return a.sequence_nr < b.sequence_nr

    def _sift_up(self, hole, top, value):  # __push_heap
        heap, parent = self.heap, (hole - 1) // 2
        while hole > top and self._less(heap[parent], value):
            heap[hole] = heap[parent]
            hole, parent = parent, (parent - 1) // 2
        heap[hole] = value

    def push(self, fn):
        self.heap.append(fn)
        self._sift_up(len(self.heap) - 1, 0, fn)

    def pop(self):  # pop_heap (then pop_back): the top, the last element sifted into place
        heap = self.heap
        top, value = heap[0], heap[-1]
        length, hole, child = len(heap) - 1, 0, 0
        heap[-1] = top
        while child < (length - 1) // 2:  # __adjust_heap
            child = 2 * (child + 1)
            if self._less(heap[child], heap[child - 1]):
                child -= 1
            heap[hole] = heap[child]
            hole = child
        if length % 2 == 0 and child == (length - 2) // 2 and length > 1:
            child = 2 * (child + 1)
            heap[hole] = heap[child - 1]
            hole = child - 1
        if length:
            self._sift_up(hole, 0, value)
        heap.pop()
        return top


def _retain_hooks(fn, grads):
    """The retain_grad hooks of fn's outputs, on the gradients arriving for them."""
    from .accumulate import retain
    for nr, t in list(fn.retained.items()):
        if grads.get(nr) is not None:
            retain(t, grads[nr])


def _walk(roots):
    seen, order, stack = set(), [], [fn for fn, _ in roots if fn is not None]
    while stack:
        fn = stack.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        order.append(fn)
        stack.extend(nxt for nxt, _ in fn.next_functions if nxt is not None)
    return order


def _nodes_to_run(roots, captures, accumulate, inputs):
    """GraphTask::init_to_execute: the nodes that run (all reachable ones for backward();
    with inputs, those on a path to one) and the nodes gradients are delivered to (those
    and the inputs' own nodes). For autograd.grad an input's node is evaluated, its
    incoming gradient captured, but it runs only if it leads to another input; for
    backward(inputs=...) it runs (it accumulates)."""
    order = _walk(roots)
    if inputs is None:
        every = {id(fn) for fn in order}
        return every, every
    targets = {key for key, _ in captures}
    runs, useful = set(), {}

    def visit(fn):
        key = id(fn)
        if key in useful:
            return useful[key]
        useful[key] = False
        leads = False
        for nxt, _ in fn.next_functions:
            if nxt is not None and visit(nxt):
                leads = True
        if leads or (accumulate and key in targets):
            runs.add(key)
        useful[key] = leads or key in targets
        return useful[key]
    for fn in order:
        visit(fn)
    return runs, runs | targets


def _dependencies(roots, runs, reached):
    """How many gradients each reached node waits for: one per edge from a node that runs."""
    deps = {}
    for fn in _walk(roots):
        if id(fn) not in runs:
            continue
        for nxt, _ in fn.next_functions:
            if nxt is not None and id(nxt) in reached:
                deps[id(nxt)] = deps.get(id(nxt), 0) + 1
    return deps


def _validate_root(fn, nr, i, grad):
    """validate_outputs on the roots' gradients: against the metadata the root's node
    recorded for that output (the forward's shape and dtype, even if `.data =` changed
    the tensor since)."""
    if grad is None or nr >= len(fn.output_metas):
        return grad
    sizes, dtype = fn.output_metas[nr]
    return _conform(grad, sizes, dtype, "", i)


def _conform(grad, sizes, dtype, who, i):
    """validate_outputs for one gradient: a broadcast one is summed back to sizes (another
    shape is refused, the message starting with `who`), another dtype is cast, and a
    gradient cast to an integer input's dtype (a bool written in place by eq_ from a
    tensor that requires grad) fails torch's assert."""
    if grad._sizes != tuple(sizes):
        from .. import layout
        if not layout.is_expandable_to(sizes, grad._sizes):
            raise RuntimeError(
                f"{who}invalid gradient at index {i} - got [{', '.join(map(str, grad._sizes))}] "
                f"but expected shape compatible with [{', '.join(map(str, sizes))}]")
        from .formulas import sum_to
        grad = sum_to(grad, sizes)
    if grad.dtype is not dtype:
        from ..conversions import to
        grad = to(grad, dtype)
    if not grad.dtype.is_floating_point:
        raise RuntimeError('isDifferentiableType(grad.scalar_type()) INTERNAL ASSERT FAILED at '
                           '"/__w/pytorch/pytorch/torch/csrc/autograd/engine.cpp":998, please '
                           'report a bug to PyTorch. ')
    return grad


def accumulate_into_buffer(buf, nr, grad):
    """InputBuffer::accumulate (torch/csrc/autograd/input_buffer.cpp): gradients meeting at
    one input are summed; with grad mode off, in place into the one that arrived first
    when nothing else holds it or its storage and it is no ZeroTensor
    (can_accumulate_inplace: the result's version shows it), else out of place (the sum
    takes the layout of the first)."""
    old = buf[nr]
    if not MODE.grad_enabled and sole_holder(old, 4) and not old._is_zerotensor():
        old.add_(grad)
    else:
        buf[nr] = old + grad


def sole_holder(t, expected, storage=True):
    """Nothing outside the engine holds t (nor, with storage, shares its storage) and t
    is dense: what torch checks with use counts, read here from Python's reference counts
    (`expected` is the number of references the engine's own frames hold)."""
    import sys
    from .. import layout
    return (sys.getrefcount(t) <= expected and (not storage or sys.getrefcount(t._storage) <= 2)
            and layout.is_non_overlapping_and_dense(t._sizes, t._strides))


def _take(results, i):
    """results[i], leaving the engine no other reference to it."""
    grad, results[i] = results[i], None
    return grad


def _validate(fn, i, results, nxt, nr):
    """validate_outputs: reduce a broadcast gradient to the shape the next node recorded
    for that output of the forward (its input metadata), cast its dtype (the gradient is
    taken out of `results`, so the engine holds no other reference)."""
    grad = _take(results, i)
    if nr < len(nxt.output_metas):
        meta = nxt.output_metas[nr]
    else:
        meta = fn.metas[i] if i < len(fn.metas) else None
    if meta is None:
        return grad
    sizes, dtype = meta
    return _conform(grad, sizes, dtype, f"Function {fn.name()} returned an ", i)
