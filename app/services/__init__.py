"""Business rules as plain functions, called by views and the CLI alike."""
