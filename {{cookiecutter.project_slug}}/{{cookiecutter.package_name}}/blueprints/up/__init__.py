from {{ cookiecutter.package_name }}.blueprints.up.views import up

__all__ = ["up"]
