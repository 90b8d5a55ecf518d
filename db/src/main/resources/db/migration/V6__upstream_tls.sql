-- A CA bundle per upstream for its https:// targets (issue 4). Portable: the same statement runs on H2 2.x and
-- PostgreSQL 13+. NULL (every existing upstream) means the JDK's trusted CAs, as before. VARCHAR rather than
-- TEXT/CLOB, as in V4: both databases read it back as a plain string.
ALTER TABLE upstreams ADD COLUMN tls_ca_pem VARCHAR(500000);
