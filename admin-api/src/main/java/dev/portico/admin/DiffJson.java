package dev.portico.admin;

import dev.portico.domain.model.ConfigurationDiff;

import java.util.List;

/**
 * The answer to {@code PUT /v1/config}: what the replacement added, changed and removed, by name. With
 * {@code dryRun} nothing was applied and {@code revision} is the one the diff was computed against; otherwise it is
 * the revision at which the new configuration is committed and live (unchanged when nothing differed).
 */
record DiffJson(boolean dryRun, long revision, NamesJson added, NamesJson changed, NamesJson removed) {

    record NamesJson(List<String> upstreams, List<String> routes) {
        static NamesJson of(ConfigurationDiff.Names names) {
            return new NamesJson(names.upstreams(), names.routes());
        }
    }

    static DiffJson of(boolean dryRun, long revision, ConfigurationDiff diff) {
        return new DiffJson(dryRun, revision, NamesJson.of(diff.added()), NamesJson.of(diff.changed()),
                NamesJson.of(diff.removed()));
    }
}
