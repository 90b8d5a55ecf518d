package dev.portico.http.health;

import dev.portico.domain.health.HealthStatusSetter;
import dev.portico.domain.model.HealthCheck;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One target's active check on its own virtual thread: a GET every interval, counted into consecutive successes
 * and failures. Once {@code unhealthyAfter} failures in a row are seen the target is reported unhealthy; once
 * {@code healthyAfter} successes in a row are seen it is reported healthy, again after every further success, so
 * that a passive ejection ends at the next good probe.
 */
final class Probe implements Runnable {
    private static final System.Logger LOGGER = System.getLogger(Probe.class.getName());

    private final ActiveHealthChecks.Plan plan;
    private final HttpClient client;
    private final HealthStatusSetter health;
    private final HttpRequest request;
    private volatile boolean stopped;
    private Thread thread;

    private Probe(ActiveHealthChecks.Plan plan, HttpClient client, HealthStatusSetter health) {
        this.plan = plan;
        this.client = client;
        this.health = health;
        HealthCheck check = plan.check();
        this.request = HttpRequest.newBuilder(URI.create(plan.target().url() + check.path()))
                .timeout(check.timeout())
                .header("User-Agent", "portico-health-check")
                .GET()
                .build();
    }

    static Probe start(ActiveHealthChecks.Plan plan, HttpClient client, HealthStatusSetter health) {
        Probe probe = new Probe(plan, client, health);
        probe.thread = Thread.ofVirtual()
                .name("health " + plan.key().upstream() + " " + plan.target().url())
                .start(probe);
        return probe;
    }

    ActiveHealthChecks.Plan plan() {
        return plan;
    }

    Thread thread() {
        return thread;
    }

    void stop() {
        stopped = true;
        thread.interrupt();
    }

    @Override
    public void run() {
        HealthCheck check = plan.check();
        long interval = check.interval().toNanos();
        int successes = 0;
        int failures = 0;
        long next = System.nanoTime();
        while (!stopped) {
            Verdict verdict = probe(check);
            if (stopped) {
                return; // A probe cut short by stop() says nothing about the target.
            }
            if (verdict.healthy()) {
                failures = 0;
                successes++;
                if (successes >= check.healthyAfter()) {
                    health.setStatus(plan.key(), true, verdict.reason());
                }
            } else {
                successes = 0;
                failures++;
                if (failures >= check.unhealthyAfter()) {
                    health.setStatus(plan.key(), false, verdict.reason());
                }
            }
            // A fixed rate from the start of each probe; a probe that overran its slot is followed at once.
            next += interval;
            long wait = next - System.nanoTime();
            if (wait <= 0) {
                next = System.nanoTime();
            } else {
                LockSupport.parkNanos(this, wait);
            }
        }
    }

    private record Verdict(boolean healthy, String reason) {
    }

    private Verdict probe(HealthCheck check) {
        String what = "GET " + check.path();
        try {
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            return new Verdict(check.expects(status), what + " answered " + status
                    + (check.expects(status) ? "" : ", expected " + check.expectStatus()));
        } catch (HttpTimeoutException e) {
            return new Verdict(false, what + " timed out after " + TimeUnit.NANOSECONDS.toMillis(
                    check.timeout().toNanos()) + " ms");
        } catch (IOException e) {
            return new Verdict(false, what + " failed: " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Verdict(false, what + " interrupted");
        } catch (RuntimeException e) {
            LOGGER.log(System.Logger.Level.WARNING, "health probe of " + plan.target().url() + " failed", e);
            return new Verdict(false, what + " failed: " + describe(e));
        }
    }

    /** The innermost cause's message, which names what went wrong (e.g. "Connection refused"). */
    private static String describe(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }
}
