package dev.portico.http.tls;

import java.time.Instant;

/**
 * Why a certificate was refused, phrased so that the person who sent it knows what to fix. The certificate in
 * service (if any) stays in service whenever one of these is reported.
 */
public sealed interface CertificateProblem {

    /** A short stable identifier for clients and metrics, e.g. {@code "expired"}. */
    String code();

    /** One sentence naming the fault and, where it helps, what to do about it. */
    String message();

    /** A file that is not there (for a symbolic link: whose target is not there). */
    record MissingFile(String path, String detail) implements CertificateProblem {
        @Override
        public String code() {
            return "missing-file";
        }

        @Override
        public String message() {
            return "cannot find " + path + ": " + detail;
        }
    }

    /** A file that exists but cannot be read (permissions, a directory, too large). */
    record UnreadableFile(String path, String detail) implements CertificateProblem {
        @Override
        public String code() {
            return "unreadable-file";
        }

        @Override
        public String message() {
            return "cannot read " + path + ": " + detail;
        }
    }

    /** Text that is not PEM, or a PEM block whose content is damaged. {@code what} is "certificate" or "private key". */
    record Unparsable(String what, String detail) implements CertificateProblem {
        @Override
        public String code() {
            return "unparsable";
        }

        @Override
        public String message() {
            return "the " + what + " PEM cannot be parsed: " + detail;
        }
    }

    /** PEM text without any CERTIFICATE block. */
    record NoCertificate(String detail) implements CertificateProblem {
        @Override
        public String code() {
            return "no-certificate";
        }

        @Override
        public String message() {
            return "no certificate found: " + detail;
        }
    }

    /** PEM text without a usable private key block. */
    record NoKey(String detail) implements CertificateProblem {
        @Override
        public String code() {
            return "no-key";
        }

        @Override
        public String message() {
            return "no private key found: " + detail;
        }
    }

    /** A private key that does not belong to the first certificate of the chain. */
    record KeyMismatch(String subject) implements CertificateProblem {
        @Override
        public String code() {
            return "key-mismatch";
        }

        @Override
        public String message() {
            return "the private key does not match the certificate " + subject
                    + " (is the key from another certificate or an older renewal? certbot's pair is fullchain.pem"
                    + " + privkey.pem of the same lineage)";
        }
    }

    /** A certificate of the chain whose notAfter has passed. */
    record Expired(String subject, Instant notAfter) implements CertificateProblem {
        @Override
        public String code() {
            return "expired";
        }

        @Override
        public String message() {
            return "the certificate " + subject + " expired at " + notAfter;
        }
    }

    /** A certificate of the chain whose notBefore is still ahead (or a clock that is behind). */
    record NotYetValid(String subject, Instant notBefore) implements CertificateProblem {
        @Override
        public String code() {
            return "not-yet-valid";
        }

        @Override
        public String message() {
            return "the certificate " + subject + " is not valid before " + notBefore
                    + " (check this machine's clock if that date has passed)";
        }
    }
}
