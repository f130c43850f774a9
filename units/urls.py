from django.urls import path

from . import views

app_name = "units"

urlpatterns = [
    path("", views.home, name="home"),
    path("ho-so/", views.profile, name="profile"),
    path("don-vi/", views.unit_list, name="unit_list"),
    path("don-vi/<str:code>/", views.unit_detail, name="unit_detail"),
    path("don-vi/<str:code>/truc-thuoc/", views.unit_children, name="unit_children"),
    path("don-vi/<str:code>/them/", views.unit_create, name="unit_create"),
    path("don-vi/<str:code>/sua/", views.unit_edit, name="unit_edit"),
    path("don-vi/<str:code>/chuyen/", views.unit_move, name="unit_move"),
    path("don-vi/<str:code>/can-bo/", views.person_list, name="person_list"),
    path("don-vi/<str:code>/can-bo/them/", views.person_create, name="person_create"),
    path("don-vi/<str:code>/phan-quyen/", views.membership_list, name="membership_list"),
    path("don-vi/<str:code>/khoi-thi-dua/them/", views.block_create, name="block_create"),
    path("can-bo/<str:public_id>/", views.person_detail, name="person_detail"),
    path("can-bo/<str:public_id>/sua/", views.person_edit, name="person_edit"),
    path("can-bo/<str:public_id>/tai-khoan/", views.person_account, name="person_account"),
    path("phan-quyen/<str:public_id>/thu-hoi/", views.membership_revoke, name="membership_revoke"),
    path("khoi-thi-dua/", views.block_list, name="block_list"),
    path("khoi-thi-dua/<str:public_id>/", views.block_detail, name="block_detail"),
    path("khoi-thi-dua/<str:public_id>/sua/", views.block_edit, name="block_edit"),
    path("thong-bao/", views.message_list, name="messages"),
    path("thong-bao/da-doc/", views.message_read, name="message_read"),
    path("thong-bao/tuy-chon/", views.message_preferences, name="message_preferences"),
    path("thong-bao/hop-thu-di/", views.outbox, name="outbox"),
    path("can-bo/<str:public_id>/mo-khoa/", views.person_unlock, name="person_unlock"),
    path("ho-so/dang-xuat-moi-noi/", views.logout_everywhere, name="logout_everywhere"),
    path("nhat-ky/", views.audit_log, name="audit_log"),
    path("healthz", views.healthz, name="healthz"),
]
