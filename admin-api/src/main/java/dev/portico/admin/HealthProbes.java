package dev.portico.admin;

import dev.portico.domain.model.Readiness;
import dev.portico.domain.port.ReadReadiness;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Set;

/**
 * {@code GET /healthz} (the process is alive and answering) and {@code GET /readyz} (it should be sent traffic: 200,
 * or 503 with the reasons), answered without a token: load balancers and orchestrators probe them, and they reveal
 * nothing an operator would keep secret. On the admin listener, and on the health listener when one is configured.
 */
public final class HealthProbes {
    /** The paths the admin API's token filter lets through. */
    static final Set<String> PATHS = Set.of("/healthz", "/readyz");

    private final ReadReadiness readiness;
    private final Replies replies = new Replies(new AdminJson());

    public HealthProbes(ReadReadiness readiness) {
        this.readiness = readiness;
    }

    public void register(HttpRouting.Builder routing) {
        routing.get("/healthz", (req, res) -> answer(res, Status.OK_200, new AliveJson("alive")))
                .get("/readyz", (req, res) -> {
                    Readiness now = readiness.readiness();
                    answer(res, now.ready() ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, ReadinessJson.of(now));
                });
    }

    private void answer(ServerResponse res, Status status, Object body) {
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        replies.json(res, status, body);
    }

    record AliveJson(String status) {
    }

    /** {@code {"status":"ready","revision":12,"database":"reachable","reasons":[]}}. */
    record ReadinessJson(String status, long revision, String database, List<String> reasons) {
        static ReadinessJson of(Readiness readiness) {
            return new ReadinessJson(readiness.ready() ? "ready" : "not ready", readiness.revision(),
                    readiness.database(), readiness.reasons());
        }
    }
}
