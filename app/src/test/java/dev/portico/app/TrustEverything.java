package dev.portico.app;

import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;

/** For tests that look at what Portico serves over TLS, whatever certificate that is. */
final class TrustEverything implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
