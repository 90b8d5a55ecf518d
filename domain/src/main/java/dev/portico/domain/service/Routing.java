package dev.portico.domain.service;

import dev.portico.domain.model.RoutingDecision;
import dev.portico.domain.model.RoutingTable;
import dev.portico.domain.port.ConfigStore;
import dev.portico.domain.port.ResolveRoute;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Holds the live routing table. Readers take the current snapshot without locking; a refresh loads the store,
 * builds a new table and swaps it in whole, and never replaces a table with an older revision.
 */
public final class Routing implements ResolveRoute {
    private final ConfigStore store;
    private final AtomicReference<RoutingTable> table = new AtomicReference<>(RoutingTable.empty());
    private final ReentrantLock refreshing = new ReentrantLock();

    public Routing(ConfigStore store) {
        this.store = Objects.requireNonNull(store);
    }

    @Override
    public RoutingDecision resolve(String hostHeader, String rawPath) {
        return table.get().resolve(hostHeader, rawPath);
    }

    public RoutingTable current() {
        return table.get();
    }

    /** Loads the store and swaps the table in if it is newer. */
    public RoutingTable refresh() {
        refreshing.lock();
        try {
            RoutingTable fresh = RoutingTable.build(store.load());
            RoutingTable current = table.get();
            if (fresh.revision() >= current.revision()) {
                table.set(fresh);
                return fresh;
            }
            return current;
        } finally {
            refreshing.unlock();
        }
    }

    /**
     * Makes sure the live table reflects at least {@code revision}: after a write commits, this returns only once
     * the next request will see it. Concurrent writers share one reload where they can.
     */
    public void refreshAtLeast(long revision) {
        if (table.get().revision() >= revision) {
            return;
        }
        refreshing.lock();
        try {
            if (table.get().revision() < revision) {
                RoutingTable fresh = RoutingTable.build(store.load());
                if (fresh.revision() > table.get().revision()) {
                    table.set(fresh);
                }
            }
        } finally {
            refreshing.unlock();
        }
    }

    /** For polling a shared store: reloads only when another node has changed it. */
    public boolean refreshIfChanged() {
        long stored = store.revision();
        if (stored == table.get().revision()) {
            return false;
        }
        refresh();
        return true;
    }
}
