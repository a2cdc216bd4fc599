"""Scanned variants: the same document as a scanner would deliver it (an image-only PDF)."""
from __future__ import annotations

import random

from .common import FIXED_CREATION_DATE


SCAN_DPI = 150


def scan_pdf(pdf_bytes: bytes, rng: random.Random, dpi: int = SCAN_DPI) -> bytes:
    """Render each page to a grey image, then degrade it like a scan: a small rotation
    (within +-1.5 degrees), a slight offset, blur, a grey paper tone with sensor noise and
    specks, JPEG compression; return an image-only PDF of the same page size (no text layer).
    Deterministic for the rng's state. Needs pypdfium2, Pillow and numpy (not the text
    documents)."""
    import io

    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter

    nrng = np.random.default_rng(rng.randrange(2 ** 32))
    pdf = pdfium.PdfDocument(pdf_bytes)
    images = []
    try:
        for page in pdf:
            img = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            angle = rng.uniform(-1.5, 1.5)
            img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=255,
                             translate=(rng.randint(-6, 6), rng.randint(-6, 6)))
            img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.0)))
            a = np.asarray(img, dtype=np.float32)
            a = a * rng.uniform(0.88, 0.97) + rng.uniform(4, 14)           # paper tone, ink
            a += nrng.normal(0, rng.uniform(4, 9), a.shape)                  # sensor noise
            specks = nrng.random(a.shape) < rng.uniform(0.0002, 0.0008)      # dust
            a[specks] = nrng.uniform(0, 90, int(specks.sum()))
            img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=rng.randint(55, 80))
            images.append(Image.open(io.BytesIO(buf.getvalue())))
    finally:
        pdf.close()
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:],
                   title="scanned document", creationDate=FIXED_CREATION_DATE.timetuple(),
                   modDate=FIXED_CREATION_DATE.timetuple())
    return out.getvalue()
