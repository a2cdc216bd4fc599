"""A commercial invoice (any vendor, any language the labels are given for)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, model_validator


class InvoiceLine(BaseModel):
    """One line of an invoice's item table."""

    model_config = ConfigDict(extra="forbid")

    description: Optional[str] = Field(default=None, max_length=400, description='What was sold, "Description", "Bezeichnung", "Désignation"',
                                       json_schema_extra={"labels": ["description", "item description", "item", "article", "product", "service", "details", "bezeichnung", "beschreibung", "artikelbezeichnung", "artikel", "produkt", "leistung", "leistungsbeschreibung", "designation", "désignation", "libellé", "libelle", "produit"]})
    quantity: Optional[Decimal] = Field(default=None, description='How many, "Qty", "Menge", "Quantité"',
                                        json_schema_extra={"kind": "number", "labels": ["quantity", "qty", "units", "hours", "menge", "anzahl", "stück", "quantité", "quantite", "qté", "qte"]})
    unit_price: Optional[Decimal] = Field(default=None, description='Price of one unit, "Unit price", "Einzelpreis", "Prix unitaire"',
                                          json_schema_extra={"labels": ["unit price", "price", "rate", "unit cost", "price per unit", "einzelpreis", "preis", "stückpreis", "e-preis", "nettopreis", "prix unitaire", "prix unit", "prix", "pu ht", "p.u."]})
    amount: Decimal = Field(description='Line total, "Amount", "Gesamtpreis", "Montant"',
                            json_schema_extra={"labels": ["amount", "line total", "total", "net amount", "amount net", "betrag", "nettobetrag", "gesamtpreis", "gesamt", "summe", "positionsbetrag", "entgelt", "wert", "montant", "montant ht", "total ht", "prix total"]})


class Invoice(BaseModel):
    """An invoice: number, dates, seller and buyer, currency and totals."""

    model_config = ConfigDict(extra="forbid")

    invoice_number: str = Field(max_length=40, description='Invoice number, "Invoice No", "Rechnungsnummer", "Facture N°"',
                                json_schema_extra={"labels": ["invoice", "invoice number", "invoice no", "invoice #", "rechnung", "rechnungsnr", "rechnungsnummer", "facture", "numéro", "number", "nr"]})
    issue_date: dt.date = Field(description='Date the invoice was issued, "Invoice date", "Rechnungsdatum", "Date de facture"',
                                json_schema_extra={"labels": ["invoice date", "date", "issue date", "rechnungsdatum", "datum", "date de facture", "date facture", "dated", "belegdatum", "rechnung vom", "rechnung von", "facture du", "issued", "date issued", "rechnung", "gutschrift", "invoice", "credit note", "facture", "avoir"]})
    delivery_date: Optional[dt.date] = Field(default=None, description='Date the goods or services were delivered, "Delivery date", "Lieferdatum", "Leistungsdatum"',
                                             json_schema_extra={"labels": ["delivery date", "date of delivery", "delivered", "service date", "date of supply", "lieferdatum", "liefer datum", "lieferschein datum", "lieferschein", "leistungsdatum", "leistungszeitraum", "date de livraison", "livraison"]})
    due_date: Optional[dt.date] = Field(default=None, description='Payment due date, "Due date", "Fällig", "Échéance"',
                                        json_schema_extra={"labels": ["due date", "due", "payment due", "fällig", "fälligkeitsdatum", "zahlbar bis", "échéance", "date d'échéance"]})
    seller_name: str = Field(max_length=100, description="Company that issued the invoice (the seller / supplier)",
                             json_schema_extra={"labels": ["seller", "supplier", "from", "vendor", "lieferant", "verkäufer", "rechnungsersteller", "rechnungssteller", "absender", "fournisseur", "vendeur", "émetteur", "sold by", "bill from"]})
    seller_vat_id: Optional[str] = Field(default=None, max_length=20, description='Seller VAT id, "VAT", "USt-IdNr", "TVA"',
                                         json_schema_extra={"kind": "id", "labels": ["vat", "vat id", "vat no", "ust-idnr", "ust-id", "umsatzsteuer-id", "tva", "n° tva", "tax id"], "pattern": r"[A-Z]{2}[A-Z0-9]{8,12}"})
    buyer_name: Optional[str] = Field(default=None, max_length=100, description='Customer billed, "Bill to", "Kunde", "Client"',
                                      json_schema_extra={"labels": ["bill to", "billed to", "invoice to", "buyer", "customer", "sold to", "recipient", "kunde", "käufer", "rechnungsempfänger", "leistungsempfänger", "client", "acheteur", "herrn", "herr", "frau", "mr", "mrs", "ms", "monsieur", "madame"]})
    currency: str = Field(max_length=3, description="ISO 4217 currency code of the totals",
                          json_schema_extra={"labels": ["currency", "währung", "devise"]})
    net_total: Optional[Decimal] = Field(default=None, max_digits=14, decimal_places=2, description='Total before tax, "Net", "Subtotal", "Nettobetrag", "Total HT"',
                                         json_schema_extra={"labels": ["net", "subtotal", "sub total", "net amount", "total net", "net total", "nettobetrag", "summe netto", "netto", "gesamt netto", "nettosumme", "summe netto", "total ht", "montant ht", "total hors taxes"]})
    tax_total: Optional[Decimal] = Field(default=None, max_digits=14, decimal_places=2, description='Total tax, "VAT", "Tax", "MwSt", "TVA"',
                                         json_schema_extra={"labels": ["tax", "vat", "total tax", "tax total", "vat total", "total vat", "mwst", "umsatzsteuer", "ust", "steuerbetrag", "steuer", "mehrwertsteuer", "tva", "montant tva", "total tva"]})
    grand_total: Decimal = Field(max_digits=14, decimal_places=2, description='Total including tax, "Total", "Gesamtbetrag", "Bruttobetrag", "Total TTC"',
                                 json_schema_extra={"labels": ["total", "grand total", "invoice total", "total amount", "total due", "amount due", "gesamtbetrag", "bruttobetrag", "brutto", "rechnungsbetrag", "gesamt brutto", "bruttosumme", "summe brutto", "gesamtsumme", "endbetrag", "rechnungssumme brutto", "total ttc", "montant ttc", "net à payer"]})
    line_items: list[InvoiceLine] = Field(default_factory=list, description="The invoice's lines (item table)",
                                          json_schema_extra={"labels": ["line items", "items", "positionen", "lignes"]})

    @model_validator(mode="after")
    def _rules(self):
        if self.due_date and self.due_date < self.issue_date:
            raise ValueError("due_date: due before the invoice was issued")
        if self.net_total is not None and self.tax_total is not None:
            if abs(self.net_total + self.tax_total - self.grand_total) > Decimal("0.05"):
                raise ValueError("grand_total: net_total + tax_total does not add up to grand_total")
        return self
