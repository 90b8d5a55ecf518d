package dev.portico.http;

import io.helidon.common.Weight;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.http1.spi.Http1UpgradeProvider;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ServerConnection;

/**
 * Declines {@code Upgrade: h2c} on the proxy's listeners, so that such a request is proxied as the HTTP/1.1 request it
 * is (its Upgrade header dropped as hop-by-hop), as before HTTP/2 was added. Helidon's HTTP/2 module also brings an
 * h2c upgrader that cannot be switched off apart from HTTP/2 itself; this one takes its place by weight. The upgrade
 * is deprecated (RFC 9113, 3.1) and Helidon's would take a request without HTTP2-Settings too. HTTP/2 on a plain
 * listener is h2c with prior knowledge.
 */
@Weight(1000)
public final class H2cUpgradeRefusal implements Http1UpgradeProvider<WebSocketUpgradeProvider.Config> {
    /** Required by the service loader. */
    public H2cUpgradeRefusal() {
    }

    @Override
    public String protocolType() {
        return WebSocketUpgradeProvider.TYPE;
    }

    @Override
    public Class<WebSocketUpgradeProvider.Config> protocolConfigType() {
        return WebSocketUpgradeProvider.Config.class;
    }

    @Override
    public Http1Upgrader create(WebSocketUpgradeProvider.Config config, ProtocolConfigs configs) {
        return new Http1Upgrader() {
            @Override
            public String supportedProtocol() {
                return "h2c";
            }

            @Override
            public ServerConnection upgrade(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
                return null;
            }
        };
    }
}
