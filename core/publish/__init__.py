"""Open publication: a region's results as a static site, private where its rules say.

:func:`kinerja.publish.publish.publish` is what ``kinerja publish`` calls. The stages,
one module each: reading the run's JSON results, keeping only what a site may show
(:mod:`~kinerja.publish.results`), what the rules make public and the units too small
to show by person (:mod:`~kinerja.publish.privacy`), each ASN's change since the last
site (:mod:`~kinerja.publish.since`), the criteria in words
(:mod:`~kinerja.publish.criteria`), the pages (:mod:`~kinerja.publish.site`, its
templates in ``templates/``), the downloads and their ``datapackage.json``
(:mod:`~kinerja.publish.downloads`, :mod:`~kinerja.publish.datapackage`), and the
swap that replaces a site whole (:mod:`~kinerja.publish.swap`).
"""
