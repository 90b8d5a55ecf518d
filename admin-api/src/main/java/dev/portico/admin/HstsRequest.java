package dev.portico.admin;

import dev.portico.domain.model.Hsts;
import dev.portico.domain.model.Route;

/** A route's Strict-Transport-Security policy, as written and as shown. */
record HstsRequest(Long maxAgeSeconds, Boolean includeSubDomains, Boolean preload) {

    Route.HstsSpec spec() {
        return new Route.HstsSpec(maxAgeSeconds, includeSubDomains, preload);
    }

    static HstsRequest of(Hsts hsts) {
        return new HstsRequest(hsts.maxAge().toSeconds(), hsts.includeSubDomains(), hsts.preload());
    }
}
