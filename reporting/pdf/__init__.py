"""The PDF framework every report document is built with (ReportLab platypus).

* ``fonts``: the embedded Unicode TrueType font and per-character fallback;
* ``template``: page template with running header/footer, "Page X of Y", DRAFT
  watermark, outline (bookmarks) and document metadata;
* ``flowables``: headings that become bookmarks, tables split into chunks, key/value blocks;
* ``charts``: bar charts drawn with reportlab.graphics.

Renderers receive typed document data (frozen dataclasses of Decimals, dates and text) and never touch the ORM.
"""
