"""The rule authors' toolkit: lint, test cases, coverage, docs, scaffold, sample data."""
