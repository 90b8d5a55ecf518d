package dev.portico.app;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * certbot's side, end to end: the shipped deploy hook (run with sh, as certbot would) registers and renews
 * certificates laid out as certbot does (live/ symlinks into archive/) in a running Portico, which serves them by
 * SNI on its HTTPS listener in front of a real upstream. Certificates come from the openssl command line.
 */
class CertbotHookTest {
    private static final String TOKEN = "certbot-hook-test-token-0123456789";
    private static final Path HOOK = Path.of("..", "scripts", "certbot-deploy-hook").toAbsolutePath().normalize();
    private static final AtomicLong SERIAL = new AtomicLong(0x5000);

    @TempDir
    Path dir;
    private Portico portico;
    private TestUpstream upstream;

    @BeforeEach
    void start() throws Exception {
        upstream = new TestUpstream("app");
        portico = Portico.start(Settings.fromEnvironment(Map.of(
                "PORTICO_DATA_DIR", dir.resolve("data").toString(), "PORTICO_HTTP_HOST", "127.0.0.1",
                "PORTICO_HTTP_PORT", "0", "PORTICO_HTTPS_PORT", "0", "PORTICO_ADMIN_PORT", "0",
                "PORTICO_ADMIN_TOKEN", TOKEN)));
        AdminClient admin = AdminClient.of(portico.adminPort(), TOKEN);
        assertThat(admin.put("/v1/upstreams/app", "{\"targets\":[{\"url\":\"" + upstream.url() + "\"}]}").statusCode())
                .isEqualTo(201);
        assertThat(admin.put("/v1/routes/all", "{\"upstream\":\"app\"}").statusCode()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        portico.close();
        upstream.close();
    }

    @Test
    void theHookRegistersThenRenewsByPathsAndPorticoServesEachNewCertificateAtOnce() throws Exception {
        Path lineage = dir.resolve("letsencrypt/live/example.com");
        BigInteger first = issue(lineage, "example.com", 1);
        Hook registered = runHook(lineage, "paths");
        assertThat(registered.exitCode()).as(registered.output()).isZero();
        assertThat(httpsGet("example.com")).isEqualTo(new Served(first, "app GET /hello"));

        for (int renewal = 2; renewal <= 3; renewal++) {
            BigInteger renewed = issue(lineage, "example.com", renewal);
            Hook reloaded = runHook(lineage, "paths");
            assertThat(reloaded.exitCode()).as(reloaded.output()).isZero();
            assertThat(httpsGet("example.com")).isEqualTo(new Served(renewed, "app GET /hello"));
        }
    }

    @Test
    void inUploadModePorticoNeedsNoAccessToTheKeyFiles() throws Exception {
        Path lineage = dir.resolve("letsencrypt/live/upload.example.org");
        BigInteger serial = issue(lineage, "upload.example.org", 1);
        Hook uploaded = runHook(lineage, "upload");
        assertThat(uploaded.exitCode()).as(uploaded.output()).isZero();
        // The files go away: what Portico serves came in the request, not from the disk.
        deleteTree(dir.resolve("letsencrypt"));
        assertThat(httpsGet("upload.example.org")).isEqualTo(new Served(serial, "app GET /hello"));
        assertThat(AdminClient.of(portico.adminPort(), TOKEN).get("/v1/certificates/upload.example.org").body())
                .doesNotContain("PRIVATE KEY");
    }

    @Test
    void aCertificateWhoseKeyDoesNotMatchIsRefusedAndTheHookSaysWhy() throws Exception {
        Path lineage = dir.resolve("letsencrypt/live/example.com");
        BigInteger good = issue(lineage, "example.com", 1);
        assertThat(runHook(lineage, "paths").exitCode()).isZero();

        issue(lineage, "example.com", 2);
        Path otherKey = dir.resolve("elsewhere/live/example.com");
        issue(otherKey, "example.com", 3);
        Files.copy(otherKey.resolve("privkey.pem"), lineage.resolve("privkey.pem").toRealPath(),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Hook refused = runHook(lineage, "paths");

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.output()).containsIgnoringCase("key");
        assertThat(httpsGet("example.com").serial()).isEqualTo(good);
    }

    /** certbot's layout: archive/<name>/certN.pem, live/<name>/*.pem symlinks to the newest. */
    private BigInteger issue(Path lineage, String name, int version) throws Exception {
        Path archive = lineage.getParent().getParent().resolve("archive").resolve(lineage.getFileName());
        Files.createDirectories(archive);
        Files.createDirectories(lineage);
        long serial = SERIAL.incrementAndGet();
        Path cert = archive.resolve("fullchain" + version + ".pem");
        Path key = archive.resolve("privkey" + version + ".pem");
        run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "30", "-subj", "/CN=" + name,
                "-addext", "subjectAltName=DNS:" + name, "-set_serial", Long.toString(serial)));
        for (String file : List.of("fullchain", "privkey")) {
            Path link = lineage.resolve(file + ".pem");
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, link.getParent().relativize(archive.resolve(file + version + ".pem")));
        }
        return BigInteger.valueOf(serial);
    }

    private record Hook(int exitCode, String output) {
    }

    private Hook runHook(Path lineage, String mode) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sh", HOOK.toString()).redirectErrorStream(true);
        builder.environment().putAll(Map.of(
                "RENEWED_LINEAGE", lineage.toString(),
                "RENEWED_DOMAINS", lineage.getFileName().toString(),
                "PORTICO_ADMIN_URL", "http://127.0.0.1:" + portico.adminPort(),
                "PORTICO_ADMIN_TOKEN", TOKEN,
                "PORTICO_HOOK_MODE", mode,
                "PORTICO_HOOK_CONFIG", dir.resolve("no-such.conf").toString()));
        builder.environment().remove("PORTICO_HOOK_CONFIG");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Hook(process.exitValue(), output);
    }

    private record Served(BigInteger serial, String body) {
    }

    /** One HTTPS request with SNI, over a socket to 127.0.0.1, recording the certificate the server presented. */
    private Served httpsGet(String serverName) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        // The test checks which certificate is served (by serial), not whether a CA vouches for it.
        context.init(null, new TrustManager[] {new TrustEverything()}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", portico.httpsPort())) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(serverName)));
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            BigInteger serial = ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
            OutputStream out = socket.getOutputStream();
            out.write(("GET /hello HTTP/1.1\r\nHost: " + serverName + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("HTTP/1.1 200");
            int length = -1;
            for (String line; !(line = in.readLine()).isEmpty(); ) {
                if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Integer.parseInt(line.substring(15).strip());
                }
            }
            char[] body = new char[length];
            for (int read = 0; read < length; ) {
                read += in.read(body, read, length - read);
            }
            return new Served(serial, new String(body).replaceAll(" host=.*", ""));
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(String.join(" ", command) + "\n" + output).isZero();
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
