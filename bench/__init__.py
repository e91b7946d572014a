"""Benchmarks that measure newsdesk's components on third-party data, kept outside the package."""
