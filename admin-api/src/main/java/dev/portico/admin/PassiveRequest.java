package dev.portico.admin;

import dev.portico.domain.model.PassiveHealth;
import dev.portico.domain.model.Upstream;

/** An upstream's passive health settings, as written and as shown; absent fields take the domain's defaults. */
record PassiveRequest(Integer maxFailures, Long windowMs, Long ejectMs, Long maxEjectMs, Boolean count5xx) {

    Upstream.PassiveSpec spec() {
        return new Upstream.PassiveSpec(maxFailures, windowMs, ejectMs, maxEjectMs, count5xx);
    }

    static PassiveRequest of(PassiveHealth passive) {
        return new PassiveRequest(passive.maxFailures(), passive.window().toMillis(), passive.ejectFor().toMillis(),
                passive.maxEjectFor().toMillis(), passive.count5xx());
    }
}
