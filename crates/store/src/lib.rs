//! The Store trait and its backends: embedded SQLite (default) and PostgreSQL.
