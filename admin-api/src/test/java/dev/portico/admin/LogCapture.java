package dev.portico.admin;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Records everything logged through System.Logger (backed by java.util.logging here) at every level, for as long
 * as it is open, so that a test can check what reached the log.
 */
final class LogCapture extends Handler implements AutoCloseable {
    private final Logger root = Logger.getLogger("");
    private final Level rootLevel = root.getLevel();
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    LogCapture() {
        setLevel(Level.ALL);
        root.setLevel(Level.ALL);
        root.addHandler(this);
    }

    List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** Every record as a reader of the log would see it: the message with its parameters, and any stack trace. */
    String text() {
        SimpleFormatter formatter = new SimpleFormatter();
        StringBuilder text = new StringBuilder();
        for (LogRecord record : records) {
            text.append(record.getLoggerName()).append(' ').append(formatter.formatMessage(record)).append('\n');
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
                text.append(trace).append('\n');
            }
        }
        return text.toString();
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        root.removeHandler(this);
        root.setLevel(rootLevel);
    }
}
