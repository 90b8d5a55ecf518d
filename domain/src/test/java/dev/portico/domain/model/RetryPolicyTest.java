package dev.portico.domain.model;

import dev.portico.domain.model.RetryPolicy.Decision;
import dev.portico.domain.model.RetryPolicy.FailedAttempt;
import dev.portico.domain.model.RetryPolicy.Failure;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {
    private static final RetryPolicy POLICY = new RetryPolicy(2, Duration.ofSeconds(5));

    @ParameterizedTest(name = "{0} {1} streamed={2} attempt {3} after {4} ms -> retry={5}")
    @CsvSource({
            // A dial failure reached nothing: any method, even with a streamed body.
            "DIAL,    POST,    true,  1, 0,    true",
            "DIAL,    PATCH,   false, 2, 100,  true",
            // Other failures: idempotent methods whose body was not consumed.
            "IO,      GET,     false, 1, 0,    true",
            "TIMEOUT, HEAD,    false, 1, 0,    true",
            "IO,      PUT,     false, 1, 0,    true",
            "IO,      DELETE,  false, 1, 0,    true",
            "IO,      OPTIONS, false, 1, 0,    true",
            "IO,      POST,    false, 1, 0,    false",
            "TIMEOUT, PATCH,   false, 1, 0,    false",
            "IO,      PUT,     true,  1, 0,    false",
            // The budget: two retries after the first try, within five seconds in all.
            "DIAL,    GET,     false, 3, 0,    false",
            "DIAL,    GET,     false, 2, 4999, true",
            "DIAL,    GET,     false, 2, 5000, false",
    })
    void retriesDialFailuresAlwaysAndOthersOnlyWhenSafeWithinTheBudget(Failure failure, String method,
                                                                       boolean streamed, int attempts, long elapsedMs,
                                                                       boolean retry) {
        Decision decision = POLICY.decide(new FailedAttempt(failure, method, streamed, attempts,
                Duration.ofMillis(elapsedMs)));

        if (retry) {
            assertThat(decision).isEqualTo(Decision.Retry.INSTANCE);
        } else {
            assertThat(decision).isInstanceOf(Decision.GiveUp.class);
            assertThat(((Decision.GiveUp) decision).reason()).isNotBlank();
        }
    }

    @ParameterizedTest
    @CsvSource({"0, false", "1, true"})
    void zeroAttemptsMeansNoRetryAtAll(int attempts, boolean retry) {
        Decision decision = new RetryPolicy(attempts, Duration.ofSeconds(1))
                .decide(new FailedAttempt(Failure.DIAL, "GET", false, 1, Duration.ZERO));

        assertThat(decision instanceof Decision.Retry).isEqualTo(retry);
    }
}
