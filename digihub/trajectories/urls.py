from django.urls import path

from . import views

app_name = "trajectories"
urlpatterns = [
    path("", views.trajectory_list, name="list"),
    path("partner/", views.partner_workspace, name="partner_workspace"),
    path("mine/", views.sme_workspace, name="sme_workspace"),
    path("calendar.ics", views.calendar_ics, name="calendar"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/quotes/new/", views.quote_edit, name="quote_new"),
    path("<int:pk>/quotes/split/", views.quote_split, name="quote_split"),
    path("<int:pk>/quotes/<int:quote_pk>/edit/", views.quote_edit, name="quote_edit"),
    path("<int:pk>/quotes/<int:quote_pk>/issue/", views.quote_issue, name="quote_issue"),
    path("<int:pk>/quotes/<int:quote_pk>/pdf/", views.quote_pdf, name="quote_pdf"),
    path("<int:pk>/quotes/<int:quote_pk>/sign/", views.quote_sign, name="quote_sign"),
    path(
        "<int:pk>/quotes/<int:quote_pk>/signed-copy/",
        views.quote_signed_copy,
        name="quote_signed_copy",
    ),
    path(
        "<int:pk>/quotes/<int:quote_pk>/signed-copy/file/",
        views.quote_copy_file,
        name="quote_copy_file",
    ),
    path("<int:pk>/sessions/", views.session_add, name="session_add"),
    path(
        "<int:pk>/sessions/<int:session_pk>/outcome/", views.session_outcome, name="session_outcome"
    ),
    path("<int:pk>/sessions/<int:session_pk>.ics", views.session_ics, name="session_ics"),
    path("<int:pk>/advice/", views.advice, name="advice"),
    path("<int:pk>/advice/file/", views.advice_file, name="advice_file"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/stop/", views.stop, name="stop"),
    path("<int:pk>/partner/", views.change_partner, name="change_partner"),
    path("<int:pk>/survey/", views.survey, name="survey"),
]
