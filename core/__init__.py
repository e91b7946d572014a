"""The foundation every other package stands on: settings, errors, the shared records, the
vocabulary of outcomes, URL and date helpers, logging set-up. It imports nothing of ours
(an import-linter contract in pyproject.toml makes that a test)."""
