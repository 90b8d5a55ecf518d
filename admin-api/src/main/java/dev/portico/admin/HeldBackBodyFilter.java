package dev.portico.admin;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Closes the connection after any answer given to a client that sent {@code Expect: 100-continue} and was never told
 * to continue (a 401, 413 or 415 decided on the headers alone). That client holds its body back and will not send it;
 * keeping the connection, the server would wait to drain a body that never comes, or take the client's next request
 * for it.
 */
final class HeldBackBodyFilter implements Filter {

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (req.headers().containsToken(HeaderValues.EXPECT_100)) {
            res.beforeSend(() -> {
                if (!req.continueSent()) {
                    res.header(HeaderValues.CONNECTION_CLOSE);
                }
            });
        }
        chain.proceed();
    }
}
