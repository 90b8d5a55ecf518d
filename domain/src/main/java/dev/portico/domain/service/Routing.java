package dev.portico.domain.service;

import dev.portico.domain.health.TargetHealth;
import dev.portico.domain.health.TargetStates;
import dev.portico.domain.model.Configuration;
import dev.portico.domain.port.ConfigStore;
import dev.portico.domain.port.ReadUpstreamHealth;
import dev.portico.domain.port.ResolveRoute;
import dev.portico.domain.routing.RoutingDecision;
import dev.portico.domain.routing.RoutingTable;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Holds the live routing table. Readers take the current snapshot without locking; a refresh loads the store,
 * builds a new table and swaps it in whole, and never replaces a table with an older revision.
 */
public final class Routing implements ResolveRoute, ReadUpstreamHealth {
    private final ConfigStore store;
    private final TargetStates states;
    private final List<Consumer<Configuration>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<RoutingTable> table;
    private final ReentrantLock refreshing = new ReentrantLock();
    /** Held (shared) by this node's writes from commit to swap, and (exclusive) by a poll for other nodes' changes. */
    private final ReentrantReadWriteLock localWrites = new ReentrantReadWriteLock();

    public Routing(ConfigStore store) {
        this(store, TargetStates.systemClock());
    }

    /** @param states balancer and health state, shared by every table this builds and fed by health checkers */
    public Routing(ConfigStore store, TargetStates states) {
        this.store = Objects.requireNonNull(store);
        this.states = Objects.requireNonNull(states);
        this.table = new AtomicReference<>(RoutingTable.build(Configuration.empty(), states));
    }

    /** The live state of every target: where health checkers report ({@link TargetStates#setStatus}). */
    public TargetStates states() {
        return states;
    }

    @Override
    public Optional<List<TargetHealth>> upstreamHealth(String name) {
        return table.get().configuration().upstreams().stream()
                .filter(upstream -> upstream.name().equals(name))
                .findFirst()
                .map(states::report);
    }

    private RoutingTable build() {
        RoutingTable fresh = RoutingTable.build(store.load(), states);
        return fresh;
    }

    /** After a swap: state of targets the live table no longer has is dropped, then listeners hear of it. */
    private void swapped(RoutingTable live) {
        states.retainOnly(live.configuration());
        for (Consumer<Configuration> listener : listeners) {
            listener.accept(live.configuration());
        }
    }

    /**
     * Calls {@code listener} with the configuration of every table swapped in from now on (under the refresh lock,
     * so calls arrive in revision order; keep them short), and once at once with the current one.
     */
    public void onSwap(Consumer<Configuration> listener) {
        refreshing.lock();
        try {
            listeners.add(Objects.requireNonNull(listener));
            listener.accept(table.get().configuration());
        } finally {
            refreshing.unlock();
        }
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
            RoutingTable fresh = build();
            RoutingTable current = table.get();
            if (fresh.revision() >= current.revision()) {
                table.set(fresh);
                swapped(fresh);
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
                RoutingTable fresh = build();
                if (fresh.revision() > table.get().revision()) {
                    table.set(fresh);
                    swapped(fresh);
                }
            }
        } finally {
            refreshing.unlock();
        }
    }

    /**
     * Runs one of this node's writes, from its commit to the swap of the table it makes: a poll waits for it, so that
     * it never takes this node's revision for another node's.
     */
    public <T> T writing(Supplier<T> write) {
        localWrites.readLock().lock();
        try {
            return write.get();
        } finally {
            localWrites.readLock().unlock();
        }
    }

    /**
     * For polling a shared store: reloads only when another node has changed it, and says whether it did. This node's
     * own writes are never counted (see {@link #writing}), and a table is never replaced by an older one.
     */
    public boolean refreshIfChanged() {
        localWrites.writeLock().lock();
        try {
            long stored = store.revision();
            if (stored <= table.get().revision()) {
                return false;
            }
            return refresh().revision() >= stored;
        } finally {
            localWrites.writeLock().unlock();
        }
    }
}
