"""Pages of the grants app.

* ``cbo``: CBO staff (English and Spanish): open calls, the application form (autosave and the
  checklist of what is missing), their applications and awards, accepting an award.
* ``board``: board members and the chair: meetings, the live vote on the open item,
  reviews with the rubric, conflict declarations.
* ``admin``: fund administrators: calls (open, close), the application pipeline,
  reviewer assignment, recommendation, awards.

Every page parses input and calls ``grants.services`` / ``grants.selectors``; the rules
(who may act, what is missing, states) live there. Objects come through
``organizations.access`` scoping, so another organization's record is a 404.
"""
