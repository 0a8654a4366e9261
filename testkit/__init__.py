"""What the tests and the benchmarks share: the browser, PostgreSQL and nginx helpers and the
relevance tables. Neither tests/ nor benchmarks/ imports the other (import-linter)."""
