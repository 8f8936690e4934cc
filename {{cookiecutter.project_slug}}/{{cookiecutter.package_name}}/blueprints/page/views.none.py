from flask import Blueprint, render_template

page = Blueprint("page", __name__, template_folder="templates")


@page.get("/")
def home():
{%- if cookiecutter.use_redis %}
    # Never cached whole: the page carries its visitor's own CSRF token.
{%- endif %}
    return render_template("page/home.html")
