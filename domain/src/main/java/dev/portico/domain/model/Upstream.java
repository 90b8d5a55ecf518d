package dev.portico.domain.model;

import dev.portico.domain.validation.Errors;
import dev.portico.domain.validation.Validated;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A named set of targets that routes forward to. */
public record Upstream(String name, List<Target> targets) {
    public static final int MAX_TARGETS = 256;

    public Upstream {
        ResourceName.require(name);
        targets = List.copyOf(targets);
        if (targets.isEmpty() || targets.stream().noneMatch(t -> t.weight() > 0)) {
            throw new IllegalArgumentException("upstream " + name + " needs a target with a positive weight");
        }
    }

    /** One target as an operator wrote it: the URL and an optional weight (default 1). */
    public record TargetSpec(String url, Integer weight) {
    }

    /** Checks an upstream as an operator wrote it; every error is reported at once. */
    public static Validated<Upstream> parse(String name, List<TargetSpec> targets) {
        Errors errors = new Errors();
        ResourceName.check("name", name, errors);
        List<Target> parsed = new ArrayList<>();
        // Where each URL first appeared, so that every repeat is reported, even beside other errors.
        Map<String, Integer> firstIndexOfUrl = new HashMap<>();
        if (targets == null || targets.isEmpty()) {
            errors.add("targets", "needs at least one target");
        } else if (targets.size() > MAX_TARGETS) {
            errors.add("targets", "has more than " + MAX_TARGETS + " targets");
        } else {
            for (int i = 0; i < targets.size(); i++) {
                TargetSpec spec = targets.get(i);
                String field = "targets[" + i + "]";
                if (spec == null) {
                    errors.add(field, "must be an object with a url");
                    continue;
                }
                switch (Target.parse(field, spec.url(), spec.weight())) {
                    case Validated.Valid<Target> valid -> {
                        parsed.add(valid.value());
                        Integer first = firstIndexOfUrl.putIfAbsent(valid.value().url(), i);
                        if (first != null) {
                            errors.add(field + ".url", "repeats targets[" + first + "]; give it a larger weight instead");
                        }
                    }
                    case Validated.Invalid<Target> invalid -> errors.addAll(invalid.errors());
                }
            }
            // Only when every target was understood: an invalid one might have been the one with a weight.
            if (parsed.size() == targets.size() && parsed.stream().noneMatch(t -> t.weight() > 0)) {
                errors.add("targets", "needs at least one target with a weight above 0");
            }
        }
        return errors.orValid(() -> new Upstream(name, parsed));
    }
}
