"""review/learn: corrections teach labels for documents of other layouts, after the schema's own
(issue 17, item 4); a label only one template printed teaches nothing elsewhere."""
from __future__ import annotations

from pydantic import BaseModel, Field

from extractors.fieldspecs import field_specs
from extractors.read.document import read_document
from extractors.review.learn import HintStore, apply_hints, fingerprint, labels_across
from extractors.run import Extractor
from tests.conftest import FakeBackend


class Booking(BaseModel):
    reference: str = Field(description="The booking reference.")


def _doc(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return read_document(p)


def _example(doc, labels):
    return {"schema": "Booking", "doc_sha256": doc.sha256, "fingerprint": fingerprint(doc),
            "fields": {"reference": {"labels": labels, "found": True}}}


LAYOUTS = [
    "Alpine Travel Agency\nZurich office\nVoucher code: {v}\nRoom 12 reserved\n",
    "Harbour Ferries Limited\nTicket desk\nVoucher code: {v}\nDeck seats booked\n",
    "Metro Coach Lines\nCustomer copy\nVoucher code: {v}\nSeat 4A\n",
]


def test_a_label_taught_on_two_unlike_layouts_is_used_on_a_third(tmp_path):
    a = _doc(tmp_path, "a.txt", LAYOUTS[0].format(v="ZX-4411"))
    b = _doc(tmp_path, "b.txt", LAYOUTS[1].format(v="QP-9020"))
    c = _doc(tmp_path, "c.txt", LAYOUTS[2].format(v="RT-7315") + "Order no 5566\n")
    assert labels_across([_example(a, ["Voucher code:"]), _example(b, ["Voucher code:"])]) \
        == {"reference": ["Voucher code:"]}
    store = HintStore("Booking", [_example(a, ["Voucher code:"]), _example(b, ["Voucher code:"])])
    spec = apply_hints(field_specs(Booking), c, store)[0]
    assert spec.labels[-1] == "Voucher code:"          # after the schema's own labels
    assert list(spec.labels[:-1]) == list(field_specs(Booking)[0].labels)
    got = Extractor(Booking, FakeBackend(), hints=store).extract(c).values["reference"]
    assert got == "RT-7315"


def test_a_label_one_template_taught_stays_with_that_template(tmp_path):
    a = _doc(tmp_path, "a.txt", LAYOUTS[0].format(v="ZX-4411"))
    a2 = _doc(tmp_path, "a2.txt", LAYOUTS[0].format(v="ZX-5012"))
    c = _doc(tmp_path, "c.txt", LAYOUTS[2].format(v="RT-7315"))
    store = HintStore("Booking", [_example(a, ["Voucher code:"]), _example(a2, ["Voucher code:"])])
    assert labels_across(store.examples) == {"reference": []}
    assert apply_hints(field_specs(Booking), c, store)[0].labels == field_specs(Booking)[0].labels
