package dev.portico.http;

import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.http1.spi.Http1UpgradeProvider;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ProtocolConfig;

import java.util.List;

/**
 * Puts Portico's WebSocket proxy on a listener. Helidon finds upgrade providers only through the service loader
 * (META-INF/services), so this one is found on every listener, but takes part only on those whose protocols include a
 * {@link Config} ({@link Proxy#configure}): the admin listener never upgrades.
 */
public final class WebSocketUpgradeProvider implements Http1UpgradeProvider<WebSocketUpgradeProvider.Config> {
    static final String TYPE = "portico-websocket";
    /**
     * The Upgrade values taken as WebSocket. The token is case-insensitive (RFC 6455, 4.2.1), but Helidon looks the
     * header's value up exactly, one upgrader per spelling: these are the ones clients send ("WebSocket" by some older
     * libraries); any other is forwarded as a plain request, its Upgrade header dropped as hop-by-hop.
     */
    static final List<String> SPELLINGS = List.of("websocket", "WebSocket", "Websocket", "WEBSOCKET");

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
                return config.spelling();
            }

            @Override
            public io.helidon.webserver.spi.ServerConnection upgrade(io.helidon.webserver.ConnectionContext ctx,
                                                                     io.helidon.http.HttpPrologue prologue,
                                                                     io.helidon.http.WritableHeaders<?> headers) {
                return proxy.upgrade(ctx, prologue, headers);
            }
        };
    }

    /** The listeners' protocol entries, one per spelling, that carry the proxy to the upgraders. */
    static List<Config> configs(WebSocketProxy proxy) {
        return SPELLINGS.stream().map(spelling -> new Config(proxy, spelling)).toList();
    }

    /** A listener's protocol entry that carries the proxy to the upgrader of one spelling of the Upgrade value. */
    record Config(WebSocketProxy proxy, String spelling) implements ProtocolConfig {
        @Override
        public String name() {
            return TYPE + "-" + spelling;
        }

        @Override
        public String type() {
            return TYPE;
        }
    }
}
