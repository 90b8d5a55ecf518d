package dev.portico.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The training run behind the JVM's ahead-of-time cache goes through Portico's start, admin API and proxy as a user
 * would: every request it makes gets the answer it expects (it fails otherwise), and it leaves nothing behind.
 */
class TrainingTest {
    @TempDir
    Path temporary;

    @Test
    void runsThroughTheAdminApiAndTheProxyAndCleansUpAfterItself() throws Exception {
        Training.run(temporary, 12);

        try (Stream<Path> left = Files.list(temporary)) {
            assertThat(left).isEmpty();
        }
    }
}
