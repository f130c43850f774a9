from django.urls import path

from . import views

app_name = "nominations"

urlpatterns = [
    path("khen-thuong/", views.home, name="home"),
    path("khen-thuong/cua-toi/", views.my_awards, name="my_awards"),
    path("khen-thuong/mo-dot/<str:public_id>/", views.round_create, name="round_create"),
    path("khen-thuong/dot/<str:public_id>/", views.board, name="board"),
    path("khen-thuong/dot/<str:public_id>/han-muc/", views.quotas, name="quotas"),
    path("khen-thuong/dot/<str:public_id>/tham-dinh/", views.queue, name="queue"),
    path("khen-thuong/dot/<str:public_id>/de-nghi/<str:code>/", views.create, name="create"),
    path("khen-thuong/dot/<str:public_id>/hoi-dong/<str:code>/", views.council_create, name="council_create"),
    path("khen-thuong/dot/<str:public_id>/ho-so/<str:code>/", views.submission_create, name="submission_create"),
    path("khen-thuong/dot/<str:public_id>/quyet-dinh/<str:code>/", views.decision_create, name="decision_create"),
    path("khen-thuong/de-nghi/<str:public_id>/", views.detail, name="detail"),
    path("khen-thuong/de-nghi/<str:public_id>/<str:name>/", views.action, name="action"),
    path("khen-thuong/hoi-dong/<str:public_id>/", views.council, name="council"),
    path("khen-thuong/ho-so/<str:public_id>/", views.submission, name="submission"),
    path("khen-thuong/quyet-dinh/<str:public_id>/", views.decision, name="decision"),
    path("cong-khai/khen-thuong/<str:public_id>/", views.public, name="public"),
]
