package dev.portico.persistence;

import dev.portico.domain.port.Change;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Instant;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One write transaction at the next configuration revision, as every configuration and certificate write is. Its
 * first statement increments the revision row: that row lock queues concurrent writers (also across nodes sharing a
 * database), so each write sees every earlier one, gets the next revision, and checks its precondition against a
 * resource nobody else can change before it commits. A write that turns out to be refused rolls back, increment
 * included; one that goes through writes its audit entry in the same transaction.
 */
final class RevisionWrite {
    private final Handle handle;
    private final Instant now;
    private final long revision;

    private RevisionWrite(Handle handle, Instant now, long revision) {
        this.handle = handle;
        this.now = now;
        this.revision = revision;
    }

    /** Runs {@code write} in one such transaction; see {@link WriteLock} for why H2's are queued in the JVM. */
    static <T> T run(Jdbi jdbi, WriteLock writeLock, Supplier<Instant> clock, Function<RevisionWrite, T> write) {
        return writeLock.around(() -> jdbi.inTransaction(handle -> {
            Instant now = clock.get();
            return write.apply(new RevisionWrite(handle, now, increment(handle, now)));
        }));
    }

    Handle handle() {
        return handle;
    }

    /** When the write is made: the revision's {@code applied_at}, the rows' {@code updated_at}, the audit entry's time. */
    Instant now() {
        return now;
    }

    /** The revision the write commits as. */
    long revision() {
        return revision;
    }

    /** Undoes the write, revision increment included, and answers {@code outcome}. */
    <T> T rollBack(T outcome) {
        handle.rollback();
        return outcome;
    }

    void audit(Change change, String resource, String summary) {
        AuditRows.insert(handle, now, change, resource, summary, revision);
    }

    /** Increments the revision, which also takes the row lock that queues writers, and answers the new value. */
    private static long increment(Handle handle, Instant now) {
        int updated = handle.createUpdate(Sql.INCREMENT_REVISION).bind("now", now).execute();
        if (updated != 1) {
            throw new IllegalStateException("config_revision has no row with id 1: the schema was not created by"
                    + " Portico's migrations");
        }
        return current(handle);
    }

    static long current(Handle handle) {
        return handle.createQuery(Sql.SELECT_REVISION).mapTo(Long.class).one();
    }
}
