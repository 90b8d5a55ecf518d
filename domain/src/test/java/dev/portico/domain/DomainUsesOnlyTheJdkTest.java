package dev.portico.domain;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The domain is JDK only: its sources may import java.* and the domain's own packages, nothing else. */
class DomainUsesOnlyTheJdkTest {
    /** Surefire runs in the module's directory. */
    private static final Path MAIN_SOURCES = Path.of("src/main/java");
    private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(?:static\\s+)?([\\w.]+)(?:\\.\\*)?\\s*;",
            Pattern.MULTILINE);

    /** Every import in a source text that is neither java.* nor dev.portico.domain.*. */
    static List<String> foreignImports(String source) {
        Matcher matcher = IMPORT.matcher(source);
        return matcher.results().map(result -> result.group(1))
                .filter(name -> !name.startsWith("java.") && !name.startsWith("dev.portico.domain."))
                .toList();
    }

    @Test
    void mainSourcesImportOnlyJavaAndTheDomainItself() throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.walk(MAIN_SOURCES)) {
            sources = files.filter(file -> file.toString().endsWith(".java")).toList();
        }

        assertThat(sources).as("domain sources under %s", MAIN_SOURCES.toAbsolutePath()).hasSizeGreaterThan(20);
        assertThat(sources).allSatisfy(file -> assertThat(foreignImports(read(file))).as("imports of %s", file).isEmpty());
    }

    @Test
    void theCheckCatchesImportsFromOutsideTheJdk() {
        String source = """
                package dev.portico.domain.model;

                import dev.portico.domain.validation.Errors;
                import java.util.List;
                import static java.util.Objects.requireNonNull;
                import io.helidon.webserver.WebServer;
                import javax.sql.DataSource;
                  import static org.jdbi.v3.core.Jdbi.create;
                import jakarta.json.*;
                """;

        assertThat(foreignImports(source)).containsExactly(
                "io.helidon.webserver.WebServer", "javax.sql.DataSource", "org.jdbi.v3.core.Jdbi.create", "jakarta.json");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
