"""Sign-in, registration, password and sign-out pages of the portal."""

from django.urls import path

urlpatterns: list = []
