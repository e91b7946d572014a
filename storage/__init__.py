"""Storage: models, engines and sessions, repository functions, migrations."""
