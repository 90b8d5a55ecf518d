package dev.portico.http.tls;

import dev.portico.domain.model.CertificateOrigin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** Renewals written to disk are served without any API call; broken ones are logged and not served. */
class CertificateWatcherTest {
    private static final String NAME = "watched.example.com";
    /** Long enough that only a file event can explain a reload within seconds. */
    private static final Duration NO_POLLING_IN_TIME = Duration.ofMinutes(10);
    private static TestPki pki;

    @TempDir
    Path directory;

    private final BlockingQueue<CertificateChange> reloads = new LinkedBlockingQueue<>();
    private final BlockingQueue<LogRecord> logged = new LinkedBlockingQueue<>();
    private final Logger watcherLog = Logger.getLogger(CertificateWatcher.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private CertbotLayout letsencrypt;
    private CertificateRegistry registry;
    private CertificateWatcher watcher;

    @BeforeAll
    static void authority() {
        pki = TestPki.create();
    }

    @BeforeEach
    void setUp() {
        watcherLog.addHandler(capture);
        letsencrypt = new CertbotLayout(directory.resolve("letsencrypt"));
        registry = new CertificateRegistry(new SniKeyManager(), Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        if (watcher != null) {
            watcher.close();
        }
        watcherLog.removeHandler(capture);
    }

    @Test
    void servesACertbotRenewalWithinSecondsWithoutAnyCall() throws Exception {
        letsencrypt.issue(NAME, pki.leaf(TestPki.KeyKind.EC, NAME));
        assertThat(registry.put(NAME, letsencrypt.source(NAME))).isInstanceOf(CertificateChange.Installed.class);
        watcher = CertificateWatcher.start(registry, NO_POLLING_IN_TIME, reloads::add);
        TestPki.Leaf renewed = pki.leaf(TestPki.KeyKind.RSA, NAME);

        long renewedAt = System.nanoTime();
        letsencrypt.issue(NAME, renewed);
        CertificateChange change = nextInstalled();
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - renewedAt);

        System.out.println("certbot-style symlink swap served after " + tookMillis + " ms");
        assertThat(change).isInstanceOfSatisfying(CertificateChange.Installed.class, installed ->
                assertThat(installed.details().serial()).isEqualTo(HttpsListenerContract.hex(renewed.serial())));
        try (HttpsServer server = HttpsServer.start(registry.keyManager())) {
            assertThat(TlsClient.serialFor(pki.clientContext(), server.port(), NAME)).isEqualTo(renewed.serial());
        }
        assertThat(logged).anySatisfy(record -> {
            assertThat(record.getLevel()).isEqualTo(Level.INFO);
            assertThat(record.getMessage()).contains("certificate " + NAME + " changed on disk and was reloaded",
                    "serial " + HttpsListenerContract.hex(renewed.serial()));
        });
    }

    @Test
    void keepsServingTheOldCertificateWhenARenewalOnDiskIsBrokenAndLogsWhy() throws Exception {
        TestPki.Leaf initial = pki.leaf(TestPki.KeyKind.EC, NAME);
        letsencrypt.issue(NAME, initial);
        assertThat(registry.put(NAME, letsencrypt.source(NAME))).isInstanceOf(CertificateChange.Installed.class);
        watcher = CertificateWatcher.start(registry, NO_POLLING_IN_TIME, reloads::add);
        TestPki.Leaf renewed = pki.leaf(TestPki.KeyKind.EC, NAME);
        TestPki.Leaf unrelated = pki.leaf(TestPki.KeyKind.EC, NAME);

        letsencrypt.issue(NAME, renewed.certificatePem(), "", renewed.fullchainPem(), unrelated.keyPem());
        CertificateChange broken = reloads.poll(10, TimeUnit.SECONDS);

        assertThat(broken).isInstanceOfSatisfying(CertificateChange.Refused.class, refused ->
                assertThat(refused.problem()).isEqualTo(new CertificateProblem.KeyMismatch("CN=" + NAME)));
        assertThat(registry.find(NAME).orElseThrow().serial()).isEqualTo(HttpsListenerContract.hex(initial.serial()));
        assertThat(registry.keyManager().current().select(Optional.of(NAME), "EC").orElseThrow().leaf())
                .isEqualTo(initial.certificate());
        assertThat(logged).anySatisfy(record -> {
            assertThat(record.getLevel()).isEqualTo(Level.WARNING);
            assertThat(record.getMessage()).isEqualTo("certificate " + NAME + " changed on disk but was refused: "
                    + new CertificateProblem.KeyMismatch("CN=" + NAME).message() + "; still serving serial "
                    + HttpsListenerContract.hex(initial.serial()));
        });

        letsencrypt.issue(NAME, renewed);  // the operator fixes it: the next change on disk is tried again
        CertificateChange fixed = nextInstalled();

        assertThat(fixed).isInstanceOfSatisfying(CertificateChange.Installed.class, installed ->
                assertThat(installed.details().serial()).isEqualTo(HttpsListenerContract.hex(renewed.serial())));
    }

    /**
     * A path through a symbolic link to a directory ({@code current -> releases/1}, as Kubernetes secret volumes
     * and release layouts do) changes when that link is swapped, in a directory no watch covers: the poll finds it.
     */
    @Test
    void findsASwappedDirectoryLinkByPolling() throws Exception {
        TestPki.Leaf initial = pki.leaf(TestPki.KeyKind.EC, NAME);
        TestPki.Leaf renewed = pki.leaf(TestPki.KeyKind.EC, NAME);
        release(1, initial);
        release(2, renewed);
        Path current = Files.createSymbolicLink(directory.resolve("current"), Path.of("releases", "1"));
        CertificateOrigin.Files source = new CertificateOrigin.Files(current.resolve("fullchain.pem").toString(),
                current.resolve("privkey.pem").toString());
        assertThat(registry.put(NAME, source)).isInstanceOf(CertificateChange.Installed.class);
        watcher = CertificateWatcher.start(registry, Duration.ofMillis(300), reloads::add);

        Path next = Files.createSymbolicLink(directory.resolve("current.next"), Path.of("releases", "2"));
        Files.move(next, current, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        CertificateChange change = nextInstalled();

        assertThat(change).isInstanceOfSatisfying(CertificateChange.Installed.class, installed ->
                assertThat(installed.details().serial()).isEqualTo(HttpsListenerContract.hex(renewed.serial())));
    }

    @Test
    void watchesCertificatesRegisteredAfterItStarted() throws Exception {
        watcher = CertificateWatcher.start(registry, Duration.ofMillis(300), reloads::add);
        letsencrypt.issue(NAME, pki.leaf(TestPki.KeyKind.EC, NAME));
        assertThat(registry.put(NAME, letsencrypt.source(NAME))).isInstanceOf(CertificateChange.Installed.class);
        TestPki.Leaf renewed = pki.leaf(TestPki.KeyKind.EC, NAME);

        letsencrypt.issue(NAME, renewed);
        CertificateChange change = nextInstalled();

        assertThat(change).isInstanceOfSatisfying(CertificateChange.Installed.class, installed ->
                assertThat(installed.details().serial()).isEqualTo(HttpsListenerContract.hex(renewed.serial())));
    }

    /**
     * The next reload that installed a certificate, waiting up to ten seconds. A renewal swaps four links one by one;
     * on a very slow machine the watcher may look in between, be refused (new certificate, old key) and try again on
     * the next change, which is the designed behaviour, so such interim refusals are skipped here.
     */
    private CertificateChange nextInstalled() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        CertificateChange change;
        do {
            change = reloads.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } while (change instanceof CertificateChange.Refused);
        return change;
    }

    private void release(int number, TestPki.Leaf leaf) throws IOException {
        Path release = Files.createDirectories(directory.resolve("releases").resolve(String.valueOf(number)));
        Files.writeString(release.resolve("fullchain.pem"), leaf.fullchainPem());
        Files.writeString(release.resolve("privkey.pem"), leaf.keyPem());
    }
}
