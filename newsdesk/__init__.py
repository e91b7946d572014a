"""newsdesk: a pipeline that collects foreign-affairs news into a relational database."""

__version__ = "0.1.0"
