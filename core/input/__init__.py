"""Reading and validating input: readers, cells, NIPs, record rows, the input spec."""
