package dev.portico.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Portico as its own operating-system process, started the way the launcher starts it, to be killed for real. */
final class PorticoProcess implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile(
            "proxy on http://[^:]+:(\\d+), admin API on http://[^:]+:(\\d+)");
    private static final Pattern HTTPS = Pattern.compile("HTTPS on https://[^:]+:(\\d+)");

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final int httpPort;
    private final int adminPort;

    private PorticoProcess(Path dataDir, String token, String maxHeap, Map<String, String> settings)
            throws Exception {
        process = command(dataDir, token, maxHeap, settings).start();
        CompletableFuture<Matcher> serving = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    output.add(line);
                    Matcher m = SERVING.matcher(line);
                    if (m.find()) {
                        serving.complete(m);
                    }
                }
                serving.completeExceptionally(new IllegalStateException("Portico exited: " + String.join("\n", output)));
            } catch (IOException e) {
                serving.completeExceptionally(e);
            }
        });
        Matcher ports = serving.get(60, TimeUnit.SECONDS);
        httpPort = Integer.parseInt(ports.group(1));
        adminPort = Integer.parseInt(ports.group(2));
    }

    private static ProcessBuilder command(Path dataDir, String token, String maxHeap, Map<String, String> settings) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // -XX:+ExitOnOutOfMemoryError as the launcher always passes it
        ProcessBuilder builder = new ProcessBuilder(java, "-XX:+ExitOnOutOfMemoryError", "-Xmx" + maxHeap, "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "serve").redirectErrorStream(true);
        builder.environment().putAll(Map.of(
                "PORTICO_DATA_DIR", dataDir.toString(),
                "PORTICO_HTTP_HOST", "127.0.0.1",
                "PORTICO_HTTP_PORT", "0",
                "PORTICO_HTTPS_PORT", "0",
                "PORTICO_ADMIN_PORT", "0",
                "PORTICO_ADMIN_TOKEN", token));
        builder.environment().putAll(settings);
        return builder;
    }

    static PorticoProcess start(Path dataDir, String token, String maxHeap) throws Exception {
        return new PorticoProcess(dataDir, token, maxHeap, Map.of());
    }

    /** With more PORTICO_* settings. */
    static PorticoProcess start(Path dataDir, String token, String maxHeap, Map<String, String> settings)
            throws Exception {
        return new PorticoProcess(dataDir, token, maxHeap, settings);
    }

    /** What a process that ended said: its exit code and every line it wrote. */
    record Ended(int exitCode, List<String> output) {
    }

    /** Runs Portico with these settings until it ends by itself (it cannot start), within {@code within}. */
    static Ended runUntilExit(Path dataDir, Map<String, String> settings, Duration within) throws Exception {
        ProcessBuilder builder = command(dataDir, "run-until-exit-token-0123456789", "128m", settings);
        Process process = builder.start();
        List<String> lines;
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            lines = reader.lines().toList();
        }
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("Portico did not exit within " + within + ": " + String.join("\n", lines));
        }
        return new Ended(process.exitValue(), lines);
    }

    /** Waits for the process to end; its exit code, or -1 if it is still running after {@code within}. */
    int awaitExit(Duration within) throws InterruptedException {
        return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    int httpPort() {
        return httpPort;
    }

    /** The HTTPS listener's port, from the line that says Portico is serving. */
    int httpsPort() {
        return output.stream().map(HTTPS::matcher).filter(Matcher::find).findFirst()
                .map(m -> Integer.parseInt(m.group(1)))
                .orElseThrow(() -> new IllegalStateException("Portico logged no HTTPS port"));
    }

    int adminPort() {
        return adminPort;
    }

    List<String> output() {
        return output;
    }

    /**
     * SIGTERM, as an init system or an orchestrator sends it; returns at once. Sent with kill(1): Process.destroy()
     * would also close the pipe of the process's output, and what it logs while stopping would be lost.
     */
    void terminate() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-TERM", String.valueOf(process.pid())).inheritIO().start().waitFor();
    }

    /** SIGHUP, as logrotate's postrotate sends it; returns at once. */
    void hangUp() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-HUP", String.valueOf(process.pid())).inheritIO().start().waitFor();
    }

    /** SIGKILL: no shutdown hook, no flush, as a crash or the OOM killer would do it. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(Duration.ofSeconds(20).toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
