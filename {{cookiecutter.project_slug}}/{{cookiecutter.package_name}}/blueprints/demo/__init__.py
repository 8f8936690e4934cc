from {{ cookiecutter.package_name }}.blueprints.demo.views import demo

__all__ = ["demo"]
