package dev.portico.http.tls;

import dev.portico.domain.model.CertificateOrigin;
import dev.portico.domain.model.ServedCertificate;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A certificate chain (leaf first) with the private key of its leaf, checked to belong together and to be valid when
 * it was loaded. Immutable: a renewal is a new bundle.
 *
 * @param name       the name it is registered under
 * @param source     where it was read from; reloading reads this again
 * @param chain      leaf first, then the intermediates in the order given
 * @param privateKey the leaf's private key
 * @param details    what a listing shows
 */
public record CertificateBundle(String name, CertificateOrigin source, List<X509Certificate> chain,
                                PrivateKey privateKey, ServedCertificate details) {
    public CertificateBundle {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a bundle needs at least its leaf certificate");
        }
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(details, "details");
    }

    /**
     * Reads {@code source} (following symbolic links), parses the PEM (RSA or EC keys as PKCS#1, SEC1 or PKCS#8) and
     * checks that the key matches the leaf and that the leaf is valid at {@code now}. Expected failures (missing
     * file, bad PEM, mismatching key, expired...) come back as {@link LoadOutcome.Refused}, never as exceptions.
     */
    public static LoadOutcome load(String name, CertificateOrigin source, Instant now) {
        return PemBundleReader.read(name, source, now);
    }

    /** The leaf certificate: the one whose names SNI matches and whose key signs the handshake. */
    public X509Certificate leaf() {
        return chain.getFirst();
    }

    /** The JDK's name of the key algorithm ("RSA", "EC"), which is what the handshake asks a key manager for. */
    public String keyType() {
        return privateKey.getAlgorithm();
    }

    /** Without key material, unlike a record's default toString. */
    @Override
    public String toString() {
        return "CertificateBundle[" + name + ", serial " + details.serial() + ", " + details.serverNames()
                + ", from " + source.describe() + "]";
    }
}
