package dev.portico.domain.port;

import dev.portico.domain.model.Upstream;

import java.util.List;
import java.util.Optional;

/** Inbound port of the admin API: upstreams by name. A 2xx-worthy outcome means committed and live. */
public interface ManageUpstreams {

    List<Upstream> upstreams();

    Optional<Upstream> upstream(String name);

    PutOutcome<Upstream> putUpstream(String name, List<Upstream.TargetSpec> targets);

    Deletion deleteUpstream(String name);
}
