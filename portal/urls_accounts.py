"""Sign-in, registration, password and sign-out pages of the portal."""

from django.urls import path

from portal.views import accounts

urlpatterns = [
    path("sign-in/", accounts.sign_in, name="sign_in"),
    path("sign-out/", accounts.sign_out, name="sign_out"),
    path("register/", accounts.register, name="register"),
    # The e-mailed links: /link/sign_in/<secret>/, /link/invite/…, /link/reset/….
    path("link/<slug:purpose>/<str:secret>/", accounts.link, name="link"),
    path("password/reset/", accounts.password_reset, name="password_reset"),
    path("password/", accounts.password_set, name="password_set"),
]
