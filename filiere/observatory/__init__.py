"""Indicateurs publics de la filière numérique par territoire."""
