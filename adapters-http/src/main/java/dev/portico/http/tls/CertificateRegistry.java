package dev.portico.http.tls;

import dev.portico.domain.model.CertificateOrigin;
import dev.portico.domain.model.ServedCertificate;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The certificates Portico serves, by name, and the only writer of the {@link SniKeyManager}'s snapshot. Every
 * change loads and validates first and publishes only a certificate that passed: a refused certificate never
 * replaces the one in service. Reads ({@link #list}, {@link #find}) and handshakes never wait for a change.
 *
 * <p>This registry holds no persistence: the admin API stores what {@link #put} accepted (name and
 * {@link CertificateOrigin}) and calls {@link #put} again for each stored certificate at start.
 */
public final class CertificateRegistry {
    private static final System.Logger LOG = System.getLogger(CertificateRegistry.class.getName());

    private final SniKeyManager keyManager;
    private final Clock clock;
    // Changes are rare and each reads two small files: serialising them keeps "load, compare, publish" atomic
    // without ever blocking a handshake, which reads the published snapshot only.
    private final ReentrantLock changes = new ReentrantLock();
    private volatile State state = new State(Map.of(), Optional.empty());

    public CertificateRegistry(SniKeyManager keyManager, Clock clock) {
        this.keyManager = Objects.requireNonNull(keyManager, "keyManager");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The key manager whose handshakes serve this registry's certificates. */
    public SniKeyManager keyManager() {
        return keyManager;
    }

    /** Registers {@code name} from {@code source}, or replaces what is registered under it, if the certificate passes. */
    public CertificateChange put(String name, CertificateOrigin source) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        changes.lock();
        try {
            return install(name, source);
        } finally {
            changes.unlock();
        }
    }

    /** Reads {@code name}'s source again (for files: what the paths point to now). */
    public CertificateChange reload(String name) {
        changes.lock();
        try {
            Entry entry = state.entries().get(name);
            if (entry == null) {
                return new CertificateChange.NotFound(name);
            }
            return install(name, entry.bundle().source());
        } finally {
            changes.unlock();
        }
    }

    /** {@link #reload} for every registered certificate, in name order; one refusal does not stop the others. */
    public List<CertificateChange> reloadAll() {
        List<CertificateChange> results = new ArrayList<>();
        for (String name : state.entries().keySet()) {
            results.add(reload(name));
        }
        return List.copyOf(results);
    }

    /** Stops serving {@code name}; returns what was served. */
    public Optional<ServedCertificate> remove(String name) {
        changes.lock();
        try {
            Map<String, Entry> entries = new TreeMap<>(state.entries());
            Entry removed = entries.remove(name);
            if (removed == null) {
                return Optional.empty();
            }
            publish(new State(entries, state.defaultName()));
            return Optional.of(removed.bundle().details());
        } finally {
            changes.unlock();
        }
    }

    /**
     * Makes the certificate registered as {@code name} answer handshakes whose server name no certificate covers,
     * and those without SNI; empty: such handshakes fail. The name may be registered later.
     */
    public void useDefault(Optional<String> name) {
        Objects.requireNonNull(name, "name");
        changes.lock();
        try {
            publish(new State(state.entries(), name));
        } finally {
            changes.unlock();
        }
    }

    public Optional<String> defaultName() {
        return state.defaultName();
    }

    /** Every registered certificate, by name. */
    public List<ServedCertificate> list() {
        return state.entries().values().stream().map(entry -> entry.bundle().details()).toList();
    }

    public Optional<ServedCertificate> find(String name) {
        return Optional.ofNullable(state.entries().get(name)).map(entry -> entry.bundle().details());
    }

    /** The file-based certificates and what their files were when last loaded, for {@link CertificateWatcher}. */
    List<Watched> watched() {
        List<Watched> watched = new ArrayList<>();
        state.entries().forEach((name, entry) -> {
            if (entry.bundle().source() instanceof CertificateOrigin.Files files) {
                watched.add(new Watched(name, files, entry.stamps().orElseThrow()));
            }
        });
        return watched;
    }

    private CertificateChange install(String name, CertificateOrigin source) {
        // Stamped before reading, so a renewal that lands while the files are read is noticed again afterwards.
        Optional<FileStamps> stamps = source instanceof CertificateOrigin.Files files
                ? Optional.of(FileStamps.of(files))
                : Optional.empty();
        Optional<ServedCertificate> current = find(name);
        return switch (CertificateBundle.load(name, source, clock.instant())) {
            case LoadOutcome.Refused refused -> {
                LOG.log(System.Logger.Level.DEBUG, "certificate " + name + " refused: " + refused.problem().message());
                yield new CertificateChange.Refused(name, refused.problem(), current);
            }
            case LoadOutcome.Loaded loaded -> {
                Map<String, Entry> entries = new TreeMap<>(state.entries());
                entries.put(name, new Entry(loaded.bundle(), stamps));
                publish(new State(entries, state.defaultName()));
                yield new CertificateChange.Installed(loaded.bundle().details(), current);
            }
        };
    }

    private void publish(State next) {
        state = next;
        keyManager.install(ServedCertificates.of(
                next.entries().values().stream().map(Entry::bundle).toList(), next.defaultName()));
    }

    private record State(Map<String, Entry> entries, Optional<String> defaultName) {
        State {
            // Sorted by name and immutable: listings come out in name order and readers share the map freely.
            entries = Collections.unmodifiableMap(new TreeMap<>(entries));
        }
    }

    private record Entry(CertificateBundle bundle, Optional<FileStamps> stamps) {
    }

    record Watched(String name, CertificateOrigin.Files files, FileStamps stamps) {
    }
}
