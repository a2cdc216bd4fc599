"""Read stage: a file (PDF or .txt) -> Document (pages of text, words with boxes and character
spans), or a DocumentError with a reason code. Every PDF is parsed in a limited child process
(time, memory, dies with the run); pages without a usable text layer are OCR'd in one
long-lived OCR process with the same limits.

    document.py     read_document: the stage's entry (size, type, isolation, OCR)
    pdf.py          PDF -> Pages in the parsing child (pdfium where it can, else pdfplumber)
    pdfium_text.py  pdfium's text layer in pdfplumber's coordinates
    hidden_text.py  what a reader cannot see is left out (invisible, tiny, covered text)
    layout.py       words -> lines and the page text with spans
    child.py        limits and waiting for a child process
    ocr.py          which pages need OCR; ocr_render.py, ocr_page.py, ocr_engine.py,
                    ocr_worker.py: rendering, recognition, the engine and its process
    settings.py     the stage's tuned numbers
"""
from extractors.read.document import file_sha256, read_document
from extractors.read.layout import layout_words

__all__ = ["read_document", "file_sha256", "layout_words"]
