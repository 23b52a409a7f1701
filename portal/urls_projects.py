"""Portal pages: projects, tracks and their review."""

from django.urls import path

from portal.views import projects

urlpatterns = [
    path("projects/", projects.project_list, name="projects"),
    path("projects/<int:pk>/", projects.project_detail, name="project"),
    path("tracks/<int:pk>/", projects.track_detail, name="track"),
    path("tracks/<int:pk>/comments/", projects.comment_create, name="comment_add"),
    path("versions/<int:pk>/approve/", projects.version_approve, name="version_approve"),
    path("comments/<int:pk>/resolve/", projects.comment_resolve, name="comment_resolve"),
]
