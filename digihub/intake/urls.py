from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("ask/", views.public_form, name="public_form"),
    path("ask/thanks/<str:token>/", views.public_thanks, name="public_thanks"),
    path("new/", views.register, name="register"),
    path("mine/", views.mine, name="mine"),
    path("validations/", views.validations, name="validations"),
    path("take/", views.bulk_take, name="bulk_take"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/take/", views.take, name="take"),
    path("<int:pk>/conversation/", views.conversation, name="conversation"),
    path("<int:pk>/waiting/", views.waiting, name="waiting"),
    path("<int:pk>/hand-over/", views.hand_over, name="hand_over"),
    path("<int:pk>/decide/trajectory/", views.decide_trajectory, name="decide_trajectory"),
    path("<int:pk>/decide/route/", views.decide_route, name="decide_route"),
    path("<int:pk>/decide/info/", views.close_info, name="close_info"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/allow/", views.allow, name="allow"),
    path("<int:pk>/validate/", views.validate, name="validate"),
    path("<int:pk>/attach/", views.attach, name="attach"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
