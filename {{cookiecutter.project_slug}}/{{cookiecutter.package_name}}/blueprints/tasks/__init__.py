from {{ cookiecutter.package_name }}.blueprints.tasks.views import tasks

__all__ = ["tasks"]
