package dev.portico.domain.model;

/** What an admin API token may do. Each scope includes the ones before it. */
public enum TokenScope {
    /** GET requests only. */
    READ,
    /** Also change routes, upstreams and the configuration. */
    WRITE,
    /** Also manage tokens. */
    ADMIN;

    public boolean allows(TokenScope needed) {
        return compareTo(needed) >= 0;
    }
}
