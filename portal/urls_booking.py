"""Booking, paying and managing sessions in the portal."""

from django.urls import path

urlpatterns: list = []
