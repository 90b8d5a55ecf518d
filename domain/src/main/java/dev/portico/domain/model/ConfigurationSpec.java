package dev.portico.domain.model;

import dev.portico.domain.validation.Errors;
import dev.portico.domain.validation.FieldError;
import dev.portico.domain.validation.Validated;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A whole configuration as an operator wrote it: upstreams and routes keyed by name. Absent maps are errors rather
 * than "none", because replacing the configuration with a document that forgot its routes would delete them all.
 *
 * @param upstreams each upstream by name; a null value is an upstream given as JSON null
 * @param routes    each route by name; a null value is a route given as JSON null
 */
public record ConfigurationSpec(Map<String, Upstream.UpstreamSpec> upstreams, Map<String, Route.RouteSpec> routes) {

    /** A document whose upstreams give only their targets (every other upstream setting at its default). */
    public static ConfigurationSpec ofTargets(Map<String, List<Upstream.TargetSpec>> upstreams,
                                              Map<String, Route.RouteSpec> routes) {
        Map<String, Upstream.UpstreamSpec> specs = null;
        if (upstreams != null) {
            specs = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, List<Upstream.TargetSpec>> entry : upstreams.entrySet()) {
                specs.put(entry.getKey(), entry.getValue() == null ? null : Upstream.UpstreamSpec.of(entry.getValue()));
            }
        }
        return new ConfigurationSpec(specs, routes);
    }

    /**
     * Checks everything at once, each error named by its path in the document ({@code upstreams.app.targets[0].url},
     * {@code routes.api.upstream}). A route may use an upstream defined in the same document, and only such a one.
     */
    public Validated<ConfigurationContent> parse() {
        Errors errors = new Errors();
        List<Upstream> parsedUpstreams = new ArrayList<>();
        List<Route> parsedRoutes = new ArrayList<>();
        if (upstreams == null) {
            errors.add("upstreams", "is required: an object of upstreams by name ({} for none)");
        } else {
            // Sorted, so that errors come in the same order whatever order the map had.
            new TreeMap<>(upstreams).forEach((name, upstream) -> {
                String path = "upstreams." + shown(name);
                if (!ResourceName.isValid(name)) {
                    nameError(path, name, errors);
                } else if (upstream == null) {
                    errors.add(path, "must be an upstream object with targets");
                } else {
                    switch (Upstream.parse(name, upstream)) {
                        case Validated.Valid<Upstream> valid -> parsedUpstreams.add(valid.value());
                        case Validated.Invalid<Upstream> invalid -> errors.addAll(prefixed(path, invalid.errors()));
                    }
                }
            });
        }
        if (routes == null) {
            errors.add("routes", "is required: an object of routes by name ({} for none)");
        } else {
            new TreeMap<>(routes).forEach((name, spec) -> {
                String path = "routes." + shown(name);
                if (!ResourceName.isValid(name)) {
                    nameError(path, name, errors);
                } else if (spec == null) {
                    errors.add(path, "must be a route object");
                } else {
                    switch (Route.parse(name, spec)) {
                        case Validated.Valid<Route> valid -> {
                            parsedRoutes.add(valid.value());
                            if (upstreams != null && !upstreams.containsKey(spec.upstream())) {
                                errors.add(path + ".upstream", "names the upstream '" + spec.upstream()
                                        + "', which this document does not define; add it under upstreams");
                            }
                        }
                        case Validated.Invalid<Route> invalid -> errors.addAll(prefixed(path, invalid.errors()));
                    }
                }
            });
        }
        return errors.orValid(() -> new ConfigurationContent(parsedUpstreams, parsedRoutes));
    }

    /**
     * A name or key as a path shows it: as it is, unless it is blank or holds control characters, which a reader
     * could not see; those are quoted and escaped as in JSON ({@code ""}, {@code " "}, {@code "\u0007"}).
     */
    public static String shown(String name) {
        if (!name.isBlank() && name.chars().noneMatch(Character::isISOControl)) {
            return name;
        }
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : name.toCharArray()) {
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (Character.isISOControl(c)) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    private static void nameError(String path, String name, Errors errors) {
        Errors nameErrors = new Errors();
        ResourceName.check(path, name, nameErrors);
        errors.addAll(nameErrors.list());
    }

    /** {@code targets[0].url} of upstream {@code app} becomes {@code upstreams.app.targets[0].url}. */
    private static List<FieldError> prefixed(String path, List<FieldError> errors) {
        return errors.stream().map(e -> new FieldError(path + "." + e.field(), e.message())).toList();
    }
}
