-- +goose Up
{%- if database == "sqlite" %}
-- SQLite stores the timestamps as TEXT. The driver writes them in the format
-- selected by _time_format=sqlite and parses them back into time.Time because
-- the declared column type is TIMESTAMP.
{%- elif database == "mysql" %}
-- DATETIME(6) keeps microseconds and no time zone: the driver writes and reads
-- UTC (loc=UTC). The email column compares bytes (utf8mb4_bin), as PostgreSQL
-- and SQLite do, instead of the server's case- and accent-insensitive default
-- collation.
{%- endif %}
CREATE TABLE users (
{%- if database == "postgres" %}
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text NOT NULL,
    email      text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
{%- elif database == "mysql" %}
    id         BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name       VARCHAR(100) NOT NULL,
    email      VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL
{%- else %}
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    email      TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
{%- endif %}
){% if database == "mysql" %} ENGINE = InnoDB DEFAULT CHARSET = utf8mb4{% endif %};

CREATE UNIQUE INDEX users_email_key ON users (email);

-- +goose Down
DROP TABLE users;
