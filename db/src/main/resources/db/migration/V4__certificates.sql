-- Certificates the HTTPS listener serves (issue 4). Portable: the same statements run on H2 2.x and PostgreSQL 13+.
-- A certificate comes either from two PEM files Portico reads (certbot's live/<name>/fullchain.pem and privkey.pem),
-- or from PEM text sent to the admin API, kept here so that Portico needs no access to certbot's keys. VARCHAR rather
-- than TEXT/CLOB: both databases read it back as a plain string, and a chain plus key is a few kilobytes.
CREATE TABLE certificates (
    name             VARCHAR(100)             NOT NULL PRIMARY KEY,
    cert_file        VARCHAR(4096),
    key_file         VARCHAR(4096),
    cert_pem         VARCHAR(100000),
    key_pem          VARCHAR(100000),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    -- The configuration revision this certificate was last written at: writes take the next revision, so other
    -- nodes' pollers notice them and load the certificate too.
    updated_revision BIGINT                   NOT NULL,
    CONSTRAINT certificates_one_origin CHECK (
        (cert_file IS NOT NULL AND key_file IS NOT NULL AND cert_pem IS NULL AND key_pem IS NULL)
        OR (cert_file IS NULL AND key_file IS NULL AND cert_pem IS NOT NULL AND key_pem IS NOT NULL))
);
