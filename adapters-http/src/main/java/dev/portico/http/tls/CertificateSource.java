package dev.portico.http.tls;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a certificate and its private key come from: two files (certbot's {@code live/<name>/fullchain.pem} and
 * {@code privkey.pem}; symbolic links are followed on every read) or PEM text handed over inline.
 */
public sealed interface CertificateSource {

    /** Says where the certificate was loaded from, for listings and log lines. Never contains key material. */
    String describe();

    /** PEM files on disk, re-read on every reload so that a renewal written by certbot is picked up. */
    record Files(Path certFile, Path keyFile) implements CertificateSource {
        public Files {
            Objects.requireNonNull(certFile, "certFile");
            Objects.requireNonNull(keyFile, "keyFile");
        }

        @Override
        public String describe() {
            return "files " + certFile + " and " + keyFile;
        }
    }

    /** PEM text sent by a client, e.g. the certbot hook in upload mode, so Portico needs no access to certbot's keys. */
    record Inline(String certPem, String keyPem) implements CertificateSource {
        public Inline {
            Objects.requireNonNull(certPem, "certPem");
            Objects.requireNonNull(keyPem, "keyPem");
        }

        @Override
        public String describe() {
            return "inline PEM";
        }

        /** Without the key: a record's default toString would put the private key into logs. */
        @Override
        public String toString() {
            return "Inline[certPem=" + certPem.length() + " chars, keyPem=(hidden)]";
        }
    }
}
