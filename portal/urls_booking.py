"""Booking, paying and managing sessions in the portal."""

from django.urls import path

from portal.views import booking, slots

urlpatterns = [
    path("book/", booking.book, name="book"),
    path("book/slots/", slots.slot_list, name="slots"),
    path("book/hold/", booking.hold, name="hold"),
    path("bookings/<int:pk>/", booking.booking, name="booking"),
    path("bookings/<int:pk>/pay/", booking.pay, name="pay"),
    path("bookings/<int:pk>/pay/return/", booking.pay_return, name="pay_return"),
    path("bookings/<int:pk>/cancel/", booking.cancel, name="cancel"),
    path("bookings/<int:pk>/move/", booking.move, name="move"),
]
