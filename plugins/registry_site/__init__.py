"""Pelican plugin: renders the validated registry (see generator.py for the two passes).

Pelican is imported when it registers the plugin, not with the package: `python -m registry_site`
starts hashing the registry on the other core before it pays for Pelican's imports (build.py)."""


def get_generators(pelican_object):
    from .generator import RegistryGenerator
    return RegistryGenerator


def register():
    from pelican import signals

    from .generator import add_jinja_filters
    signals.initialized.connect(add_jinja_filters)
    signals.get_generators.connect(get_generators)
