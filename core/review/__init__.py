"""Fair review: evidence about raters, estimated from all ratings of a run.

- :mod:`kinerja.review.effects` fits the additive rater-effects model (employee level +
  aspect effect + rater effect) by sparse least squares: :func:`fit_effects`.
- :mod:`kinerja.review.findings` reads the model and the ratings into per-rater
  findings (leniency, severity, supervisor gap, straight-lining, self-inflation, halo),
  each with its evidence in numbers and in words: :func:`find_biases`.
- :mod:`kinerja.review.planted` makes a synthetic workforce with planted biased
  raters, for the tests and the bench: :func:`planted_workforce`.
"""
