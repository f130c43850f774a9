from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Quản trị cổng thi đua"
admin.site.site_title = "Cổng thi đua"

urlpatterns = [
    path("tai-khoan/", include("allauth.urls")),
    path("quan-tri/", admin.site.urls),
    path("ke-hoach/", include("campaigns.urls")),
    path("", include("criteria.urls")),
    path("", include("nominations.urls")),
    path("", include("reports.urls")),
    path("", include("units.urls")),
]
