package dev.portico.http.tls;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code openssl s_client -servername} sees of a listener, verifying against the test root in root.pem. */
final class OpensslProbe {
    static final Pattern FIRST_CERTIFICATE = Pattern.compile(
            "-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\\n", Pattern.DOTALL);

    private OpensslProbe() {
    }

    static Openssl.Result sClient(Path directory, int port, String serverName) {
        return Openssl.run(directory, "", "s_client", "-connect", "127.0.0.1:" + port, "-servername", serverName,
                "-CAfile", "root.pem", "-verify_return_error", "-verify_hostname", serverName);
    }

    /** The subject, serial and expiry of the certificate presented for {@code serverName}, as openssl prints them. */
    static String presented(Path directory, int port, String serverName) {
        Openssl.Result result = sClient(directory, port, serverName);
        assertThat(result.exitCode()).as("s_client for %s: %s", serverName, result.stderr()).isZero();
        assertThat(result.stdout()).contains("Verify return code: 0 (ok)");
        Matcher certificate = FIRST_CERTIFICATE.matcher(result.stdout());
        assertThat(certificate.find()).as("s_client printed the server certificate").isTrue();
        return Openssl.exec(directory, certificate.group(), List.of("openssl", "x509", "-noout", "-subject",
                "-serial", "-enddate")).stdout().strip().replace('\n', ' ');
    }
}
