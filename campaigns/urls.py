from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("tao/", views.campaign_create, name="create"),
    path("<str:public_id>/", views.campaign_detail, name="detail"),
    path("<str:public_id>/sua/", views.campaign_edit, name="edit"),
    path("<str:public_id>/them/<slug:part>/", views.campaign_part_add, name="part_add"),
    path("<str:public_id>/xoa/<slug:part>/<int:pk>/", views.campaign_part_delete, name="part_delete"),
    path("<str:public_id>/ban-hanh/", views.campaign_publish, name="publish"),
    path("<str:public_id>/ket-thuc/", views.campaign_close, name="close"),
    path("<str:public_id>/nhan-ban/", views.campaign_clone, name="clone"),
    path("<str:public_id>/huong-ung/", views.campaign_answer, name="answer"),
    path("<str:public_id>/bao-cao/<str:code>/<str:period>/", views.target_report, name="target_report"),
    path("<str:public_id>/van-ban/", views.attachment_upload, name="attachment_upload"),
    path("<str:public_id>/van-ban/tai-ve/", views.attachment_download, name="attachment_download"),
    path("han-nop/<str:public_id>/dieu-chinh/", views.deadline_change, name="deadline_change"),
    path("chi-tieu/<str:public_id>/dieu-chinh/", views.target_change, name="target_change"),
    path("nghia-vu/<str:public_id>/mo-lai/", views.obligation_reopen, name="obligation_reopen"),
    path("nghia-vu/<str:public_id>/mien/", views.obligation_excuse, name="obligation_excuse"),
    path("nhiem-vu/<str:public_id>/cap-nhat/", views.task_note, name="task_note"),
]
