package dev.portico.http.tls;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reloads a file-based certificate of a {@link CertificateRegistry} soon after its files change on disk, without any
 * API call: certbot renews by writing new files under {@code archive/<name>/} and repointing the symbolic links in
 * {@code live/<name>/}.
 *
 * <p>Two mechanisms, because neither is enough alone. The directories of the configured paths and of the files they
 * resolve to are watched, which reacts within a fraction of a second. And every {@code pollInterval} the real file
 * behind each path is compared (path, inode, size, modification time) with what was loaded, because a
 * {@link WatchService} misses some changes: a swapped symlink to a <em>directory</em> further up (Kubernetes secret
 * volumes, {@code current -> releases/7}), file systems without inotify (NFS, some container mounts), and
 * certificates registered since the last pass.
 *
 * <p>A changed certificate that fails validation (say the key was written after the certificate, or the new one is
 * broken) is logged with its reason and the old one stays in service; it is tried again when the files change again.
 * Runs on one virtual thread until {@link #close}.
 */
public final class CertificateWatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CertificateWatcher.class.getName());
    /** certbot swaps several links in a row: wait for this much quiet so one reload sees the whole renewal. */
    private static final Duration SETTLE = Duration.ofMillis(200);
    /** ... but never longer than this, in case something keeps writing into a watched directory. */
    private static final Duration MAX_SETTLE = Duration.ofSeconds(2);

    private final CertificateRegistry registry;
    private final Duration pollInterval;
    private final Consumer<CertificateChange> onReload;
    private final WatchService watchService;
    private final Map<Path, WatchKey> watchedDirectories = new HashMap<>();
    // What the files were when a reload was refused: not retried (nor logged again) until they change once more.
    private final Map<String, FileStamps> refused = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    private CertificateWatcher(CertificateRegistry registry, Duration pollInterval, Consumer<CertificateChange> onReload)
            throws IOException {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive, not " + pollInterval);
        }
        this.onReload = Objects.requireNonNull(onReload, "onReload");
        this.watchService = FileSystems.getDefault().newWatchService();
        this.thread = Thread.ofVirtual().name("portico-certificate-watcher").unstarted(this::run);
    }

    /** Watches {@code registry}'s file-based certificates, checking them at least every {@code pollInterval}. */
    public static CertificateWatcher start(CertificateRegistry registry, Duration pollInterval) throws IOException {
        return start(registry, pollInterval, change -> { });
    }

    /** As {@link #start(CertificateRegistry, Duration)}, also telling {@code onReload} every reload it made. */
    public static CertificateWatcher start(CertificateRegistry registry, Duration pollInterval,
                                           Consumer<CertificateChange> onReload) throws IOException {
        CertificateWatcher watcher = new CertificateWatcher(registry, pollInterval, onReload);
        // Watching before returning: a renewal right after start() is then seen, not left to the next poll.
        watcher.watchDirectoriesOf(registry.watched());
        watcher.thread.start();
        return watcher;
    }

    /** Stops watching and waits for the watcher's thread to end. */
    @Override
    public void close() {
        running = false;
        try {
            watchService.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the certificate watch service failed", e);
        }
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (running) {
            try {
                // Watch first, then compare: a change after the comparison raises an event, one before it is found.
                List<CertificateRegistry.Watched> watched = registry.watched();
                watchDirectoriesOf(watched);
                reloadChanged(watched);
                WatchKey key = watchService.poll(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                if (key != null) {
                    settle(key);
                }
            } catch (InterruptedException | ClosedWatchServiceException stopped) {
                return;
            } catch (RuntimeException e) {
                // The watcher must outlive any one bad pass; the next pass starts from the registry afresh.
                LOG.log(System.Logger.Level.WARNING, "certificate watcher pass failed; retrying", e);
            }
        }
    }

    private void settle(WatchKey first) throws InterruptedException {
        long deadline = System.nanoTime() + MAX_SETTLE.toNanos();
        WatchKey key = first;
        while (key != null) {
            key.pollEvents();
            key.reset();
            if (System.nanoTime() >= deadline) {
                return;
            }
            key = watchService.poll(SETTLE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void reloadChanged(List<CertificateRegistry.Watched> watched) {
        Set<String> names = new HashSet<>();
        for (CertificateRegistry.Watched certificate : watched) {
            names.add(certificate.name());
            FileStamps now = FileStamps.of(certificate.files());
            if (now.equals(certificate.stamps()) || now.equals(refused.get(certificate.name()))) {
                continue;
            }
            CertificateChange change = registry.reload(certificate.name());
            switch (change) {
                case CertificateChange.Installed installed -> {
                    refused.remove(certificate.name());
                    LOG.log(System.Logger.Level.INFO, "certificate " + installed.name() + " changed on disk and was"
                            + " reloaded: serial " + installed.details().serial() + ", valid until "
                            + installed.details().notAfter() + installed.replaced()
                                    .map(old -> " (replacing serial " + old.serial() + ")").orElse(""));
                }
                case CertificateChange.Refused rejected -> {
                    refused.put(certificate.name(), now);
                    LOG.log(System.Logger.Level.WARNING, "certificate " + rejected.name() + " changed on disk but was"
                            + " refused: " + rejected.problem().message() + rejected.stillServed()
                                    .map(old -> "; still serving serial " + old.serial()).orElse(""));
                }
                case CertificateChange.NotFound removedMeanwhile -> refused.remove(certificate.name());
            }
            onReload.accept(change);
        }
        refused.keySet().retainAll(names);
    }

    private void watchDirectoriesOf(List<CertificateRegistry.Watched> watched) {
        Set<Path> wanted = new HashSet<>();
        for (CertificateRegistry.Watched certificate : watched) {
            wanted.addAll(FileStamps.directoriesOf(certificate.files()));
        }
        for (Iterator<Map.Entry<Path, WatchKey>> it = watchedDirectories.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Path, WatchKey> entry = it.next();
            if (!wanted.contains(entry.getKey()) || !entry.getValue().isValid()) {
                entry.getValue().cancel();
                it.remove();
            }
        }
        for (Path directory : wanted) {
            if (!watchedDirectories.containsKey(directory)) {
                try {
                    watchedDirectories.put(directory, directory.register(watchService,
                            StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                            StandardWatchEventKinds.ENTRY_MODIFY));
                } catch (IOException e) {
                    // Missing or unwatchable: polling still covers it, and the next pass tries to watch it again.
                    LOG.log(System.Logger.Level.DEBUG, "cannot watch " + directory + ": " + e);
                }
            }
        }
    }
}
