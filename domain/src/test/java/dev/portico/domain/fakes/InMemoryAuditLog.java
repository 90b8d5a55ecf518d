package dev.portico.domain.fakes;

import dev.portico.domain.model.AuditEntry;
import dev.portico.domain.port.AuditLog;
import dev.portico.domain.port.Change;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/** An AuditLog in memory, written by the in-memory stores that share it. */
public final class InMemoryAuditLog implements AuditLog {
    private final ReentrantLock lock = new ReentrantLock();
    private final List<AuditEntry> entries = new ArrayList<>();

    /** Called by a store while it holds its own lock, so entries come in the order of the changes. */
    void record(Instant at, Change change, String resource, String summary, long revision) {
        lock.lock();
        try {
            entries.add(new AuditEntry(entries.size() + 1, at, change.actor(), change.method(), resource, summary,
                    revision));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<AuditEntry> latest(int limit) {
        lock.lock();
        try {
            List<AuditEntry> newestFirst = new ArrayList<>(entries.reversed());
            return List.copyOf(newestFirst.subList(0, Math.min(limit, newestFirst.size())));
        } finally {
            lock.unlock();
        }
    }
}
