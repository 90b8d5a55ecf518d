package dev.portico.domain.port;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PreconditionTest {
    private static final OptionalLong ABSENT = OptionalLong.empty();

    @Test
    void unconditionalAllowsAnything() {
        assertThat(Precondition.Unconditional.INSTANCE.allows(ABSENT)).isTrue();
        assertThat(Precondition.Unconditional.INSTANCE.allows(OptionalLong.of(7))).isTrue();
    }

    @Test
    void mustExistAllowsAnyRevisionButNotAbsence() {
        assertThat(Precondition.MustExist.INSTANCE.allows(OptionalLong.of(1))).isTrue();
        assertThat(Precondition.MustExist.INSTANCE.allows(ABSENT)).isFalse();
    }

    @Test
    void mustBeAbsentAllowsOnlyAbsence() {
        assertThat(Precondition.MustBeAbsent.INSTANCE.allows(ABSENT)).isTrue();
        assertThat(Precondition.MustBeAbsent.INSTANCE.allows(OptionalLong.of(1))).isFalse();
    }

    @Test
    void revisionInAllowsOnlyAListedRevisionOfAnExistingResource() {
        Precondition atThreeOrFive = new Precondition.RevisionIn(Set.of(3L, 5L));

        assertThat(atThreeOrFive.allows(OptionalLong.of(3))).isTrue();
        assertThat(atThreeOrFive.allows(OptionalLong.of(5))).isTrue();
        assertThat(atThreeOrFive.allows(OptionalLong.of(4))).isFalse();
        assertThat(atThreeOrFive.allows(ABSENT)).isFalse();
    }

    @Test
    void revisionNotInAllowsAbsenceAndEveryUnlistedRevision() {
        Precondition notThree = new Precondition.RevisionNotIn(Set.of(3L));

        assertThat(notThree.allows(ABSENT)).isTrue();
        assertThat(notThree.allows(OptionalLong.of(4))).isTrue();
        assertThat(notThree.allows(OptionalLong.of(3))).isFalse();
    }

    @Test
    void anEmptyRevisionListMatchesNothing() {
        // If-Match: "stale" names no revision: it can never hold, and If-None-Match: "stale" always does.
        assertThat(new Precondition.RevisionIn(Set.of()).allows(OptionalLong.of(1))).isFalse();
        assertThat(new Precondition.RevisionIn(Set.of()).allows(ABSENT)).isFalse();
        assertThat(new Precondition.RevisionNotIn(Set.of()).allows(OptionalLong.of(1))).isTrue();
        assertThat(new Precondition.RevisionNotIn(Set.of()).allows(ABSENT)).isTrue();
    }

    @Test
    void aChangeNeedsAnActorAndAMethodThatFitTheAuditLog() {
        assertThat(new Change("ci", "PUT").actor()).isEqualTo("ci");
        assertThatThrownBy(() -> new Change("", "PUT")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Change("x".repeat(101), "PUT")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Change("ci", "M".repeat(17))).isInstanceOf(IllegalArgumentException.class);
    }
}
