"""The published site's templates (jinja2, autoescaped), style sheet and search script."""
