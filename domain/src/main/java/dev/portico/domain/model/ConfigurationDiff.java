package dev.portico.domain.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/** What replacing one configuration by another does, by name: added, changed and removed upstreams and routes. */
public record ConfigurationDiff(Names added, Names changed, Names removed) {

    /** Names of upstreams and of routes, each list sorted. */
    public record Names(List<String> upstreams, List<String> routes) {
        public static final Names NONE = new Names(List.of(), List.of());

        public Names {
            upstreams = upstreams.stream().sorted().toList();
            routes = routes.stream().sorted().toList();
        }

        public boolean isEmpty() {
            return upstreams.isEmpty() && routes.isEmpty();
        }
    }

    public ConfigurationDiff {
        Objects.requireNonNull(added, "added");
        Objects.requireNonNull(changed, "changed");
        Objects.requireNonNull(removed, "removed");
    }

    public static ConfigurationDiff between(ConfigurationContent before, ConfigurationContent after) {
        Side upstreams = Side.of(before.upstreams(), after.upstreams(), Upstream::name);
        Side routes = Side.of(before.routes(), after.routes(), Route::name);
        return new ConfigurationDiff(new Names(upstreams.added, routes.added),
                new Names(upstreams.changed, routes.changed), new Names(upstreams.removed, routes.removed));
    }

    /** Nothing would change. */
    public boolean isEmpty() {
        return added.isEmpty() && changed.isEmpty() && removed.isEmpty();
    }

    private record Side(List<String> added, List<String> changed, List<String> removed) {
        static <T> Side of(List<T> before, List<T> after, Function<T, String> name) {
            Map<String, T> old = before.stream().collect(Collectors.toMap(name, Function.identity()));
            Map<String, T> wanted = after.stream().collect(Collectors.toMap(name, Function.identity()));
            List<String> added = new ArrayList<>();
            List<String> changed = new ArrayList<>();
            List<String> removed = new ArrayList<>();
            wanted.forEach((key, value) -> {
                T existing = old.get(key);
                if (existing == null) {
                    added.add(key);
                } else if (!existing.equals(value)) {
                    changed.add(key);
                }
            });
            old.keySet().stream().filter(key -> !wanted.containsKey(key)).forEach(removed::add);
            return new Side(added, changed, removed);
        }
    }
}
