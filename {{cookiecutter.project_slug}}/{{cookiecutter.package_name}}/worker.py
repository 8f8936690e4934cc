"""Entry point of the Celery worker and scheduler (./run worker, ./run beat):

celery --app {{ cookiecutter.package_name }}.worker:celery_app worker --loglevel INFO
celery --app {{ cookiecutter.package_name }}.worker:celery_app beat --loglevel INFO
"""

from {{ cookiecutter.package_name }}.app import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
