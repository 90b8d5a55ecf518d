package dev.portico.domain.port;

import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.ConfigurationSpec;
import dev.portico.domain.model.ConfigurationStatus;

/** Inbound port of the admin API: the configuration as a whole. An Applied outcome means committed and live. */
public interface ManageConfiguration {

    /** Everything stored, as of one revision. */
    Configuration configuration();

    ConfigurationStatus status();

    /** Validates {@code spec} and answers what applying it would change, without applying it. */
    ApplyOutcome preview(ConfigurationSpec spec, Precondition precondition);

    /**
     * Replaces the whole configuration with {@code spec} in one transaction: what is gone is deleted, what changed is
     * written, what is unchanged is left alone (keeping its revision). The precondition is on the global revision.
     */
    ApplyOutcome apply(ConfigurationSpec spec, Precondition precondition, Change change);
}
