"""Login, logout and password change: the account pages every user needs.

Only these four. Password *reset* by e-mail is left out on purpose: the bureau
runs no mail server for the dashboard, and an administrator resets a password
in the admin instead. The login page needs no login (``LoginView`` is marked
``login_not_required`` by Django); the lockout page is the login view's own
answer (django-axes), so it needs none either.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from regions.forms import AccountPasswordChangeForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password_change/",
        auth_views.PasswordChangeView.as_view(form_class=AccountPasswordChangeForm),
        name="password_change",
    ),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
