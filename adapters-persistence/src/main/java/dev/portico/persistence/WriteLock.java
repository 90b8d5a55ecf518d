package dev.portico.persistence;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Lets one write transaction at a time into an embedded H2 database; on PostgreSQL it does nothing.
 *
 * <p>Writers queue on the revision row's lock. H2 (2.3 to 2.5) mishandles that queue when the holder rolls back (a
 * write refused after the revision was locked: precondition failed, upstream in use, not found): the waiter that gets
 * the row next computes {@code revision + 1} from the value it read before it waited, so two committed writes can
 * get the same revision and one of them is lost. Measured here with two plain JDBC threads, no pool, no Jdbi. An
 * embedded H2 belongs to one process, so queueing its writers in the JVM instead is complete; PostgreSQL's row locks
 * are right and also order writers of other nodes.
 */
final class WriteLock {
    private final ReentrantLock lock;

    private WriteLock(ReentrantLock lock) {
        this.lock = lock;
    }

    static WriteLock forDatabase(String productName) {
        // Fair: under a steady stream of writes, none should wait much longer than the others.
        return new WriteLock(productName.equals("H2") ? new ReentrantLock(true) : null);
    }

    <T> T around(Supplier<T> transaction) {
        if (lock == null) {
            return transaction.get();
        }
        lock.lock();
        try {
            return transaction.get();
        } finally {
            lock.unlock();
        }
    }
}
