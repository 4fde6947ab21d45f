from django.urls import path

from . import views

app_name = "quizzes"
urlpatterns = [
    path("modules/<slug:slug>/quiz/", views.quiz, name="quiz"),
    path("quiz-results/<str:token>/", views.result, name="result"),
    path("modules/<slug:slug>/refresher/", views.refresher, name="refresher"),
    path("refreshers/<str:token>/", views.refresher_result, name="refresher_result"),
]
