"""SQLite storage: schema, engine, migrations."""
