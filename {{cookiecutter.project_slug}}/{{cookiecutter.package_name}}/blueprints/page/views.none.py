from flask import Blueprint, render_template
{%- if cookiecutter.use_redis %}

from {{ cookiecutter.package_name }}.extensions import cache
{%- endif %}

page = Blueprint("page", __name__, template_folder="templates")


@page.get("/")
{%- if cookiecutter.use_redis %}
@cache.cached(timeout=60)
{%- endif %}
def home():
    return render_template("page/home.html")
