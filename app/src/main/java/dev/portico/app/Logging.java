package dev.portico.app;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Portico's logging: java.util.logging (which Helidon, Hikari and Flyway log through) to stderr, one line per record,
 * at the level of {@code PORTICO_LOG_LEVEL} and in the format of {@code PORTICO_LOG_FORMAT}. A logging configuration
 * of the operator's own ({@code -Djava.util.logging.config.file}) takes precedence over both.
 */
final class Logging {
    /**
     * The libraries' start-up and shut-down chatter (Portico's own lines say which ports it serves and when it
     * stops); their warnings and errors still show.
     */
    private static final List<String> QUIET = List.of("com.zaxxer.hikari", "org.flywaydb", "io.helidon.common.features",
            "io.helidon.webserver.ServerListener", "io.helidon.webserver.LoomServer");

    /** The loggers whose levels Portico sets: the JDK holds loggers weakly, and a collected one forgets its level. */
    private static final List<Logger> CONFIGURED = new ArrayList<>();

    private Logging() {
    }

    /** How much is logged: each level includes those before it. */
    enum Threshold {
        ERROR(Level.SEVERE), WARN(Level.WARNING), INFO(Level.INFO), DEBUG(Level.FINE);

        final Level level;

        Threshold(Level level) {
            this.level = level;
        }
    }

    enum Format { TEXT, JSON }

    /** The two settings, read from the environment. */
    record LogSettings(Threshold threshold, Format format) {
        static LogSettings fromEnvironment(Map<String, String> env) {
            List<String> problems = new ArrayList<>();
            Threshold threshold = choice(env, "PORTICO_LOG_LEVEL", Threshold.class, Threshold.INFO, problems);
            Format format = choice(env, "PORTICO_LOG_FORMAT", Format.class, Format.TEXT, problems);
            if (!problems.isEmpty()) {
                throw new Settings.InvalidSettings(problems);
            }
            return new LogSettings(threshold, format);
        }

        private static <E extends Enum<E>> E choice(Map<String, String> env, String name, Class<E> type, E fallback,
                                                    List<String> problems) {
            String value = env.getOrDefault(name, "").strip();
            if (value.isEmpty()) {
                return fallback;
            }
            for (E option : type.getEnumConstants()) {
                if (option.name().equalsIgnoreCase(value)) {
                    return option;
                }
            }
            List<String> options = new ArrayList<>();
            for (E option : type.getEnumConstants()) {
                options.add(option.name().toLowerCase(Locale.ROOT));
            }
            problems.add(name + " must be one of " + String.join(", ", options) + ", got '" + value + "'");
            return fallback;
        }
    }

    /** Configures the JDK's logging as the settings say, unless the operator named a configuration of their own. */
    static void configure(LogSettings settings) {
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return;
        }
        LogManager manager = LogManager.getLogManager();
        manager.reset();
        Handler handler = new ConsoleHandler();
        handler.setLevel(Level.ALL);
        handler.setFormatter(settings.format() == Format.JSON ? new JsonLines() : new TextLines());
        Logger root = Logger.getLogger("");
        root.addHandler(handler);
        // debug is Portico's own detail: the libraries' FINE records are too many to read
        root.setLevel(settings.threshold() == Threshold.DEBUG ? Level.INFO : settings.threshold().level);
        synchronized (CONFIGURED) {
            CONFIGURED.clear();
            CONFIGURED.add(root);
            Logger portico = Logger.getLogger("dev.portico");
            portico.setLevel(settings.threshold().level);
            CONFIGURED.add(portico);
            Level quiet = settings.threshold() == Threshold.ERROR ? Level.SEVERE : Level.WARNING;
            for (String name : QUIET) {
                Logger library = Logger.getLogger(name);
                library.setLevel(quiet);
                CONFIGURED.add(library);
            }
        }
    }

    /** The level's name as the operator sets it: ERROR, WARN, INFO or DEBUG. */
    static String levelName(Level level) {
        int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return "ERROR";
        } else if (value >= Level.WARNING.intValue()) {
            return "WARN";
        } else if (value >= Level.INFO.intValue()) {
            return "INFO";
        }
        return "DEBUG";
    }

    /** {@code 2026-12-08T03:10:00.123Z INFO  dev.portico.app.Portico: message}, and the stack trace of an error. */
    static final class TextLines extends Formatter {
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
                .withZone(ZoneId.systemDefault());

        @Override
        public String format(LogRecord record) {
            StringBuilder line = new StringBuilder(160).append(TIME.format(record.getInstant())).append(' ')
                    .append(String.format("%-5s", levelName(record.getLevel()))).append(' ')
                    .append(record.getLoggerName()).append(": ").append(formatMessage(record));
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
                line.append(System.lineSeparator()).append(trace.toString().stripTrailing());
            }
            return line.append(System.lineSeparator()).toString();
        }
    }

    /**
     * One JSON object per line: {@code time}, {@code level}, {@code logger}, {@code message}, {@code thread}, the
     * message's parameters as {@code args}, and for a record with an exception its {@code error} and {@code stack}.
     */
    static final class JsonLines extends Formatter {
        private static final JsonFactory JSON = new JsonFactory();

        @Override
        public String format(LogRecord record) {
            StringWriter out = new StringWriter(256);
            try (JsonGenerator json = JSON.createGenerator(out)) {
                json.writeStartObject();
                json.writeStringField("time", Instant.ofEpochMilli(record.getInstant().toEpochMilli()).toString());
                json.writeStringField("level", levelName(record.getLevel()).toLowerCase(Locale.ROOT));
                json.writeStringField("logger", record.getLoggerName());
                json.writeStringField("message", formatMessage(record));
                json.writeStringField("thread", Thread.currentThread().getName());
                Object[] parameters = record.getParameters();
                if (parameters != null && parameters.length > 0) {
                    json.writeArrayFieldStart("args");
                    for (Object parameter : parameters) {
                        switch (parameter) {
                            case null -> json.writeNull();
                            case Integer i -> json.writeNumber(i);
                            case Long l -> json.writeNumber(l);
                            case Double d -> json.writeNumber(d);
                            case Boolean b -> json.writeBoolean(b);
                            default -> json.writeString(parameter.toString());
                        }
                    }
                    json.writeEndArray();
                }
                Throwable thrown = record.getThrown();
                if (thrown != null) {
                    json.writeStringField("error", thrown.toString());
                    StringWriter trace = new StringWriter();
                    thrown.printStackTrace(new PrintWriter(trace));
                    json.writeStringField("stack", trace.toString());
                }
                json.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.append(System.lineSeparator()).toString();
        }
    }
}
