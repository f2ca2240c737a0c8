"""Data exchange for the customers domain: imports (migration files and capture channels),
the review queue of unmatched records, and watermarked exports with approval."""
