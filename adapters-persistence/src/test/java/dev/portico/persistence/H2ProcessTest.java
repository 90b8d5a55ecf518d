package dev.portico.persistence;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.portico.persistence.Fixtures.route;
import static dev.portico.persistence.Fixtures.upstream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded H2 database against another process: one killed right after a write, one holding the files. */
class H2ProcessTest {
    @TempDir
    Path dataDir;

    private Process child;

    @AfterEach
    void stopChild() {
        if (child != null) {
            child.destroyForcibly();
        }
    }

    @Test
    void aWriteThatReturnedSurvivesTheProcessBeingKilledRightAfter() throws Exception {
        child = startChild("write-then-halt");
        List<String> output = readUntil(child, H2ChildProcess.SAVED);
        assertThat(output).as("child output").contains(H2ChildProcess.SAVED);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child ended").isTrue();

        try (Database db = Database.open(DatabaseSettings.h2File(dataDir))) {
            assertThat(db.configStore().upstream("survivor")).contains(upstream("survivor", 3));
            assertThat(db.configStore().route("survivor")).contains(route("survivor", "survivor", "example.com"));
            assertThat(db.configStore().revision()).isEqualTo(2);
        }
    }

    @Test
    void openingADataDirectoryAnotherProcessUsesFailsSayingSo() throws Exception {
        child = startChild("hold-open");
        assertThat(readUntil(child, H2ChildProcess.OPEN)).as("child output").contains(H2ChildProcess.OPEN);

        assertThatThrownBy(() -> Database.open(DatabaseSettings.h2File(dataDir)))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining(dataDir.resolve("portico").toString())
                .hasMessageContaining("Another Portico is probably running with the same data directory");

        child.getOutputStream().close();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child ended").isTrue();
        try (Database db = Database.open(DatabaseSettings.h2File(dataDir))) {
            assertThat(db.configStore().revision()).as("usable once the other process is gone").isZero();
        }
    }

    private Process startChild(String mode) throws IOException {
        return new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                H2ChildProcess.class.getName(), mode, dataDir.toString())
                .redirectErrorStream(true)
                .start();
    }

    /** The child's output lines up to {@code expected}, or all of it if the child ends first. */
    private static List<String> readUntil(Process process, String expected) throws IOException {
        List<String> lines = new ArrayList<>();
        BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lines.add(line);
            if (line.equals(expected)) {
                break;
            }
        }
        return lines;
    }
}
