-- +goose Up
{%- if database == "sqlite" %}
-- SQLite stores the timestamps as TEXT. The driver writes them in the format
-- selected by _time_format=sqlite and parses them back into time.Time because
-- the declared column type is TIMESTAMP.
{%- endif %}
CREATE TABLE users (
{%- if database == "postgres" %}
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text NOT NULL,
    email      text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
{%- else %}
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    email      TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
{%- endif %}
);

CREATE UNIQUE INDEX users_email_key ON users (email);

-- +goose Down
DROP TABLE users;
