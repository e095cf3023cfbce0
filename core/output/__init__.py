"""Writing a run: results and rejects as xlsx, csv or json (atomic, as a pair), and explain."""
