package dev.portico.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoggingTest {
    @AfterEach
    void backToTheDefaults() {
        Logging.configure(Logging.LogSettings.fromEnvironment(Map.of()));
    }

    @Test
    void theDefaultsAreInfoAsText() {
        assertThat(Logging.LogSettings.fromEnvironment(Map.of()))
                .isEqualTo(new Logging.LogSettings(Logging.Threshold.INFO, Logging.Format.TEXT));
        assertThat(Logging.LogSettings.fromEnvironment(Map.of("PORTICO_LOG_LEVEL", " Warn ", "PORTICO_LOG_FORMAT", "JSON")))
                .isEqualTo(new Logging.LogSettings(Logging.Threshold.WARN, Logging.Format.JSON));
    }

    @Test
    void anUnknownLevelOrFormatNamesTheChoices() {
        assertThatThrownBy(() -> Logging.LogSettings.fromEnvironment(Map.of("PORTICO_LOG_LEVEL", "trace")))
                .isInstanceOf(Settings.InvalidSettings.class)
                .hasMessageContaining("PORTICO_LOG_LEVEL must be one of error, warn, info, debug, got 'trace'");
    }

    @Test
    void warnLeavesOutInformationEverywhere() {
        Logging.configure(new Logging.LogSettings(Logging.Threshold.WARN, Logging.Format.TEXT));

        assertThat(Logger.getLogger("dev.portico.app.Portico").isLoggable(Level.INFO)).isFalse();
        assertThat(Logger.getLogger("dev.portico.app.Portico").isLoggable(Level.WARNING)).isTrue();
        assertThat(Logger.getLogger("io.helidon.webserver.ServerListener").isLoggable(Level.INFO)).isFalse();
    }

    @Test
    void debugIsPorticosOwnDetailAndKeepsTheLibrariesQuiet() {
        Logging.configure(new Logging.LogSettings(Logging.Threshold.DEBUG, Logging.Format.TEXT));

        assertThat(Logger.getLogger("dev.portico.http.forward.Forwarder").isLoggable(Level.FINE)).isTrue();
        assertThat(Logger.getLogger("io.helidon.webserver.ConnectionHandler").isLoggable(Level.FINE)).isFalse();
        assertThat(Logger.getLogger("io.helidon.webserver.ConnectionHandler").isLoggable(Level.INFO)).isTrue();
        assertThat(Logger.getLogger("org.flywaydb.core.Flyway").isLoggable(Level.INFO)).isFalse();
        assertThat(Logger.getLogger("org.flywaydb.core.Flyway").isLoggable(Level.WARNING)).isTrue();
    }

    @Test
    void aTextLineHasTimeLevelLoggerAndMessage() {
        LogRecord record = record(Level.WARNING, "Upstream {0} failed {1,number,#} times", "app", 12);

        assertThat(new Logging.TextLines().format(record))
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) WARN  dev\\.portico\\.Test:"
                        + " Upstream app failed 12 times\\R");
    }

    @Test
    void aJsonLineIsOneObjectWithTheMessagesArgumentsAndEscapes() throws Exception {
        LogRecord record = record(Level.SEVERE, "Route {0} said \"no\"\non {1,number,#}", "r\u00e9", 8080);

        String line = new Logging.JsonLines().format(record);

        assertThat(line).endsWith(System.lineSeparator());
        assertThat(line.strip()).doesNotContain("\n");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.path("time").asText()).isEqualTo("2026-12-08T03:10:00.123Z");
        assertThat(json.path("level").asText()).isEqualTo("error");
        assertThat(json.path("logger").asText()).isEqualTo("dev.portico.Test");
        assertThat(json.path("message").asText()).isEqualTo("Route r\u00e9 said \"no\"\non 8080");
        assertThat(json.path("args").get(0).asText()).isEqualTo("r\u00e9");
        assertThat(json.path("args").get(1).isInt()).isTrue();
        assertThat(json.has("error")).isFalse();
    }

    @Test
    void anUnexpectedErrorKeepsItsStackTraceInAField() throws Exception {
        LogRecord record = record(Level.SEVERE, "Poll failed");
        record.setThrown(new IllegalStateException("boom"));

        JsonNode json = new ObjectMapper().readTree(new Logging.JsonLines().format(record));

        assertThat(json.path("error").asText()).isEqualTo("java.lang.IllegalStateException: boom");
        assertThat(json.path("stack").asText()).contains("at dev.portico.app.LoggingTest");
    }

    private static LogRecord record(Level level, String message, Object... parameters) {
        LogRecord record = new LogRecord(level, message);
        record.setLoggerName("dev.portico.Test");
        record.setInstant(Instant.parse("2026-12-08T03:10:00.123Z"));
        record.setParameters(parameters);
        return record;
    }
}
