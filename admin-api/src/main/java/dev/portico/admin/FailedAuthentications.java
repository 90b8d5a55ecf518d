package dev.portico.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Slows down guessing of admin tokens: once a client address has presented {@link #MAX_FAILURES} invalid tokens within
 * a window, it is refused without a check until the window ends. Successes do not count. At most
 * {@link #MAX_TRACKED} addresses are remembered: beyond that, windows that have ended are forgotten first, then the
 * oldest, so that a flood of addresses cannot fill the heap.
 */
final class FailedAuthentications {
    static final int MAX_FAILURES = 10;
    static final Duration WINDOW = Duration.ofMinutes(1);
    static final int MAX_TRACKED = 10_000;

    /** The failures of one address since {@code start}. */
    private record Window(Instant start, int failures) {
        boolean endedBy(Instant now) {
            return !now.isBefore(start.plus(WINDOW));
        }
    }

    private final Clock clock;
    private final int maxTracked;
    private final Map<String, Window> byAddress = new ConcurrentHashMap<>();
    private final ReentrantLock pruning = new ReentrantLock();

    FailedAuthentications(Clock clock) {
        this(clock, MAX_TRACKED);
    }

    FailedAuthentications(Clock clock, int maxTracked) {
        this.clock = clock;
        this.maxTracked = maxTracked;
    }

    /** How long {@code address} must still wait before its next try; empty when it may try now. */
    Optional<Duration> blocked(String address) {
        Window window = byAddress.get(address);
        Instant now = clock.instant();
        if (window == null || window.failures() < MAX_FAILURES || window.endedBy(now)) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(now, window.start().plus(WINDOW)));
    }

    /** Counts a failed authentication from {@code address}. */
    void failed(String address) {
        Instant now = clock.instant();
        if (byAddress.size() >= maxTracked && !byAddress.containsKey(address)) {
            prune(now);
        }
        byAddress.compute(address, (key, window) -> window == null || window.endedBy(now)
                ? new Window(now, 1)
                : new Window(window.start(), window.failures() + 1));
    }

    int tracked() {
        return byAddress.size();
    }

    /** Forgets ended windows; if that is not enough, the oldest tenth. One thread prunes, the others go on. */
    private void prune(Instant now) {
        if (!pruning.tryLock()) {
            return;
        }
        try {
            byAddress.values().removeIf(window -> window.endedBy(now));
            int excess = byAddress.size() - maxTracked * 9 / 10;
            if (excess > 0) {
                byAddress.entrySet().stream()
                        .sorted(Comparator.comparing(entry -> entry.getValue().start()))
                        .limit(excess)
                        .map(Map.Entry::getKey)
                        .toList()
                        .forEach(byAddress::remove);
            }
        } finally {
            pruning.unlock();
        }
    }
}
