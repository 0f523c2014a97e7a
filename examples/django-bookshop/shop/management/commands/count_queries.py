"""Django's own count of the SQL each endpoint runs, as the reference perfgate's wire count is checked
against: each path is requested through the full middleware and view stack (Django's test client)
inside CaptureQueriesContext, once to warm up and once counted. Prints {path: statements} as JSON."""
import json

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


class Command(BaseCommand):
    help = "Print the number of SQL statements each given path runs, as Django counts them."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+")

    def handle(self, *args, **options):
        client = Client()
        counts = {}
        for path in options["paths"]:
            client.get(path)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered HTTP {response.status_code}")
            counts[path] = len(captured.captured_queries)
        self.stdout.write(json.dumps(counts))
