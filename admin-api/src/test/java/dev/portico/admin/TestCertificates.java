package dev.portico.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A CA certificate as PEM for upstream TLS settings, made once per test JVM by the JDK's keytool. */
final class TestCertificates {
    private static String caPem;

    private TestCertificates() {
    }

    static synchronized String caPem() {
        if (caPem == null) {
            try {
                Path directory = Files.createTempDirectory("portico-ca");
                Path store = directory.resolve("ca.p12");
                String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
                run(keytool, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                        "-dname", "CN=Admin Test CA", "-ext", "bc:c=ca:true", "-validity", "2", "-storetype", "PKCS12",
                        "-keystore", store.toString(), "-storepass", "password", "-keypass", "password");
                caPem = run(keytool, "-exportcert", "-rfc", "-alias", "ca", "-keystore", store.toString(),
                        "-storepass", "password").replace("\r", "");
                Files.delete(store);
                Files.delete(directory);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("keytool failed", e);
            }
        }
        return caPem;
    }

    /** The PEM as a JSON string literal, quotes included. */
    static String caPemJson() {
        return "\"" + caPem().replace("\n", "\\n") + "\"";
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        return output;
    }
}
