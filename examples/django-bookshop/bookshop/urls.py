from django.urls import path

from shop import views

urlpatterns = [
    path("health", views.health),
    path("books/", views.BookList.as_view()),
    path("books/fixed/", views.BookListFixed.as_view()),
    path("books/<int:pk>/", views.BookDetail.as_view()),
    path("authors/", views.AuthorList.as_view()),
]
