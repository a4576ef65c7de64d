from django.apps import AppConfig


class RoadmapsConfig(AppConfig):
    name = "filiere.roadmaps"
    label = "roadmaps"
