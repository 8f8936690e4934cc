from {{ cookiecutter.package_name }}.blueprints.accounts.views import accounts

__all__ = ["accounts"]
