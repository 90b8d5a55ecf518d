package dev.portico.http.observe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CorrelationTest {
    private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aWellFormedIdIsKeptOnlyFromATrustedProxy() {
        assertThat(Correlation.of("lb-1", true, null, null, false).requestId()).isEqualTo("lb-1");
        assertThat(Correlation.of("lb-1", false, null, null, false).requestId()).matches("[0-9a-f]{32}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "tab\there", "caf\u00e9", "line\r\nbreak"})
    void anIdThatCouldBreakAHeaderOrALogLineIsReplaced(String id) {
        assertThat(Correlation.of(id, true, null, null, false).requestId()).matches("[0-9a-f]{32}");
    }

    @Test
    void idsAreUnique() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(Correlation.of(null, false, null, null, false).requestId());
        }
        assertThat(ids).hasSize(10_000);
    }

    @Test
    void aValidTraceparentPassesAsItCameWithItsTracestate() {
        Correlation ids = Correlation.of(null, false, VALID, "congo=t61rcWkgMzE", false);

        assertThat(ids.traceparent()).isEqualTo(VALID);
        assertThat(ids.tracestate()).isEqualTo("congo=t61rcWkgMzE");
        assertThat(ids.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
            "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01, " + VALID})
    void aMalformedTraceparentIsDroppedWithItsTracestate(String traceparent) {
        Correlation ids = Correlation.of(null, false, traceparent, "congo=t61rcWkgMzE", false);

        assertThat(ids.traceparent()).isNull();
        assertThat(ids.tracestate()).isNull();
        assertThat(ids.traceId()).isNull();
    }

    @Test
    void aLaterVersionMayCarryMoreAfterADash() {
        String future = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes-next";
        assertThat(Correlation.of(null, false, future, null, false).traceparent()).isEqualTo(future);
    }

    @Test
    void withTracingOnAStartedTraceIsValidAndSampled() {
        Correlation ids = Correlation.of(null, false, null, "orphan=1", true);

        assertThat(ids.traceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(Correlation.validTraceparent(ids.traceparent())).isTrue();
        assertThat(ids.tracestate()).isNull();
        assertThat(Correlation.of(null, false, null, null, false).traceparent()).isNull();
    }
}
