"""The WSGI entry point: `flask --app app run` and `gunicorn app:app`."""

from forum import create_app

app = create_app()
