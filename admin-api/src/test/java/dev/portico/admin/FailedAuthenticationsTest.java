package dev.portico.admin;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;

import static dev.portico.admin.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** Guessing tokens is slowed down per address, with a clock the test moves instead of sleeping. */
class FailedAuthenticationsTest {
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

    private final MutableClock clock = new MutableClock(START);

    @Test
    void afterTenFailuresWithinAMinuteAnAddressGets429UntilTheWindowEnds() {
        FailedAuthentications failures = new FailedAuthentications(clock);
        for (int i = 0; i < FailedAuthentications.MAX_FAILURES - 1; i++) {
            failures.failed("10.0.0.1");
        }
        assertThat(failures.blocked("10.0.0.1")).isEmpty();

        clock.advance(Duration.ofSeconds(20));
        failures.failed("10.0.0.1");

        assertThat(failures.blocked("10.0.0.1")).contains(Duration.ofSeconds(40));
        assertThat(failures.blocked("10.0.0.2")).as("other addresses are not affected").isEmpty();
        clock.advance(Duration.ofSeconds(39));
        assertThat(failures.blocked("10.0.0.1")).contains(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThat(failures.blocked("10.0.0.1")).isEmpty();
    }

    @Test
    void failuresSpreadOverMoreThanAWindowNeverBlock() {
        FailedAuthentications failures = new FailedAuthentications(clock);

        for (int i = 0; i < 100; i++) {
            failures.failed("10.0.0.1");
            assertThat(failures.blocked("10.0.0.1")).isEmpty();
            clock.advance(Duration.ofSeconds(7));
        }
    }

    @Test
    void theNumberOfAddressesRememberedIsBounded() {
        FailedAuthentications failures = new FailedAuthentications(clock, 100);

        for (int i = 0; i < 10_000; i++) {
            failures.failed("10.0." + (i / 256) + "." + (i % 256));
        }

        assertThat(failures.tracked()).isLessThanOrEqualTo(100);
        for (int i = 0; i < FailedAuthentications.MAX_FAILURES; i++) {
            failures.failed("10.9.9.9");
        }
        assertThat(failures.blocked("10.9.9.9")).as("the newest address is still tracked").isPresent();
    }

    @Test
    void theApiAnswers429WithRetryAfterWithoutCheckingTheTokenAndSuccessesDoNotCount() {
        try (AdminServer server = AdminServer.start(clock)) {
            for (int i = 0; i < FailedAuthentications.MAX_FAILURES; i++) {
                assertThat(server.get("/v1/status").status()).as("successes do not count").isEqualTo(200);
                assertProblem(server.send(HttpRequest.newBuilder(server.uri("/v1/status"))
                        .header("Authorization", "Bearer guess-" + i).GET()), 401);
            }

            AdminServer.Reply guess = server.send(HttpRequest.newBuilder(server.uri("/v1/status"))
                    .header("Authorization", "Bearer guess-again").GET());
            AdminServer.Reply valid = server.get("/v1/status");

            JsonNode problem = assertProblem(guess, 429);
            assertThat(guess.header("Retry-After")).isEqualTo("60");
            assertThat(problem.path("detail").asText()).contains("60 seconds");
            assertProblem(valid, 429);
            assertThat(server.store.revision()).isZero();

            clock.advance(Duration.ofSeconds(45));
            assertThat(server.get("/v1/status").header("Retry-After")).isEqualTo("15");
            clock.advance(Duration.ofSeconds(15));
            assertThat(server.get("/v1/status").status()).isEqualTo(200);
        }
    }

    @Test
    void requestsWithoutCredentialsAreNotCountedAsGuesses() {
        try (AdminServer server = AdminServer.start(clock)) {
            for (int i = 0; i < 3 * FailedAuthentications.MAX_FAILURES; i++) {
                assertProblem(server.send(HttpRequest.newBuilder(server.uri("/v1/status")).GET()), 401);
            }

            assertThat(server.get("/v1/status").status()).isEqualTo(200);
        }
    }
}
