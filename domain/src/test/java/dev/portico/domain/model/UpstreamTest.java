package dev.portico.domain.model;

import dev.portico.domain.model.Upstream.TargetSpec;
import dev.portico.domain.validation.FieldError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static dev.portico.domain.Outcomes.errors;
import static dev.portico.domain.Outcomes.valid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class UpstreamTest {

    @Test
    void keepsTargetsInTheOrderGiven() {
        Upstream upstream = valid(Upstream.parse("users", List.of(
                new TargetSpec("http://127.0.0.1:9002", 3), new TargetSpec("http://127.0.0.1:9001/base/", null))));

        assertThat(upstream.name()).isEqualTo("users");
        assertThat(upstream.targets()).containsExactly(
                new Target("http", "127.0.0.1", 9002, "", 3), new Target("http", "127.0.0.1", 9001, "/base", 1));
    }

    @Test
    void acceptsZeroWeightsBesideAPositiveOne() {
        Upstream upstream = valid(Upstream.parse("u", List.of(
                new TargetSpec("http://a:1", 0), new TargetSpec("http://b:1", 1))));

        assertThat(upstream.targets()).extracting(Target::weight).containsExactly(0, 1);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void refusesAnUpstreamWithoutTargets(List<TargetSpec> targets) {
        assertThat(errors(Upstream.parse("u", targets))).extracting(FieldError::field).containsExactly("targets");
    }

    @Test
    void refusesANullTargetNamingItsIndex() {
        List<TargetSpec> targets = Arrays.asList(new TargetSpec("http://a:1", 1), null);

        assertThat(errors(Upstream.parse("u", targets))).extracting(FieldError::field).containsExactly("targets[1]");
    }

    @Test
    void refusesMoreTargetsThanTheMaximum() {
        List<TargetSpec> tooMany = IntStream.rangeClosed(1, Upstream.MAX_TARGETS + 1)
                .mapToObj(port -> new TargetSpec("http://127.0.0.1:" + port, 1)).toList();
        List<TargetSpec> justEnough = tooMany.subList(0, Upstream.MAX_TARGETS);

        assertThat(errors(Upstream.parse("u", tooMany))).extracting(FieldError::field).containsExactly("targets");
        assertThat(valid(Upstream.parse("u", justEnough)).targets()).hasSize(Upstream.MAX_TARGETS);
    }

    @Test
    void refusesTheSameUrlTwiceEvenWrittenDifferently() {
        List<TargetSpec> targets = List.of(
                new TargetSpec("http://a:80/x", 1), new TargetSpec("http://b:1", 1), new TargetSpec("HTTP://A/x/", 2));

        assertThat(errors(Upstream.parse("u", targets))).singleElement().satisfies(error -> {
            assertThat(error.field()).isEqualTo("targets[2].url");
            assertThat(error.message()).contains("targets[0]");
        });
    }

    @Test
    void reportsEveryRepeatOfAUrlAgainstItsFirstOccurrence() {
        List<TargetSpec> targets = List.of(
                new TargetSpec("http://a:1", 1), new TargetSpec("http://a:1", 1), new TargetSpec("http://a:1", 1));

        assertThat(errors(Upstream.parse("u", targets)))
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(
                        tuple("targets[1].url", "repeats targets[0]; give it a larger weight instead"),
                        tuple("targets[2].url", "repeats targets[0]; give it a larger weight instead"));
    }

    @Test
    void refusesAnUpstreamWhoseWeightsAreAllZero() {
        List<TargetSpec> targets = List.of(new TargetSpec("http://a:1", 0), new TargetSpec("http://b:1", 0));

        assertThat(errors(Upstream.parse("u", targets))).extracting(FieldError::field).containsExactly("targets");
    }

    @Test
    void reportsEveryErrorAtOnce() {
        List<TargetSpec> targets = new ArrayList<>(List.of(
                new TargetSpec("ftp://a", 1),
                new TargetSpec("http://b:1", 5000),
                new TargetSpec("http://c:1", 1),
                new TargetSpec("http://c:1", 1)));
        targets.add(null);

        assertThat(errors(Upstream.parse("bad name", targets))).extracting(FieldError::field).containsExactly(
                "name", "targets[0].url", "targets[1].weight", "targets[3].url", "targets[4]");
    }

    @Test
    void reportsZeroWeightsBesideABadName() {
        assertThat(errors(Upstream.parse("", List.of(new TargetSpec("http://a:1", 0)))))
                .extracting(FieldError::field).containsExactly("name", "targets");
    }

    @Test
    void constructorRefusesAnUpstreamThatCouldServeNothing() {
        assertThatThrownBy(() -> new Upstream("u", List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Upstream("u", List.of(new Target("http", "a", 1, "", 0))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Upstream("-u", List.of(new Target("http", "a", 1, "", 1))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
