"""A target whose error messages carry HTML: neg raises a RuntimeError whose text is markup
and a script. The report must show it as text (tests/engine/test_report_browser.py)."""
import torch

from ._base import module_getattr, plant

MESSAGE = "<b>bold</b> <script>window.__injected = 1</script> <img src=x onerror=alert(1)>"


def _raise(*args, **kwargs):
    raise RuntimeError(MESSAGE)


PLANTED = plant("MarkupInErrors", {torch.neg: _raise, torch.Tensor.neg: _raise})
__getattr__ = module_getattr(PLANTED)
