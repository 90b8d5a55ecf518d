package dev.portico.persistence;

import java.io.IOException;
import java.nio.file.Path;

import static dev.portico.persistence.Fixtures.route;
import static dev.portico.persistence.Fixtures.upstream;

/**
 * Runs in a child JVM for {@link H2ProcessTest}: another process using the same H2 data directory.
 * Arguments: the mode, then the data directory.
 */
final class H2ChildProcess {
    static final String SAVED = "saved";
    static final String OPEN = "open";

    private H2ChildProcess() {
    }

    public static void main(String[] args) throws IOException {
        Database db = Database.open(DatabaseSettings.h2File(Path.of(args[1])));
        switch (args[0]) {
            case "write-then-halt" -> {
                db.configStore().saveUpstream(upstream("survivor", 3));
                db.configStore().saveRoute(route("survivor", "survivor", "example.com"));
                System.out.println(SAVED);
                System.out.flush();
                // As kill -9 would: no shutdown hooks, no close, nothing flushed that was not already.
                Runtime.getRuntime().halt(0);
            }
            case "hold-open" -> {
                System.out.println(OPEN);
                System.out.flush();
                // Until the test closes our stdin.
                while (System.in.read() >= 0) {
                    continue;
                }
                Runtime.getRuntime().halt(0);
            }
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }
}
