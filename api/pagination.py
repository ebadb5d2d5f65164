"""Every list is paginated: ``?page=2&page_size=50`` (at most 200 rows a page)."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
