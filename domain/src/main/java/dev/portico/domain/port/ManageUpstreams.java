package dev.portico.domain.port;

import dev.portico.domain.model.Stored;
import dev.portico.domain.model.Upstream;

import java.util.List;
import java.util.Optional;

/** Inbound port of the admin API: upstreams by name. A 2xx-worthy outcome means committed and live. */
public interface ManageUpstreams {

    List<Upstream> upstreams();

    Optional<Upstream> upstream(String name);

    /** The upstream with the revision it was last written at (its ETag). */
    Optional<Stored<Upstream>> storedUpstream(String name);

    /** Creates or replaces an upstream with every setting as written (absent ones at their defaults). */
    PutOutcome<Upstream> putUpstream(String name, Upstream.UpstreamSpec spec, Precondition precondition,
                                     Change change);

    /** Creates or replaces an upstream with only its targets given; every other setting at its default. */
    default PutOutcome<Upstream> putUpstream(String name, List<Upstream.TargetSpec> targets, Precondition precondition,
                                             Change change) {
        return putUpstream(name, Upstream.UpstreamSpec.of(targets), precondition, change);
    }

    Deletion deleteUpstream(String name, Precondition precondition, Change change);

    /** An unconditional put on Portico's own account. */
    default PutOutcome<Upstream> putUpstream(String name, List<Upstream.TargetSpec> targets) {
        return putUpstream(name, targets, Precondition.Unconditional.INSTANCE, Change.SYSTEM);
    }

    /** An unconditional delete on Portico's own account. */
    default Deletion deleteUpstream(String name) {
        return deleteUpstream(name, Precondition.Unconditional.INSTANCE, Change.SYSTEM);
    }
}
