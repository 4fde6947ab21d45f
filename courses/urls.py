from django.urls import path

from . import views

app_name = "courses"
urlpatterns = [
    path("", views.home, name="home"),
    path("my-learning/", views.my_learning, name="my_learning"),
    path("help/", views.get_help, name="help"),
    path("help/outside-the-united-states/", views.outside_us, name="outside_us"),
    path("help/report-checklist/", views.report_checklist, name="report_checklist"),
    path("glossary/", views.glossary, name="glossary"),
    path("about/how-this-course-was-made/", views.how_made, name="how_made"),
    path("about/warning-signs/", views.warning_signs, name="warning_signs"),
    path("handouts/", views.handout_list, name="handouts"),
    path("handouts/<slug:slug>/", views.handout_detail, name="handout"),
    path("handouts/<slug:slug>/pdf/", views.handout_pdf_download, name="handout_pdf"),
    path("modules/<slug:slug>/", views.module_detail, name="module"),
    path("modules/<slug:slug>/continue/", views.module_continue, name="module_continue"),
    path("modules/<slug:slug>/lessons/<slug:lesson_slug>/", views.lesson_detail, name="lesson"),
    path(
        "modules/<slug:slug>/lessons/<slug:lesson_slug>/complete/",
        views.lesson_mark_complete,
        name="lesson_complete",
    ),
    path("practice/<slug:slug>/", views.practice_intro, name="practice"),
    path("practice/<slug:slug>/play/", views.practice_play, name="practice_play"),
    path("practice/<slug:slug>/restart/", views.practice_restart, name="practice_restart"),
]
