package dev.portico.domain.port;

import dev.portico.domain.health.TargetHealth;

import java.util.List;
import java.util.Optional;

/** Inbound port of the admin API: each target's health, since when, why, and requests in flight. */
public interface ReadUpstreamHealth {

    /** The live upstream's targets in configured order; empty when no live upstream has that name. */
    Optional<List<TargetHealth>> upstreamHealth(String name);
}
