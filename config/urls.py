from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from units.errors import signup_unavailable

admin.site.site_header = "Quản trị cổng thi đua"
admin.site.site_title = "Cổng thi đua"

handler500 = "units.errors.server_error"

urlpatterns = [
    # Ahead of allauth's own sign-up URL: with sign-up closed it answers 404, not "Sign Up Closed".
    path("tai-khoan/signup/", signup_unavailable),
    path("tai-khoan/", include("allauth.urls")),
    # The admin signs in through the portal's login (lockout, two-step verification), never its own form.
    path("quan-tri/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("quan-tri/", admin.site.urls),
    path("ke-hoach/", include("campaigns.urls")),
    path("", include("criteria.urls")),
    path("", include("nominations.urls")),
    path("", include("reports.urls")),
    path("", include("units.urls")),
]
