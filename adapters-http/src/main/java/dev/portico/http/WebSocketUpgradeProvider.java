package dev.portico.http;

import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.http1.spi.Http1UpgradeProvider;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ProtocolConfig;

/**
 * Puts Portico's WebSocket proxy on a listener. Helidon finds upgrade providers only through the service loader
 * (META-INF/services), so this one is found on every listener, but takes part only on those whose protocols include a
 * {@link Config} ({@link Proxy#configure}): the admin listener never upgrades.
 */
public final class WebSocketUpgradeProvider implements Http1UpgradeProvider<WebSocketUpgradeProvider.Config> {
    static final String TYPE = "portico-websocket";

    /** Required by the service loader. */
    public WebSocketUpgradeProvider() {
    }

    @Override
    public String protocolType() {
        return TYPE;
    }

    @Override
    public Class<Config> protocolConfigType() {
        return Config.class;
    }

    @Override
    public Http1Upgrader create(Config config, ProtocolConfigs configs) {
        WebSocketProxy proxy = config.proxy();
        return new Http1Upgrader() {
            @Override
            public String supportedProtocol() {
                return "websocket";
            }

            @Override
            public io.helidon.webserver.spi.ServerConnection upgrade(io.helidon.webserver.ConnectionContext ctx,
                                                                     io.helidon.http.HttpPrologue prologue,
                                                                     io.helidon.http.WritableHeaders<?> headers) {
                return proxy.upgrade(ctx, prologue, headers);
            }
        };
    }

    /** The listener's protocol entry that carries the proxy to the upgrader. */
    record Config(WebSocketProxy proxy) implements ProtocolConfig {
        @Override
        public String name() {
            return TYPE;
        }

        @Override
        public String type() {
            return TYPE;
        }
    }
}
