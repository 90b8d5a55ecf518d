package dev.portico.domain.service;

import dev.portico.domain.model.CertificateOrigin;
import dev.portico.domain.model.NamedCertificate;
import dev.portico.domain.model.ResourceName;
import dev.portico.domain.model.ServedCertificate;
import dev.portico.domain.model.Stored;
import dev.portico.domain.port.CertificateOutcome;
import dev.portico.domain.port.CertificateStore;
import dev.portico.domain.port.Change;
import dev.portico.domain.port.Deletion;
import dev.portico.domain.port.ManageCertificates;
import dev.portico.domain.port.ServeCertificates;
import dev.portico.domain.port.StoreWrite;
import dev.portico.domain.validation.Errors;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Certificate resources: a change is loaded (validated) and served first, and stored only once it passed, so a
 * refused certificate is never stored and never replaces the one in service. {@link #sync} makes the served set
 * what the store holds: at start, and whenever another node may have changed it.
 */
public final class Certificates implements ManageCertificates {
    private final CertificateStore store;
    private final ServeCertificates served;
    private final Routing routing;
    // Changes and syncs are rare; serialising them keeps "serve, store" and "read store, serve" from interleaving.
    private final ReentrantLock changes = new ReentrantLock();
    /** The revision each served certificate was stored at when this node last loaded it. */
    private final Map<String, Long> loadedRevisions = new HashMap<>();

    public Certificates(CertificateStore store, ServeCertificates served) {
        this(store, served, null);
    }

    /**
     * @param routing the node's routing, told of every certificate write, which takes a configuration revision: so
     *                that its poll does not take this node's writes for another node's
     */
    public Certificates(CertificateStore store, ServeCertificates served, Routing routing) {
        this.routing = routing;
        this.store = Objects.requireNonNull(store, "store");
        this.served = Objects.requireNonNull(served, "served");
    }

    /** What a {@link #sync} did, for the log: refused certificates are skipped, never fatal. */
    public record SyncReport(List<String> loaded, List<String> removed, List<CertificateOutcome.Refused> refused) {
        public SyncReport {
            loaded = List.copyOf(loaded);
            removed = List.copyOf(removed);
            refused = List.copyOf(refused);
        }

        public boolean changedAnything() {
            return !loaded.isEmpty() || !removed.isEmpty() || !refused.isEmpty();
        }
    }

    /**
     * Serves every stored certificate written since this node last loaded it, and withdraws those no longer stored.
     * One that is refused (an expired file, a missing path) is reported and skipped; it is tried again after its
     * next write.
     */
    public SyncReport sync() {
        changes.lock();
        try {
            List<String> loaded = new ArrayList<>();
            List<CertificateOutcome.Refused> refused = new ArrayList<>();
            Set<String> stored = new HashSet<>();
            for (Stored<NamedCertificate> certificate : store.certificates()) {
                String name = certificate.value().name();
                stored.add(name);
                Long seen = loadedRevisions.get(name);
                if (seen != null && seen == certificate.revision()) {
                    continue;
                }
                loadedRevisions.put(name, certificate.revision());
                switch (served.serve(name, certificate.value().origin())) {
                    case CertificateOutcome.Refused refusal -> refused.add(refusal);
                    default -> loaded.add(name);
                }
            }
            List<String> removed = new ArrayList<>();
            for (String name : List.copyOf(loadedRevisions.keySet())) {
                if (!stored.contains(name)) {
                    loadedRevisions.remove(name);
                    served.withdraw(name);
                    removed.add(name);
                }
            }
            return new SyncReport(loaded, removed, refused);
        } finally {
            changes.unlock();
        }
    }

    @Override
    public List<ServedCertificate> certificates() {
        return served.served();
    }

    @Override
    public Optional<ServedCertificate> certificate(String name) {
        return served.served(name);
    }

    @Override
    public CertificateOutcome put(String name, CertificateOrigin origin, Change change) {
        return locally(() -> putLocally(name, origin, change));
    }

    private CertificateOutcome putLocally(String name, CertificateOrigin origin, Change change) {
        Errors errors = new Errors();
        ResourceName.check("name", name, errors);
        if (!errors.isEmpty()) {
            return new CertificateOutcome.Rejected(errors.list());
        }
        changes.lock();
        try {
            Optional<Stored<NamedCertificate>> before = store.certificate(name);
            CertificateOutcome outcome = served.serve(name, origin);
            if (!(outcome instanceof CertificateOutcome.Installed installed)) {
                return outcome;
            }
            StoreWrite write;
            try {
                write = store.put(new NamedCertificate(name, origin), change);
            } catch (RuntimeException e) {
                // Not stored, so it must not be served either: back to what the store holds.
                before.ifPresentOrElse(stored -> served.serve(name, stored.value().origin()), () -> served.withdraw(name));
                throw e;
            }
            if (write instanceof StoreWrite.Written written) {
                loadedRevisions.put(name, written.revision());
                swapped(written.revision());
                return new CertificateOutcome.Installed(installed.certificate(), written.created());
            }
            throw new IllegalStateException("unexpected answer of the certificate store: " + write);
        } finally {
            changes.unlock();
        }
    }

    @Override
    public Deletion delete(String name, Change change) {
        return locally(() -> deleteLocally(name, change));
    }

    private Deletion deleteLocally(String name, Change change) {
        changes.lock();
        try {
            Deletion deletion = store.delete(name, change);
            if (deletion instanceof Deletion.Deleted deleted) {
                swapped(deleted.revision());
                loadedRevisions.remove(name);
                served.withdraw(name);
            }
            return deletion;
        } finally {
            changes.unlock();
        }
    }

    @Override
    public CertificateOutcome reload(String name) {
        if (served.served(name).isPresent()) {
            return served.reload(name);
        }
        // Stored but not in service (refused at start): a reload is how an operator retries it after a fix.
        changes.lock();
        try {
            return store.certificate(name)
                    .map(stored -> served.serve(name, stored.value().origin()))
                    .orElseGet(() -> new CertificateOutcome.NotFound(name));
        } finally {
            changes.unlock();
        }
    }

    @Override
    public List<CertificateOutcome> reloadAll() {
        return served.served().stream().map(certificate -> served.reload(certificate.name())).toList();
    }

    private <T> T locally(java.util.function.Supplier<T> write) {
        return routing == null ? write.get() : routing.writing(write);
    }

    /** The routing table takes the revision the write made, as every write of this node's does. */
    private void swapped(long revision) {
        if (routing != null) {
            routing.refreshAtLeast(revision);
        }
    }
}
