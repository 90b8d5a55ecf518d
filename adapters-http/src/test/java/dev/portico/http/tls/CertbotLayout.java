package dev.portico.http.tls;

import dev.portico.domain.model.CertificateOrigin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * An /etc/letsencrypt as certbot keeps it: numbered files under {@code archive/<name>/} and relative symbolic links
 * under {@code live/<name>/} pointing at the newest. A renewal writes the next numbered files and then repoints the
 * links one by one, deleting each and creating it anew, exactly as certbot's storage code does.
 */
final class CertbotLayout {
    private static final String[] KINDS = {"cert", "chain", "fullchain", "privkey"};

    private final Path root;
    private final Map<String, Integer> versions = new HashMap<>();

    CertbotLayout(Path root) {
        this.root = root;
    }

    Path live(String name) {
        return root.resolve("live").resolve(name);
    }

    Path archive(String name) {
        return root.resolve("archive").resolve(name);
    }

    CertificateOrigin.Files source(String name) {
        return new CertificateOrigin.Files(live(name).resolve("fullchain.pem").toString(),
                live(name).resolve("privkey.pem").toString());
    }

    /** A first issue or a renewal of lineage {@code name}; returns the live directory (certbot's RENEWED_LINEAGE). */
    Path issue(String name, TestPki.Leaf leaf) {
        return issue(name, leaf.certificatePem(), leaf.intermediate() == null ? "" : intermediatePem(leaf),
                leaf.fullchainPem(), leaf.keyPem());
    }

    Path issue(String name, String certPem, String chainPem, String fullchainPem, String keyPem) {
        try {
            int version = versions.merge(name, 1, Integer::sum);
            Files.createDirectories(archive(name));
            Files.createDirectories(live(name));
            Map<String, String> contents = Map.of("cert", certPem, "chain", chainPem, "fullchain", fullchainPem,
                    "privkey", keyPem);
            for (String kind : KINDS) {
                Files.writeString(archive(name).resolve(kind + version + ".pem"), contents.get(kind));
            }
            for (String kind : KINDS) {
                Path link = live(name).resolve(kind + ".pem");
                Files.deleteIfExists(link);
                Files.createSymbolicLink(link, Path.of("..", "..", "archive", name, kind + version + ".pem"));
            }
            return live(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String intermediatePem(TestPki.Leaf leaf) {
        String full = leaf.fullchainPem();
        return full.substring(leaf.certificatePem().length());
    }
}
