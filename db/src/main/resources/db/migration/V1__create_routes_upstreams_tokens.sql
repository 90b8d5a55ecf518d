-- Portico's schema. Portable: the same statements run on H2 2.x and PostgreSQL 13+.
-- Never edit a migration once released; add V2__... instead.

-- One row: the revision every write increments inside its own transaction. Updating this row also
-- serialises concurrent writers, and lets nodes sharing a database notice each other's changes.
CREATE TABLE config_revision (
    id         INTEGER                  NOT NULL PRIMARY KEY,
    revision   BIGINT                   NOT NULL,
    applied_at TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO config_revision (id, revision, applied_at) VALUES (1, 0, CURRENT_TIMESTAMP);

CREATE TABLE upstreams (
    name       VARCHAR(100)             NOT NULL PRIMARY KEY,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE upstream_targets (
    upstream_name VARCHAR(100)  NOT NULL REFERENCES upstreams (name) ON DELETE CASCADE,
    position      INTEGER       NOT NULL,
    url           VARCHAR(2048) NOT NULL,
    weight        INTEGER       NOT NULL,
    PRIMARY KEY (upstream_name, position)
);

CREATE TABLE routes (
    name          VARCHAR(100)             NOT NULL PRIMARY KEY,
    path_prefix   VARCHAR(1024)            NOT NULL,
    upstream_name VARCHAR(100)             NOT NULL REFERENCES upstreams (name),
    strip_prefix  BOOLEAN                  NOT NULL,
    preserve_host BOOLEAN                  NOT NULL,
    timeout_ms    BIGINT                   NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX routes_upstream_name ON routes (upstream_name);

CREATE TABLE route_hosts (
    route_name VARCHAR(100) NOT NULL REFERENCES routes (name) ON DELETE CASCADE,
    position   INTEGER      NOT NULL,
    host       VARCHAR(255) NOT NULL,
    PRIMARY KEY (route_name, position)
);

CREATE TABLE admin_tokens (
    name       VARCHAR(100)             NOT NULL PRIMARY KEY,
    sha256_hex CHAR(64)                 NOT NULL,
    scope      VARCHAR(16)              NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
