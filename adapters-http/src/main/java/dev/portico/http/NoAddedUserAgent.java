package dev.portico.http;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.WebClientServiceRequest;
import io.helidon.webclient.api.WebClientServiceResponse;
import io.helidon.webclient.spi.WebClientService;

/**
 * The webclient adds "User-Agent: Helidon 4.5.0" to every request that has none, after the caller's headers are
 * set; a proxy must not invent one for a client that sent none. Services run after that step, so this one takes
 * the header out again for requests marked with {@link #PROPERTY}.
 */
final class NoAddedUserAgent implements WebClientService {
    static final String PROPERTY = "portico.client-sent-no-user-agent";

    @Override
    public WebClientServiceResponse handle(Chain chain, WebClientServiceRequest request) {
        if (request.properties().containsKey(PROPERTY)) {
            request.headers().remove(HeaderNames.USER_AGENT);
        }
        return chain.proceed(request);
    }

    @Override
    public String type() {
        return "portico-no-added-user-agent";
    }

    @Override
    public String name() {
        return type();
    }
}
