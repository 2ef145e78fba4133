"""Pelican plugin: renders the validated registry (see generator.py for the two passes)."""
from pelican import signals

from .generator import RegistryGenerator, add_jinja_filters


def get_generators(pelican_object):
    return RegistryGenerator


def register():
    signals.initialized.connect(add_jinja_filters)
    signals.get_generators.connect(get_generators)
