package dev.portico.persistence;

import dev.portico.domain.model.HostPattern;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.validation.Validated;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** Valid domain values for the store tests, built the way an operator's input would be. */
final class Fixtures {
    private Fixtures() {
    }

    static Target target(String url, int weight) {
        return switch (Target.parse("target", url, weight)) {
            case Validated.Valid<Target> valid -> valid.value();
            case Validated.Invalid<Target> invalid -> throw new IllegalArgumentException(invalid.errors().toString());
        };
    }

    static Upstream upstream(String name, Target... targets) {
        return new Upstream(name, List.of(targets));
    }

    /** An upstream with one target of the given weight: the weight tells which write a stored value came from. */
    static Upstream upstream(String name, int weight) {
        return upstream(name, target("http://127.0.0.1:9001", weight));
    }

    static Route route(String name, String upstream, String... hosts) {
        return new Route(name, Arrays.stream(hosts).map(HostPattern::new).toList(), "/" + name + "/", upstream,
                false, false, Route.DEFAULT_TIMEOUT);
    }

    static Route route(String name, String upstream, Duration timeout) {
        return new Route(name, List.of(), "/" + name + "/", upstream, false, false, timeout);
    }
}
