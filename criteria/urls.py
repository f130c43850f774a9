from django.urls import path

from . import views

app_name = "criteria"

urlpatterns = [
    path("tu-danh-gia/", views.home, name="home"),
    path("tu-danh-gia/bat-dau/<str:code>/", views.start, name="start"),
    path("tu-danh-gia/tham-dinh/", views.queue, name="queue"),
    path("tu-danh-gia/tong-hop/", views.summary, name="summary"),
    path("tu-danh-gia/minh-chung/<str:code>/", views.evidence_list, name="evidence_list"),
    path("minh-chung/<str:public_id>/", views.evidence_download, name="evidence_download"),
    path("tu-danh-gia/<str:public_id>/", views.detail, name="detail"),
    path("tu-danh-gia/<str:public_id>/to-tu-danh-gia/", views.team, name="team"),
    path("tu-danh-gia/<str:public_id>/tieu-chi/<int:pk>/", views.entry, name="entry"),
    path("tu-danh-gia/<str:public_id>/buoc/<str:action>/", views.step, name="step"),
    path("tu-danh-gia/<str:public_id>/bien-ban/", views.minutes, name="minutes"),
    path("tu-danh-gia/<str:public_id>/tham-dinh/", views.review, name="review"),
    path("cong-khai/tu-danh-gia/<str:public_id>/", views.public, name="public"),
    path("bo-chi-so/", views.set_list, name="set_list"),
    path("bo-chi-so/<slug:code>/", views.set_detail, name="set_detail"),
    path("bo-chi-so/<slug:code>/xuat/", views.set_export, name="set_export"),
    path("bo-chi-so/<slug:code>/nhap/", views.set_import, name="set_import"),
    path("bo-chi-so/<slug:code>/kich-hoat/", views.set_activate, name="set_activate"),
]
