"""Templates of a standalone region package, written by ``kinerja new-region``.

Each ``*.tmpl`` file is one generated file; ``{{placeholder}}`` marks what
:mod:`kinerja.authoring.scaffold` fills in. See
:data:`kinerja.authoring.scaffold.FILES` for where each goes.
"""
