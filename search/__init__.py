"""Site search: one box finding the applications, awards, organizations, opportunities and
reports the signed-in person may see (``search.selectors.search``; page at ``/search/``).

It sits beside ``api`` at the top of the layers: it reads grants and reporting, and nothing
reads it. Every kind is narrowed with ``organizations.access.scoped`` before matching, so a
search never reveals a row its page would answer with 404.
"""
