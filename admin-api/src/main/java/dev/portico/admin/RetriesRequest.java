package dev.portico.admin;

import dev.portico.domain.model.RetryPolicy;
import dev.portico.domain.model.Upstream;

/** An upstream's retry budget, as written and as shown: retries after the first try, and the time for all of them. */
record RetriesRequest(Integer attempts, Long totalTimeoutMs) {

    Upstream.RetriesSpec spec() {
        return new Upstream.RetriesSpec(attempts, totalTimeoutMs);
    }

    static RetriesRequest of(RetryPolicy retries) {
        return new RetriesRequest(retries.attempts(), retries.totalTimeout().toMillis());
    }
}
