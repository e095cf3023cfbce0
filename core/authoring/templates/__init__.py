"""Templates of the files kinerja generates (read as package data, never imported)."""
