package dev.portico.http.tls;

import dev.portico.domain.model.CertificateOrigin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;

/** Certificates replaced while a real listener serves: no error, no stale certificate, no broken replacement. */
class RotationTest {
    private static final String NAME = "rotate.example.com";
    private static final int ROTATIONS = 20;
    private static TestPki pki;

    @TempDir
    Path directory;

    private CertbotLayout letsencrypt;
    private CertificateRegistry registry;
    private HttpsServer server;
    private SSLContext client;
    private TestPki.Leaf initial;

    @BeforeAll
    static void authority() {
        pki = TestPki.create();
    }

    @BeforeEach
    void start() {
        letsencrypt = new CertbotLayout(directory);
        initial = pki.leaf(TestPki.KeyKind.EC, NAME);
        letsencrypt.issue(NAME, initial);
        registry = new CertificateRegistry(new SniKeyManager(), Clock.systemUTC());
        assertThat(registry.put(NAME, letsencrypt.source(NAME))).isInstanceOf(CertificateChange.Installed.class);
        server = HttpsServer.start(registry.keyManager());
        client = pki.clientContext();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /**
     * Two loops open a new connection per request (sharing one client context, so they try to resume sessions) and
     * two loops send requests over kept-alive HttpClient connections, while the certificate is replaced 20 times,
     * alternately as the certbot hook's two modes do it (new files registered by path, then a reload; or the PEM
     * uploaded inline), RSA and EC keys in turn.
     */
    @Test
    void rotatesTwentyTimesWhileClientsKeepHandshakingAndRequestingWithoutAnyError() throws Exception {
        Map<BigInteger, Integer> generationOfSerial = new ConcurrentHashMap<>(Map.of(initial.serial(), 0));
        AtomicInteger published = new AtomicInteger();
        LongAdder handshakes = new LongAdder();
        LongAdder requests = new LongAdder();
        Semaphore handshaken = new Semaphore(0);
        Semaphore requested = new Semaphore(0);
        Queue<String> errors = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> loops = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            loops.add(Thread.ofVirtual().name("handshaking-" + i).start(() -> {
                while (running.get()) {
                    int atLeast = published.get();
                    try (SSLSocket socket = TlsClient.connect(client, server.port(), Optional.of(NAME))) {
                        Integer generation = generationOfSerial.get(TlsClient.peerSerial(socket));
                        String answer = TlsClient.get(socket, NAME);
                        handshakes.increment();
                        if (generation == null || generation < atLeast) {
                            errors.add("a handshake begun after rotation " + atLeast + " saw generation " + generation);
                        }
                        if (!answer.equals("200 hello")) {
                            errors.add("new connection answered " + answer);
                        }
                    } catch (IOException | RuntimeException e) {
                        errors.add("new connection: " + e);
                    }
                    handshaken.release();
                }
            }));
            HttpClient http = HttpClient.newBuilder().sslContext(client).sslParameters(sni(NAME)).build();
            loops.add(Thread.ofVirtual().name("requesting-" + i).start(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                URI.create("https://127.0.0.1:" + server.port() + "/")).build(),
                                HttpResponse.BodyHandlers.ofString());
                        requests.increment();
                        if (response.statusCode() != 200 || !response.body().equals("hello")) {
                            errors.add("kept-alive connection answered " + response.statusCode() + " " + response.body());
                        }
                    } catch (IOException | RuntimeException e) {
                        errors.add("kept-alive connection: " + e);
                    } catch (InterruptedException e) {
                        return;
                    }
                    requested.release();
                }
            }));
        }

        try {
            for (int rotation = 1; rotation <= ROTATIONS; rotation++) {
                TestPki.Leaf renewed = pki.leaf(rotation % 2 == 0 ? TestPki.KeyKind.EC : TestPki.KeyKind.RSA, NAME);
                generationOfSerial.put(renewed.serial(), rotation);
                CertificateChange change;
                if (rotation % 2 == 1) {
                    // What the certbot hook does in "paths" mode: PUT the paths, then POST a reload.
                    letsencrypt.issue(NAME, renewed);
                    assertThat(registry.put(NAME, letsencrypt.source(NAME)))
                            .isInstanceOf(CertificateChange.Installed.class);
                    change = registry.reload(NAME);
                } else {
                    change = registry.put(NAME, renewed.inline());
                }
                assertThat(change).isInstanceOfSatisfying(CertificateChange.Installed.class, installed ->
                        assertThat(installed.details().serial()).isEqualTo(HttpsListenerContract.hex(renewed.serial())));
                published.set(rotation);

                assertThat(TlsClient.serialFor(client, server.port(), NAME)).as("the first handshake after rotation %d",
                        rotation).isEqualTo(renewed.serial());
                // Let every loop get some work done under this certificate before the next rotation.
                handshaken.drainPermits();
                requested.drainPermits();
                assertThat(handshaken.tryAcquire(2, 30, TimeUnit.SECONDS)).as("new connections kept coming").isTrue();
                assertThat(requested.tryAcquire(2, 30, TimeUnit.SECONDS)).as("kept-alive requests went on").isTrue();
            }
        } finally {
            running.set(false);
            for (Thread loop : loops) {
                loop.join(Duration.ofSeconds(30));
            }
        }

        System.out.printf("rotation under load: %d rotations, %d new-connection handshakes with a request each,"
                        + " %d requests on kept-alive connections, %d errors%n",
                ROTATIONS, handshakes.sum(), requests.sum(), errors.size());
        assertThat(errors).isEmpty();
        assertThat(handshakes.sum()).isGreaterThan(ROTATIONS);
        assertThat(requests.sum()).isGreaterThan(ROTATIONS);
    }

    @Test
    void leavesAnAlreadyOpenConnectionWorkingAcrossARotation() throws Exception {
        try (SSLSocket open = TlsClient.connect(client, server.port(), Optional.of(NAME))) {
            assertThat(TlsClient.get(open, NAME)).isEqualTo("200 hello");

            TestPki.Leaf renewed = pki.leaf(TestPki.KeyKind.EC, NAME);
            letsencrypt.issue(NAME, renewed);
            assertThat(registry.reload(NAME)).isInstanceOf(CertificateChange.Installed.class);

            assertThat(TlsClient.get(open, NAME)).isEqualTo("200 hello");
            assertThat(TlsClient.peerSerial(open)).isEqualTo(initial.serial());
            assertThat(TlsClient.serialFor(client, server.port(), NAME)).isEqualTo(renewed.serial());
            assertThat(TlsClient.get(open, NAME)).isEqualTo("200 hello");
        }
    }

    @Test
    void refusesBrokenReplacementsAndKeepsServingTheCertificateInService() throws Exception {
        Instant now = Instant.now();
        TestPki.Leaf expired = pki.leaf(TestPki.KeyKind.EC, now.minus(Duration.ofDays(100)),
                now.minus(Duration.ofDays(10)), "CN=" + NAME, List.of(NAME));
        TestPki.Leaf other = pki.leaf(TestPki.KeyKind.EC, NAME);
        TestPki.Leaf renewed = pki.leaf(TestPki.KeyKind.EC, NAME);

        List<CertificateChange> refusals = new ArrayList<>();
        refusals.add(registry.put(NAME, expired.inline()));
        refusals.add(registry.put(NAME, new CertificateOrigin.Inline(renewed.fullchainPem(), other.keyPem())));
        refusals.add(registry.put(NAME, new CertificateOrigin.Inline("garbage", renewed.keyPem())));
        letsencrypt.issue(NAME, renewed.certificatePem(), "", renewed.fullchainPem(), "-----BEGIN PRIVATE KEY-----\n");
        refusals.add(registry.reload(NAME));
        Files.delete(letsencrypt.archive(NAME).resolve("privkey2.pem"));
        refusals.add(registry.reload(NAME));

        assertThat(refusals).allSatisfy(change -> {
            assertThat(change).isInstanceOf(CertificateChange.Refused.class);
            assertThat(((CertificateChange.Refused) change).stillServed().orElseThrow().serial())
                    .isEqualTo(HttpsListenerContract.hex(initial.serial()));
        });
        assertThat(refusals).extracting(change -> ((CertificateChange.Refused) change).problem().code())
                .containsExactly("expired", "key-mismatch", "unparsable", "unparsable", "missing-file");
        assertThat(TlsClient.serialFor(client, server.port(), NAME)).isEqualTo(initial.serial());
        assertThat(registry.find(NAME).orElseThrow().serial()).isEqualTo(HttpsListenerContract.hex(initial.serial()));
    }

    /** What an operator sees with openssl for two names on one listener, before and after both are renewed. */
    @Test
    void showsOpensslTheRenewedCertificateOfEachOfTwoNamesAfterARotation() throws Exception {
        String other = "other.example.org";
        TestPki.Leaf otherInitial = pki.leaf(TestPki.KeyKind.RSA, other);
        assertThat(registry.put(other, otherInitial.inline())).isInstanceOf(CertificateChange.Installed.class);
        Files.writeString(directory.resolve("root.pem"), TestPki.pem("CERTIFICATE", pki.root().getEncoded()));
        String before = OpensslProbe.presented(directory, server.port(), NAME);
        String otherBefore = OpensslProbe.presented(directory, server.port(), other);

        TestPki.Leaf renewed = pki.leaf(TestPki.KeyKind.EC, NAME);
        letsencrypt.issue(NAME, renewed);
        assertThat(registry.reload(NAME)).isInstanceOf(CertificateChange.Installed.class);
        TestPki.Leaf otherRenewed = pki.leaf(TestPki.KeyKind.RSA, other);
        assertThat(registry.put(other, otherRenewed.inline())).isInstanceOf(CertificateChange.Installed.class);
        String after = OpensslProbe.presented(directory, server.port(), NAME);
        String otherAfter = OpensslProbe.presented(directory, server.port(), other);

        System.out.println("openssl s_client -servername " + NAME + " before: " + before);
        System.out.println("openssl s_client -servername " + NAME + " after:  " + after);
        System.out.println("openssl s_client -servername " + other + " before: " + otherBefore);
        System.out.println("openssl s_client -servername " + other + " after:  " + otherAfter);
        assertThat(before).contains("subject=CN = " + NAME, "serial=" + HttpsListenerContract.hex(initial.serial()));
        assertThat(after).contains("subject=CN = " + NAME, "serial=" + HttpsListenerContract.hex(renewed.serial()));
        assertThat(otherBefore).contains("subject=CN = " + other,
                "serial=" + HttpsListenerContract.hex(otherInitial.serial()));
        assertThat(otherAfter).contains("subject=CN = " + other,
                "serial=" + HttpsListenerContract.hex(otherRenewed.serial()));
    }

    /**
     * A resumed session skips the certificate, so a client resuming a session made before a rotation would go on
     * seeing the old certificate. openssl keeps a TLS 1.2 session (by session id, without tickets) across processes,
     * which shows both halves: resumption works while the certificate stays, and stops once it is replaced.
     */
    @Test
    void doesNotResumeSessionsMadeWithTheCertificateBeforeARotation() throws Exception {
        Files.writeString(directory.resolve("root.pem"), TestPki.pem("CERTIFICATE", pki.root().getEncoded()));

        String first = resumingSClient("-sess_out");
        String resumed = resumingSClient("-sess_in");
        TestPki.Leaf renewed = pki.leaf(TestPki.KeyKind.EC, NAME);
        assertThat(registry.put(NAME, renewed.inline())).isInstanceOf(CertificateChange.Installed.class);
        String afterRotation = resumingSClient("-sess_in");

        assertThat(first).contains("New, TLSv1.2");
        assertThat(resumed).contains("Reused, TLSv1.2");
        assertThat(afterRotation).contains("New, TLSv1.2").contains("serial=" + HttpsListenerContract.hex(renewed.serial()));
    }

    private String resumingSClient(String sessionOption) {
        Openssl.Result result = Openssl.run(directory, "", "s_client", "-connect", "127.0.0.1:" + server.port(),
                "-servername", NAME, "-CAfile", "root.pem", "-verify_return_error", "-tls1_2", "-no_ticket",
                sessionOption, "session.pem");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        Matcher certificate = OpensslProbe.FIRST_CERTIFICATE.matcher(result.stdout());
        String serial = certificate.find()
                ? Openssl.exec(directory, certificate.group(), List.of("openssl", "x509", "-noout", "-serial")).stdout()
                : "(no certificate sent)";
        return result.stdout().lines().filter(line -> line.startsWith("New,") || line.startsWith("Reused,"))
                .findFirst().orElse("(neither New nor Reused)") + " " + serial;
    }

    private static SSLParameters sni(String name) {
        SSLParameters parameters = new SSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(name)));
        return parameters;
    }
}
