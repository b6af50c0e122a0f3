"""The warehouse: every statement that touches PostgreSQL lives in this package
(connections, migrations, staging and merge, runs and rejects, the raw archive, reports,
search) and the embedded development server."""
