package dev.portico.domain.model;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigurationDiffTest {

    static Upstream upstream(String name, int weight) {
        return new Upstream(name, List.of(new Target("http", "h", 1, "", weight)));
    }

    static Route route(String name, String upstream, String prefix) {
        return new Route(name, List.of(), prefix, upstream, false, false, Duration.ofSeconds(1));
    }

    @Test
    void namesWhatIsAddedChangedAndRemovedAndLeavesOutWhatIsEqual() {
        ConfigurationContent before = new ConfigurationContent(
                List.of(upstream("kept", 1), upstream("changed", 1), upstream("gone", 1)),
                List.of(route("same", "kept", "/"), route("moved", "kept", "/a/"), route("old", "gone", "/o/")));
        ConfigurationContent after = new ConfigurationContent(
                List.of(upstream("kept", 1), upstream("changed", 2), upstream("new", 1)),
                List.of(route("same", "kept", "/"), route("moved", "new", "/a/"), route("fresh", "new", "/f/")));

        ConfigurationDiff diff = ConfigurationDiff.between(before, after);

        assertThat(diff.added()).isEqualTo(new ConfigurationDiff.Names(List.of("new"), List.of("fresh")));
        assertThat(diff.changed()).isEqualTo(new ConfigurationDiff.Names(List.of("changed"), List.of("moved")));
        assertThat(diff.removed()).isEqualTo(new ConfigurationDiff.Names(List.of("gone"), List.of("old")));
        assertThat(diff.isEmpty()).isFalse();
    }

    @Test
    void theSameContentIsNoChange() {
        ConfigurationContent content = new ConfigurationContent(List.of(upstream("u", 1)), List.of(route("r", "u", "/")));

        ConfigurationDiff diff = ConfigurationDiff.between(content, content);

        assertThat(diff.isEmpty()).isTrue();
        assertThat(diff.added()).isEqualTo(ConfigurationDiff.Names.NONE);
    }

    @Test
    void namesAreSorted() {
        ConfigurationContent after = new ConfigurationContent(
                List.of(upstream("b", 1), upstream("a", 1), upstream("C", 1)), List.of());

        assertThat(ConfigurationDiff.between(new ConfigurationContent(List.of(), List.of()), after).added().upstreams())
                .containsExactly("C", "a", "b");
    }
}
