from {{ cookiecutter.package_name }}.blueprints.page.views import page

__all__ = ["page"]
