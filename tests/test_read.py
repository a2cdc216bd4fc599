from pathlib import Path

import pytest

from extractors.errors import DocumentError
from extractors.read import Word, layout_words, read_document
from tests.conftest import ROOT, SHARED


def test_layout_words_keeps_spans_and_column_gaps():
    words = [Word("Total", 10, 100, 40, 110), Word("Due", 44, 100, 60, 110),
             Word("$12.00", 200, 101, 240, 111), Word("Next", 10, 120, 30, 130)]
    text, out = layout_words(words)
    assert text.splitlines()[0] == "Total Due   $12.00"
    for w in out:
        assert text[w.start:w.end] == w.text
    assert out[-1].line == 1


def test_txt_document_has_word_spans(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("Invoice No: 42\nTotal: 9.99\n")
    doc = read_document(p)
    page = doc.pages[0]
    assert [page.text[w.start:w.end] for w in page.words] == ["Invoice", "No:", "42", "Total:",
                                                               "9.99"]


def test_sample_pdf_words_and_boxes():
    pdf = sorted((ROOT / "samples" / "invoice").glob("*.pdf"))[0]
    doc = read_document(pdf)
    assert doc.pages and doc.pages[0].words
    w = doc.pages[0].words[0]
    assert 0 <= w.x0 < w.x1 <= doc.pages[0].width
    assert doc.pages[0].text[w.start:w.end] == w.text


@pytest.mark.parametrize("content,reason", [(b"", "empty_file"),
                                            (b"hello, not a pdf at all", "not_a_pdf")])
def test_bad_files_get_reason_codes(tmp_path, content, reason):
    p = tmp_path / "bad.pdf"
    p.write_bytes(content)
    with pytest.raises(DocumentError) as e:
        read_document(p)
    assert e.value.reason == reason


@pytest.mark.skipif(not (SHARED / "hostile").is_dir(), reason="shared hostile corpus absent")
def test_hostile_corpus_never_raises_anything_but_document_errors():
    for f in sorted((SHARED / "hostile").glob("*.pdf")):
        try:
            read_document(f, timeout=30)
        except DocumentError as e:
            assert e.reason in {"empty_file", "not_a_pdf", "encrypted", "parse_error",
                                "parse_timeout", "memory_limit", "no_text_layer"}


@pytest.mark.skipif(not (SHARED / "hostile").is_dir(), reason="shared hostile corpus absent")
def test_encrypted_pdf_is_reported_as_encrypted():
    with pytest.raises(DocumentError) as e:
        read_document(SHARED / "hostile" / "pdfplumber-password-example.pdf")
    assert e.value.reason == "encrypted"
