"""The Qwen2.5-VL processor (images + tokenizer + chat template), with or without torchvision.

The stock ``AutoProcessor`` also builds a video processor, which needs torchvision; where
torchvision does not import (CPU torch beside PyPI's CUDA torchvision) an image-only
subclass built on ``Qwen2VLImageProcessorPil`` does the same job for still images.
"""

from __future__ import annotations

import functools
from pathlib import Path

PIXEL_KEYS = ("min_pixels", "max_pixels")


def torchvision_imports() -> bool:
    """Whether torchvision imports here (it may be installed and still fail to import)."""
    try:
        import torchvision  # noqa: F401
    except Exception:  # noqa: BLE001 - a broken CUDA build raises more than ImportError
        return False
    return True


@functools.cache
def image_only_processor_class() -> type:
    """``Qwen2_5_VLProcessor`` without its video processor; sub-processors load from a folder."""
    from transformers import AutoTokenizer, Qwen2_5_VLProcessor
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import (
        Qwen2VLImageProcessorPil,
    )

    class ImageOnlyQwen2_5_VLProcessor(Qwen2_5_VLProcessor):
        def __init__(self, image_processor=None, tokenizer=None, chat_template=None, **kwargs):
            super().__init__(
                image_processor, tokenizer, None, chat_template=chat_template, **kwargs
            )

        @classmethod
        def _get_arguments_from_pretrained(cls, path, processor_dict=None, **kwargs):
            pixels = {k: kwargs.pop(k) for k in PIXEL_KEYS if k in kwargs}
            return [
                Qwen2VLImageProcessorPil.from_pretrained(path, **kwargs, **pixels),
                AutoTokenizer.from_pretrained(path, **kwargs),
            ]

    return ImageOnlyQwen2_5_VLProcessor


def load_processor(model_path: str | Path, min_pixels: int = 0, max_pixels: int = 0):
    """Processor of a local model folder; ``min/max_pixels`` > 0 override its resize bounds."""
    kwargs = {"local_files_only": True}
    kwargs.update({k: v for k, v in zip(PIXEL_KEYS, (min_pixels, max_pixels), strict=True) if v})
    if torchvision_imports():
        from transformers import AutoProcessor

        return AutoProcessor.from_pretrained(model_path, **kwargs)
    return image_only_processor_class().from_pretrained(model_path, **kwargs)
