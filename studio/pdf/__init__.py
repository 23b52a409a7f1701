"""PDF documents from plain data: ``render_pdf(data)`` picks the renderer."""

from __future__ import annotations

from studio.pdf.base import Renderer
from studio.pdf.contract import ContractRenderer
from studio.pdf.data import ContractData, DocumentData, ReceiptData
from studio.pdf.documents import CreditNoteRenderer, InvoiceRenderer, QuoteRenderer
from studio.pdf.receipt import ReceiptRenderer

__all__ = [
    "ContractRenderer",
    "CreditNoteRenderer",
    "InvoiceRenderer",
    "QuoteRenderer",
    "ReceiptRenderer",
    "Renderer",
    "render_pdf",
]

_DOCUMENTS = {
    "invoice": InvoiceRenderer(),
    "quote": QuoteRenderer(),
    "credit_note": CreditNoteRenderer(),
}
_RECEIPT = ReceiptRenderer()
_CONTRACT = ContractRenderer()


def render_pdf(data: DocumentData | ReceiptData | ContractData) -> bytes:
    if isinstance(data, DocumentData):
        try:
            renderer = _DOCUMENTS[data.kind]
        except KeyError:
            raise ValueError(f"no renderer for document kind {data.kind!r}") from None
        return renderer.render(data)
    if isinstance(data, ReceiptData):
        return _RECEIPT.render(data)
    if isinstance(data, ContractData):
        return _CONTRACT.render(data)
    raise TypeError(f"no renderer for {type(data).__name__}")
