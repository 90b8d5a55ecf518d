package dev.portico.admin;

import dev.portico.domain.model.UpstreamTls;

/** How an upstream's https targets are verified, as written and as shown: the CA bundle they are checked against. */
record TlsRequest(String caPem) {

    UpstreamTls.TlsSpec spec() {
        return new UpstreamTls.TlsSpec(caPem);
    }

    /** Null for the JDK's trusted CAs, so that the field is left out. */
    static TlsRequest of(UpstreamTls tls) {
        return tls.caPem().map(TlsRequest::new).orElse(null);
    }
}
