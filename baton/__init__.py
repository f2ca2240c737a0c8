"""Baton (接力): keeps a company's customers with the company when people leave."""

from baton.celery import app as celery_app

__all__ = ["celery_app"]
