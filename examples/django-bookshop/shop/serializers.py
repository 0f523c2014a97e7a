from rest_framework import serializers

from .models import Author, Book


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ["id", "name"]


class BookSerializer(serializers.ModelSerializer):
    # Nested author and tag names: on a plain queryset each book loads its author and its tags
    # with a query of its own (the N+1 that select_related/prefetch_related remove).
    author = AuthorSerializer()
    tags = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Book
        fields = ["id", "title", "price_cents", "author", "tags"]
