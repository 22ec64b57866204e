"""Storage: engine, sessions, column types and migrations. The only layer that creates engines."""
