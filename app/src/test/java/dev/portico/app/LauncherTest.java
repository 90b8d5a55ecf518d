package dev.portico.app;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher's JVM flags: an operator's own options replace the tuning, never the exit on running out of memory. */
class LauncherTest {
    private static final Path LAUNCHER = Path.of("..", "portico").toAbsolutePath().normalize();

    private static List<String> jvmOptions(String operatorOptions) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", LAUNCHER.toString(), "jvm-options");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        if (operatorOptions == null) {
            builder.environment().remove("PORTICO_JAVA_OPTS");
        } else {
            builder.environment().put("PORTICO_JAVA_OPTS", operatorOptions);
        }
        Process process = builder.redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output.lines().toList();
    }

    @Test
    void passesExitOnOutOfMemoryErrorWithTheDefaultsAndWithAnOperatorsOwnOptions() throws Exception {
        assertThat(Files.isRegularFile(LAUNCHER)).isTrue();

        assertThat(jvmOptions(null)).startsWith("-XX:+ExitOnOutOfMemoryError").contains("-XX:+UseSerialGC");
        assertThat(jvmOptions("-Xmx512m -XX:+UseParallelGC"))
                .containsExactly("-XX:+ExitOnOutOfMemoryError", "-Xmx512m", "-XX:+UseParallelGC");
    }
}
