package dev.portico.http.tls;

import dev.portico.domain.model.CertificateOrigin;

import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A test certificate authority as Let's Encrypt is shaped: a root (what clients trust) and an intermediate (what
 * signs leaves, sent by the server in fullchain.pem). Leaves are RSA or EC, for any names and validity.
 */
public final class TestPki {
    private static final SecureRandom RANDOM = new SecureRandom();
    // Distinct serials that tests can recognise: each leaf's serial is one larger than the last.
    private static final AtomicLong SERIALS = new AtomicLong(0x1000);

    public enum KeyKind { RSA, EC }

    /** The PEM encodings of private keys that certbot, openssl and operators produce. */
    enum KeyEncoding {
        /** {@code -----BEGIN RSA PRIVATE KEY-----} */ PKCS1,
        /** {@code -----BEGIN EC PRIVATE KEY-----} */ SEC1,
        /** {@code -----BEGIN PRIVATE KEY-----} (certbot's privkey.pem) */ PKCS8
    }

    private final X509Certificate root;
    private final X509Certificate intermediate;
    private final KeyPair intermediateKeys;

    private TestPki(X509Certificate root, X509Certificate intermediate, KeyPair intermediateKeys) {
        this.root = root;
        this.intermediate = intermediate;
        this.intermediateKeys = intermediateKeys;
    }

    public static TestPki create() {
        KeyPair rootKeys = keyPair(KeyKind.RSA);
        Instant now = Instant.now();
        X509Certificate root = sign(new X500Name("CN=Portico Test Root"), rootKeys.getPublic(),
                new X500Name("CN=Portico Test Root"), rootKeys, now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(3650)), true, List.of(), BigInteger.ONE);
        KeyPair intermediateKeys = keyPair(KeyKind.EC);
        X509Certificate intermediate = sign(new X500Name("CN=Portico Test Intermediate"),
                intermediateKeys.getPublic(), new X500Name("CN=Portico Test Root"), rootKeys,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1825)), true, List.of(), BigInteger.TWO);
        return new TestPki(root, intermediate, intermediateKeys);
    }

    public X509Certificate root() {
        return root;
    }

    /** A leaf valid from an hour ago for 90 days, named after its first DNS name. */
    public Leaf leaf(KeyKind kind, String... dnsNames) {
        Instant now = Instant.now();
        return leaf(kind, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(90)), "CN=" + dnsNames[0],
                List.of(dnsNames));
    }

    public Leaf leaf(KeyKind kind, Instant notBefore, Instant notAfter, String subject, List<String> dnsNames) {
        return leaf(keyPair(kind), notBefore, notAfter, subject, dnsNames);
    }

    /** A leaf for an existing key pair: certbot keeps no key across renewals by default, but operators may. */
    Leaf leaf(KeyPair keys, Instant notBefore, Instant notAfter, String subject, List<String> dnsNames) {
        BigInteger serial = BigInteger.valueOf(SERIALS.incrementAndGet());
        X509Certificate certificate = sign(new X500Name(subject), keys.getPublic(),
                new X500Name("CN=Portico Test Intermediate"), intermediateKeys, notBefore, notAfter, false, dnsNames,
                serial);
        return new Leaf(certificate, keys, intermediate);
    }

    /** A client context trusting only this PKI's root. */
    public SSLContext clientContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("root", root);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair keyPair(KeyKind kind) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(kind.name());
            if (kind == KeyKind.RSA) {
                generator.initialize(2048, RANDOM);
            } else {
                generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            }
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(X500Name subject, PublicKey publicKey, X500Name issuer, KeyPair issuerKeys,
                                        Instant notBefore, Instant notAfter, boolean authority,
                                        List<String> dnsNames, BigInteger serial) {
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial,
                    Date.from(notBefore), Date.from(notAfter), subject, publicKey);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
            if (authority) {
                builder.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                builder.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                if (!dnsNames.isEmpty()) {
                    List<GeneralName> names = new ArrayList<>();
                    for (String name : dnsNames) {
                        // an IP literal becomes an IP address name, as for a server addressed by IP
                        boolean ip = name.matches("[0-9.]+") || name.contains(":");
                        names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name));
                    }
                    builder.addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(names.toArray(new GeneralName[0])));
                }
            }
            String algorithm = issuerKeys.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKeys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A leaf certificate, its key pair and the intermediate that signed it. */
    public record Leaf(X509Certificate certificate, KeyPair keys, X509Certificate intermediate) {

        BigInteger serial() {
            return certificate.getSerialNumber();
        }

        /** Leaf then intermediate, as certbot's fullchain.pem. */
        String fullchainPem() {
            return pem("CERTIFICATE", encoded(certificate)) + pem("CERTIFICATE", encoded(intermediate));
        }

        String certificatePem() {
            return pem("CERTIFICATE", encoded(certificate));
        }

        /** The private key as certbot writes privkey.pem. */
        String keyPem() {
            return keyPem(KeyEncoding.PKCS8);
        }

        String keyPem(KeyEncoding encoding) {
            PrivateKey key = keys.getPrivate();
            try {
                return switch (encoding) {
                    case PKCS8 -> pem("PRIVATE KEY", key.getEncoded());
                    // The PKCS#8 wrapper of an RSA key holds exactly the PKCS#1 RSAPrivateKey structure.
                    case PKCS1 -> pem("RSA PRIVATE KEY",
                            PrivateKeyInfo.getInstance(key.getEncoded()).parsePrivateKey().toASN1Primitive()
                                    .getEncoded());
                    // SEC1 as openssl writes it: with the curve and the public point, which the JDK's PKCS#8 omits.
                    case SEC1 -> pem("EC PRIVATE KEY", new org.bouncycastle.asn1.sec.ECPrivateKey(256,
                            ((ECPrivateKey) key).getS(),
                            new DERBitString(SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded())
                                    .getPublicKeyData().getBytes()),
                            new X962Parameters(SECObjectIdentifiers.secp256r1)).getEncoded());
                };
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        CertificateOrigin.Inline inline() {
            return new CertificateOrigin.Inline(fullchainPem(), keyPem());
        }
    }

    public static String pem(String type, byte[] content) {
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            writer.writeObject(new PemObject(type, content));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return text.toString();
    }

    /** The root certificate as PEM: what an operator puts in an upstream's CA bundle. */
    public String rootPem() {
        return pem("CERTIFICATE", encoded(root));
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
