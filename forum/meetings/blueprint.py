"""The meetings feature's one blueprint; its views live in views.py and planner_views.py."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)
