"""What the card form's script is told after a charge, for every card payment of the portal
(a session's deposit, an invoice): go on, let the bank check (3-D Secure), or try another card.
The script (portal/static/portal/pay.js) reads exactly these keys."""

from __future__ import annotations

from django.http import JsonResponse

from studio.models import CardPayment


def charge_answer(payment: CardPayment, *, done: str, return_url: str) -> JsonResponse:
    if payment.status == CardPayment.Status.ACTION:
        secret = getattr(payment, "client_secret", "")
        if not secret:  # a second tab: the first one is showing the bank's check
            return JsonResponse({"ok": True, "next": done})
        return JsonResponse({"ok": True, "action": secret, "return": return_url, "next": done})
    if payment.status == CardPayment.Status.FAILED:
        message = payment.failure_message or "Your card was declined."
        return JsonResponse(
            {"ok": False, "reload": True, "message": f"{message} Try another card."}, status=402
        )
    return JsonResponse({"ok": True, "next": done})


def bank_check_answer(payment: CardPayment | None, *, done: str) -> JsonResponse:
    """After the bank's check in the browser, from what Stripe says (never the browser)."""
    if payment is not None and payment.status == CardPayment.Status.FAILED:
        return JsonResponse(
            {
                "ok": False,
                "reload": True,
                "message": "The bank did not approve the payment. Try again.",
            },
            status=402,
        )
    return JsonResponse({"ok": True, "next": done})


def refused_answer(message: str) -> JsonResponse:
    return JsonResponse({"ok": False, "message": message}, status=409)
