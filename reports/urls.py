from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("bao-cao/", views.home, name="home"),
    path("bao-cao/cua-toi/", views.jobs, name="jobs"),
    path("bao-cao/tai-lieu/<str:kind>/<str:public_id>/", views.document, name="document"),
    path("bao-cao/viec/<str:public_id>/", views.job, name="job"),
    path("bao-cao/viec/<str:public_id>/tai-ve/", views.download, name="download"),
    path("xac-thuc/<str:code>/", views.verify, name="verify"),
]
