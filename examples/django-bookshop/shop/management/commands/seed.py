"""Deterministic data: 30 authors, 8 tags, 200 books with 2 tags each. A no-op when already seeded."""
from django.core.management.base import BaseCommand
from django.db import transaction

from shop.models import Author, Book, Tag


class Command(BaseCommand):
    help = "Seed the bookshop with deterministic data (idempotent)."

    def handle(self, *args, **options):
        if Book.objects.exists():
            self.stdout.write("already seeded")
            return
        with transaction.atomic():
            authors = Author.objects.bulk_create([Author(name=f"Author {i}") for i in range(1, 31)])
            tags = Tag.objects.bulk_create([Tag(name=f"tag-{i}") for i in range(1, 9)])
            books = Book.objects.bulk_create(
                [
                    Book(title=f"Book {i}", author=authors[i % len(authors)], price_cents=500 + (i * 37) % 4000)
                    for i in range(1, 201)
                ]
            )
            links = [
                Book.tags.through(book_id=book.id, tag_id=tags[(i + k) % len(tags)].id)
                for i, book in enumerate(books)
                for k in (0, 3)
            ]
            Book.tags.through.objects.bulk_create(links)
        self.stdout.write(f"seeded {len(books)} books")
