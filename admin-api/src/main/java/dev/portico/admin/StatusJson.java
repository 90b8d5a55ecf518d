package dev.portico.admin;

import dev.portico.domain.model.ConfigurationStatus;

/** {@code GET /v1/status}: the configuration's revision, when it was committed (ISO-8601, UTC), and its size. */
record StatusJson(long revision, String appliedAt, int routes, int upstreams) {

    static StatusJson of(ConfigurationStatus status) {
        return new StatusJson(status.revision(), status.appliedAt().toString(), status.routes(), status.upstreams());
    }
}
