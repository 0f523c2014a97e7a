from django.http import HttpResponse
from rest_framework import generics

from .models import Author, Book
from .serializers import AuthorSerializer, BookSerializer

PAGE = 20


def health(request):
    return HttpResponse("ok")


class BookList(generics.ListAPIView):
    """The N+1: 1 query for the books, then 1 per book for its author and 1 per book for its tags."""

    serializer_class = BookSerializer

    def get_queryset(self):
        return Book.objects.order_by("id")[:PAGE]


class BookListFixed(generics.ListAPIView):
    """The same list in 2 queries: authors joined in, tags fetched for all books at once."""

    serializer_class = BookSerializer

    def get_queryset(self):
        return Book.objects.select_related("author").prefetch_related("tags").order_by("id")[:PAGE]


class BookDetail(generics.RetrieveAPIView):
    serializer_class = BookSerializer
    queryset = Book.objects.select_related("author").prefetch_related("tags")


class AuthorList(generics.ListAPIView):
    serializer_class = AuthorSerializer

    def get_queryset(self):
        return Author.objects.order_by("id")[:PAGE]
