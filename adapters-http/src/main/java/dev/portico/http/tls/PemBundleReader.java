package dev.portico.http.tls;

import dev.portico.domain.model.CertificateOrigin;
import dev.portico.domain.model.ServedCertificate;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * Turns a {@link CertificateOrigin} into a {@link CertificateBundle} or the first {@link CertificateProblem} found.
 * BouncyCastle only parses PEM and ASN.1 here; certificates and keys are converted to the JDK's own types (no BC
 * provider is registered) because JSSE selects keys by the JDK algorithm names "RSA" and "EC".
 */
final class PemBundleReader {
    /** A fullchain.pem is a few kilobytes; anything this large is not one, and is not read whole into memory. */
    static final long MAX_PEM_BYTES = 1024 * 1024;

    private static final JcaX509CertificateConverter CERTIFICATES = new JcaX509CertificateConverter();
    private static final JcaPEMKeyConverter KEYS = new JcaPEMKeyConverter();
    private static final SecureRandom RANDOM = new SecureRandom();

    private PemBundleReader() {
    }

    static LoadOutcome read(String name, CertificateOrigin source, Instant now) {
        try {
            String certPem;
            String keyPem;
            switch (source) {
                case CertificateOrigin.Files files -> {
                    certPem = readFile(path(files.certFile()));
                    keyPem = readFile(path(files.keyFile()));
                }
                case CertificateOrigin.Inline inline -> {
                    certPem = inline.certPem();
                    keyPem = inline.keyPem();
                }
            }
            List<X509Certificate> chain = certificates(certPem);
            PrivateKey key = privateKey(keyPem);
            X509Certificate leaf = chain.getFirst();
            if (!belongTogether(key, leaf.getPublicKey())) {
                throw new Refusal(new CertificateProblem.KeyMismatch(subject(leaf)));
            }
            if (now.isBefore(leaf.getNotBefore().toInstant())) {
                throw new Refusal(new CertificateProblem.NotYetValid(subject(leaf), leaf.getNotBefore().toInstant()));
            }
            if (now.isAfter(leaf.getNotAfter().toInstant())) {
                throw new Refusal(new CertificateProblem.Expired(subject(leaf), leaf.getNotAfter().toInstant()));
            }
            CertificateBundle bundle = new CertificateBundle(name, source, chain, key,
                    details(name, chain, key, source));
            return new LoadOutcome.Loaded(bundle);
        } catch (Refusal refusal) {
            return new LoadOutcome.Refused(refusal.problem);
        }
    }

    /** A stored path that the file system cannot name (with a NUL character, say) is a file that cannot be read. */
    private static Path path(String file) throws Refusal {
        try {
            return Path.of(file);
        } catch (InvalidPathException e) {
            throw new Refusal(new CertificateProblem.UnreadableFile(file, "it is not a valid file path ("
                    + e.getReason() + ")"));
        }
    }

    private static String readFile(Path path) throws Refusal {
        try {
            if (Files.isDirectory(path)) {
                throw new Refusal(new CertificateProblem.UnreadableFile(path.toString(), "it is a directory, not a PEM file"));
            }
            if (Files.size(path) > MAX_PEM_BYTES) {
                throw new Refusal(new CertificateProblem.UnreadableFile(path.toString(), "it is larger than "
                        + MAX_PEM_BYTES + " bytes, which no PEM certificate or key is"));
            }
            // PEM is ASCII; ISO-8859-1 maps every byte, so a binary file reaches the PEM check instead of a decoder error.
            return new String(Files.readAllBytes(path), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new Refusal(new CertificateProblem.MissingFile(path.toString(), missingDetail(path)));
        } catch (AccessDeniedException e) {
            throw new Refusal(new CertificateProblem.UnreadableFile(path.toString(), "permission denied for the user Portico runs as ("
                    + System.getProperty("user.name") + "); grant read access, or let the certbot hook upload the PEM"
                    + " instead (PORTICO_HOOK_MODE=upload)"));
        } catch (IOException e) {
            throw new Refusal(new CertificateProblem.UnreadableFile(path.toString(), String.valueOf(e.getMessage())));
        }
    }

    /** certbot's live/ files are symbolic links: a dangling one is the usual sign of a half-copied /etc/letsencrypt. */
    private static String missingDetail(Path path) {
        if (Files.isSymbolicLink(path)) {
            try {
                return "it is a symbolic link to " + Files.readSymbolicLink(path) + ", which does not exist";
            } catch (IOException e) {
                return "it is a symbolic link whose target does not exist";
            }
        }
        return "no such file";
    }

    private static List<X509Certificate> certificates(String pem) throws Refusal {
        List<Object> objects = pemObjects("certificate", pem, true);
        List<X509Certificate> chain = new ArrayList<>();
        Set<String> others = new LinkedHashSet<>();
        for (Object object : objects) {
            if (object instanceof X509CertificateHolder holder) {
                try {
                    chain.add(CERTIFICATES.getCertificate(holder));
                } catch (CertificateException e) {
                    throw new Refusal(new CertificateProblem.Unparsable("certificate", String.valueOf(e.getMessage())));
                }
            } else {
                others.add(kind(object));
            }
        }
        if (chain.isEmpty()) {
            throw new Refusal(new CertificateProblem.NoCertificate(objects.isEmpty()
                    ? "the certificate PEM is empty; expected CERTIFICATE blocks, leaf first (certbot: fullchain.pem)"
                    : "the certificate PEM holds only " + others + "; expected CERTIFICATE blocks, leaf first"
                            + " (certbot: fullchain.pem, not privkey.pem)"));
        }
        return List.copyOf(chain);
    }

    private static PrivateKey privateKey(String pem) throws Refusal {
        List<Object> objects = pemObjects("private key", pem, false);
        List<PrivateKey> keys = new ArrayList<>();
        Set<String> others = new LinkedHashSet<>();
        for (Object object : objects) {
            try {
                switch (object) {
                    case PEMKeyPair pair -> keys.add(KEYS.getKeyPair(pair).getPrivate());          // PKCS#1 RSA, SEC1 EC
                    case PrivateKeyInfo info -> keys.add(KEYS.getPrivateKey(info));              // PKCS#8
                    case PEMEncryptedKeyPair encrypted -> throw encrypted();
                    case PKCS8EncryptedPrivateKeyInfo encrypted -> throw encrypted();
                    // "EC PARAMETERS" blocks precede SEC1 keys written by `openssl ecparam -genkey`: not a key, not an error.
                    case ASN1ObjectIdentifier curve -> { }
                    case X9ECParameters curve -> { }
                    default -> others.add(kind(object));
                }
            } catch (IOException e) {
                throw new Refusal(new CertificateProblem.Unparsable("private key", String.valueOf(e.getMessage())));
            }
        }
        if (keys.isEmpty()) {
            throw new Refusal(new CertificateProblem.NoKey(objects.isEmpty()
                    ? "the private key PEM is empty (certbot: privkey.pem)"
                    : "the private key PEM holds only " + others + "; expected one PRIVATE KEY, RSA PRIVATE KEY or"
                            + " EC PRIVATE KEY block (certbot: privkey.pem)"));
        }
        if (keys.size() > 1) {
            throw new Refusal(new CertificateProblem.Unparsable("private key",
                    "it holds " + keys.size() + " private keys; expected exactly one"));
        }
        PrivateKey key = keys.getFirst();
        String algorithm = key.getAlgorithm();
        if (!algorithm.equals("RSA") && !algorithm.equals("EC")) {
            throw new Refusal(new CertificateProblem.Unparsable("private key",
                    algorithm + " keys are not supported; use an RSA or ECDSA key"));
        }
        return key;
    }

    private static Refusal encrypted() {
        return new Refusal(new CertificateProblem.Unparsable("private key",
                "it is encrypted with a passphrase; give the unencrypted key (as certbot's privkey.pem is)"));
    }

    /** Every PEM object in {@code pem}; text with no PEM block at all is refused as unparsable rather than "empty". */
    private static List<Object> pemObjects(String what, String pem, boolean certificate) throws Refusal {
        if (!pem.isBlank() && !pem.contains("-----BEGIN ")) {
            throw new Refusal(new CertificateProblem.Unparsable(what, "no PEM block (a '-----BEGIN ...-----' line) found;"
                    + (certificate ? " a DER file can be converted with `openssl x509 -inform der`" : " is it DER?")));
        }
        List<Object> objects = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                objects.add(object);
            }
        } catch (IOException | RuntimeException e) {
            // BouncyCastle reports damaged Base64 and ASN.1 with unchecked exceptions (DecoderException,
            // IllegalArgumentException...) as well as IOException: all of them mean "this PEM is broken".
            throw new Refusal(new CertificateProblem.Unparsable(what, String.valueOf(e.getMessage())));
        }
        return objects;
    }

    private static String kind(Object pemObject) {
        return pemObject.getClass().getSimpleName();
    }

    /**
     * RSA keys are compared by their public modulus and exponent. An EC private key does not always carry its
     * public point (PKCS#8 written by the JDK omits it), so an EC key proves possession instead: a signature it
     * makes must verify with the certificate's public key, which is exactly what a TLS client will check.
     */
    private static boolean belongTogether(PrivateKey key, PublicKey certificateKey) {
        if (!key.getAlgorithm().equals(certificateKey.getAlgorithm())) {
            return false;
        }
        if (key instanceof RSAPrivateKey rsa && certificateKey instanceof RSAPublicKey rsaPublic) {
            return rsa.getModulus().equals(rsaPublic.getModulus())
                    && (!(rsa instanceof RSAPrivateCrtKey crt)
                            || crt.getPublicExponent().equals(rsaPublic.getPublicExponent()));
        }
        try {
            byte[] challenge = new byte[32];
            RANDOM.nextBytes(challenge);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(certificateKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // A key the JDK cannot sign with, or of another curve than the certificate: they do not belong together.
            return false;
        }
    }

    private static ServedCertificate details(String name, List<X509Certificate> chain, PrivateKey key,
                                             CertificateOrigin source) throws Refusal {
        X509Certificate leaf = chain.getFirst();
        List<String> dnsNames = dnsNames(leaf);
        List<String> serverNames = dnsNames.isEmpty()
                ? commonName(leaf).map(List::of).orElse(List.of())
                : dnsNames.stream().map(PemBundleReader::normalized).distinct().toList();
        return new ServedCertificate(name, subject(leaf), dnsNames, serverNames,
                leaf.getIssuerX500Principal().getName(X500Principal.RFC2253),
                leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant(), serial(leaf), fingerprint(leaf),
                key.getAlgorithm(), chain.size(), source.describe());
    }

    static String normalized(String serverName) {
        String lower = serverName.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private static List<String> dnsNames(X509Certificate leaf) throws Refusal {
        try {
            Collection<List<?>> names = leaf.getSubjectAlternativeNames();
            if (names == null) {
                return List.of();
            }
            // Entry layout per X509Certificate#getSubjectAlternativeNames: [Integer type, value]; 2 is dNSName.
            return names.stream()
                    .filter(entry -> entry.size() == 2 && Integer.valueOf(2).equals(entry.get(0)))
                    .map(entry -> String.valueOf(entry.get(1)))
                    .toList();
        } catch (CertificateParsingException e) {
            throw new Refusal(new CertificateProblem.Unparsable("certificate",
                    "its subject alternative names cannot be read: " + e.getMessage()));
        }
    }

    private static Optional<String> commonName(X509Certificate leaf) {
        RDN[] commonNames = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN);
        if (commonNames.length == 0) {
            return Optional.empty();
        }
        return Optional.of(normalized(IETFUtils.valueToString(commonNames[0].getFirst().getValue())));
    }

    static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
    }

    /** Even-length upper-case hex, as openssl prints serials. */
    private static String serial(X509Certificate leaf) {
        String hex = leaf.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
        return hex.length() % 2 == 0 ? hex : "0" + hex;
    }

    private static String fingerprint(X509Certificate leaf) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has SHA-256 and can encode a certificate it parsed", e);
        }
    }

    /**
     * Carries a problem from deep inside the parsing steps to {@link #read}, which turns it into a value; it never
     * leaves this class, and has no stack trace because nothing about it is unexpected.
     */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;

        private final transient CertificateProblem problem;

        Refusal(CertificateProblem problem) {
            super(problem.message(), null, false, false);
            this.problem = problem;
        }
    }
}
