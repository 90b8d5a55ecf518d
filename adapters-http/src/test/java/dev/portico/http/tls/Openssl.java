package dev.portico.http.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The openssl command line, run as a real process: the tool operators check certificates and servers with. */
final class Openssl {
    private Openssl() {
    }

    /** What a finished process printed, and its exit code. */
    record Result(int exitCode, String stdout, String stderr) {
    }

    /** Runs {@code openssl args...} in {@code directory} with {@code stdin} as input. */
    static Result run(Path directory, String stdin, String... args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        return exec(directory, stdin, command);
    }

    /** Runs {@code openssl args...}, requiring success; its standard output. */
    static String ok(Path directory, String... args) {
        Result result = run(directory, "", args);
        assertThat(result.exitCode()).as("openssl %s: %s", String.join(" ", args), result.stderr()).isZero();
        return result.stdout();
    }

    static Result exec(Path directory, String stdin, List<String> command) {
        return exec(new ProcessBuilder(command).directory(directory.toFile()), stdin);
    }

    /** Runs a prepared process to its end, with no input. */
    static Result exec(ProcessBuilder builder) {
        return exec(builder, "");
    }

    private static Result exec(ProcessBuilder builder, String stdin) {
        List<String> command = builder.command();
        try {
            Process process = builder.start();
            CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
            try (var input = process.getOutputStream()) {
                input.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignoredClosedEarly) {
                // A process may exit without reading its input (s_client after a failed handshake).
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish within a minute");
            }
            return new Result(process.exitValue(), stdout.join(), stderr.join());
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String read(InputStream stream) {
        try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
