package dev.portico.persistence;

import dev.portico.domain.model.HostPattern;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.validation.Validated;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Valid domain values for the store tests, built the way an operator's input would be. */
final class Fixtures {
    private Fixtures() {
    }

    static Target target(String url, int weight) {
        return switch (Target.parse("target", url, weight)) {
            case Validated.Valid<Target> valid -> valid.value();
            case Validated.Invalid<Target> invalid -> throw new IllegalArgumentException(invalid.errors().toString());
        };
    }

    static Upstream upstream(String name, Target... targets) {
        return new Upstream(name, List.of(targets));
    }

    /** An upstream with one target of the given weight: the weight tells which write a stored value came from. */
    static Upstream upstream(String name, int weight) {
        return upstream(name, target("http://127.0.0.1:9001", weight));
    }

    private static String caPem;

    /** A self-signed CA certificate as PEM, made once by the JDK's keytool. */
    static synchronized String caPem() {
        if (caPem == null) {
            try {
                Path directory = Files.createTempDirectory("portico-ca");
                Path store = directory.resolve("ca.p12");
                String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
                run(keytool, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                        "-dname", "CN=Store Test CA", "-ext", "bc:c=ca:true", "-validity", "2", "-storetype", "PKCS12",
                        "-keystore", store.toString(), "-storepass", "password", "-keypass", "password");
                caPem = run(keytool, "-exportcert", "-rfc", "-alias", "ca", "-keystore", store.toString(),
                        "-storepass", "password");
                Files.delete(store);
                Files.delete(directory);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("keytool failed", e);
            }
        }
        return caPem;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        return output;
    }

    static Route route(String name, String upstream, String... hosts) {
        return new Route(name, Arrays.stream(hosts).map(HostPattern::new).toList(), "/" + name + "/", upstream,
                false, false, Route.DEFAULT_TIMEOUT);
    }

    static Route route(String name, String upstream, Duration timeout) {
        return new Route(name, List.of(), "/" + name + "/", upstream, false, false, timeout);
    }
}
