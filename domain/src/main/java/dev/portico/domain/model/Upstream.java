package dev.portico.domain.model;

import dev.portico.domain.validation.Errors;
import dev.portico.domain.validation.Validated;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A named set of targets that routes forward to, with how load is spread over them, how their health is judged and
 * how failed requests are retried.
 *
 * @param healthCheck the active check; empty when targets are only judged passively
 * @param tls         how the certificates of its https targets are verified; each such target carries it too
 */
public record Upstream(String name, List<Target> targets, Policy policy, HashOn hashOn,
                       Optional<HealthCheck> healthCheck, PassiveHealth passive, RetryPolicy retries,
                       UpstreamTls tls) {
    public static final int MAX_TARGETS = 256;

    public Upstream {
        ResourceName.require(name);
        Objects.requireNonNull(tls, "tls");
        UpstreamTls trust = tls;
        targets = targets.stream().map(target -> target.withTls(trust)).toList();
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(hashOn, "hashOn");
        Objects.requireNonNull(healthCheck, "healthCheck");
        Objects.requireNonNull(passive, "passive");
        Objects.requireNonNull(retries, "retries");
        if (targets.isEmpty() || targets.stream().noneMatch(t -> t.weight() > 0)) {
            throw new IllegalArgumentException("upstream " + name + " needs a target with a positive weight");
        }
    }

    /** Targets verified against the JDK's trusted CAs. */
    public Upstream(String name, List<Target> targets, Policy policy, HashOn hashOn,
                    Optional<HealthCheck> healthCheck, PassiveHealth passive, RetryPolicy retries) {
        this(name, targets, policy, hashOn, healthCheck, passive, retries, UpstreamTls.JDK_TRUST);
    }

    /** Round robin, passive health and retries at their defaults, no active check. */
    public Upstream(String name, List<Target> targets) {
        this(name, targets, Policy.ROUND_ROBIN, HashOn.CLIENT_IP, Optional.empty(), PassiveHealth.DEFAULT,
                RetryPolicy.DEFAULT);
    }

    /** One target as an operator wrote it: the URL and optional weight (default 1), limit (none) and drain flag. */
    public record TargetSpec(String url, Integer weight, Integer maxConnections, Boolean drain) {
        public TargetSpec(String url, Integer weight) {
            this(url, weight, null, null);
        }
    }

    /** The active check as written; absent fields take the defaults of {@link HealthCheck}. */
    public record HealthCheckSpec(String path, Long intervalMs, Long timeoutMs, Integer healthyAfter,
                                  Integer unhealthyAfter, String expectStatus) {
    }

    /** Passive health as written; absent fields take those of {@link PassiveHealth#DEFAULT}. */
    public record PassiveSpec(Integer maxFailures, Long windowMs, Long ejectMs, Long maxEjectMs, Boolean count5xx) {
    }

    /** Retries as written; absent fields take those of {@link RetryPolicy#DEFAULT}. */
    public record RetriesSpec(Integer attempts, Long totalTimeoutMs) {
    }

    /** An upstream as an operator wrote it; only the targets are required. */
    public record UpstreamSpec(List<TargetSpec> targets, String policy, String hashOn, HealthCheckSpec healthCheck,
                               PassiveSpec passive, RetriesSpec retries, UpstreamTls.TlsSpec tls) {
        /** Without a TLS setting: https targets are verified against the JDK's trusted CAs. */
        public UpstreamSpec(List<TargetSpec> targets, String policy, String hashOn, HealthCheckSpec healthCheck,
                            PassiveSpec passive, RetriesSpec retries) {
            this(targets, policy, hashOn, healthCheck, passive, retries, null);
        }

        public static UpstreamSpec of(List<TargetSpec> targets) {
            return new UpstreamSpec(targets, null, null, null, null, null);
        }
    }

    /** Checks an upstream given only its targets; every error is reported at once. */
    public static Validated<Upstream> parse(String name, List<TargetSpec> targets) {
        return parse(name, UpstreamSpec.of(targets));
    }

    /** Checks an upstream as an operator wrote it; every error is reported at once, each naming its field. */
    public static Validated<Upstream> parse(String name, UpstreamSpec spec) {
        Errors errors = new Errors();
        ResourceName.check("name", name, errors);
        List<TargetSpec> targets = spec.targets();
        List<Target> parsed = new ArrayList<>();
        // Where each URL first appeared, so that every repeat is reported, even beside other errors.
        Map<String, Integer> firstIndexOfUrl = new HashMap<>();
        if (targets == null || targets.isEmpty()) {
            errors.add("targets", "needs at least one target");
        } else if (targets.size() > MAX_TARGETS) {
            errors.add("targets", "has more than " + MAX_TARGETS + " targets");
        } else {
            for (int i = 0; i < targets.size(); i++) {
                TargetSpec target = targets.get(i);
                String field = "targets[" + i + "]";
                if (target == null) {
                    errors.add(field, "must be an object with a url");
                    continue;
                }
                switch (Target.parse(field, target.url(), target.weight(), target.maxConnections(), target.drain())) {
                    case Validated.Valid<Target> valid -> {
                        parsed.add(valid.value());
                        Integer first = firstIndexOfUrl.putIfAbsent(valid.value().url(), i);
                        if (first != null) {
                            errors.add(field + ".url", "repeats targets[" + first + "]; give it a larger weight instead");
                        }
                    }
                    case Validated.Invalid<Target> invalid -> errors.addAll(invalid.errors());
                }
            }
            // Only when every target was understood: an invalid one might have been the one with a weight.
            if (parsed.size() == targets.size() && parsed.stream().noneMatch(t -> t.weight() > 0)) {
                errors.add("targets", "needs at least one target with a weight above 0");
            }
        }
        Policy policy = Policy.ROUND_ROBIN;
        if (spec.policy() != null) {
            Optional<Policy> known = Policy.ofLabel(spec.policy());
            if (known.isEmpty()) {
                errors.add("policy", "must be one of " + Policy.labels());
            } else {
                policy = known.get();
            }
        }
        HashOn hashOn = HashOn.CLIENT_IP;
        if (spec.hashOn() != null) {
            Optional<HashOn> known = HashOn.ofLabel(spec.hashOn());
            if (known.isEmpty()) {
                errors.add("hashOn", "must be client_ip, header:<Name> or cookie:<name>, the name an HTTP token of at most "
                        + HashOn.MAX_NAME_LENGTH + " characters");
            } else if (policy != Policy.HASH) {
                errors.add("hashOn", "applies only to the hash policy");
            } else {
                hashOn = known.get();
            }
        }
        Optional<HealthCheck> healthCheck = spec.healthCheck() == null
                ? Optional.empty() : healthCheck(spec.healthCheck(), errors);
        PassiveHealth passive = spec.passive() == null ? PassiveHealth.DEFAULT : passive(spec.passive(), errors);
        RetryPolicy retries = spec.retries() == null ? RetryPolicy.DEFAULT : retries(spec.retries(), errors);
        UpstreamTls tls = UpstreamTls.JDK_TRUST;
        if (spec.tls() != null) {
            UpstreamTls parsedTls = UpstreamTls.parse(spec.tls(), errors);
            if (targets != null && parsed.size() == targets.size() && parsed.stream().noneMatch(Target::isHttps)) {
                errors.add("tls", "applies only to https:// targets, and this upstream has none");
            } else if (parsedTls != null) {
                tls = parsedTls;
            }
        }
        Policy finalPolicy = policy;
        HashOn finalHashOn = hashOn;
        UpstreamTls finalTls = tls;
        return errors.orValid(() -> new Upstream(name, parsed, finalPolicy, finalHashOn, healthCheck, passive, retries,
                finalTls));
    }

    private static Optional<HealthCheck> healthCheck(HealthCheckSpec spec, Errors errors) {
        int before = errors.list().size();
        String path = spec.path() == null ? HealthCheck.DEFAULT_PATH : spec.path();
        if (!Route.isValidPrefix(path)) {
            errors.add("healthCheck.path", "must start with '/' and be at most " + Route.MAX_PREFIX_LENGTH
                    + " characters of a URL path");
        }
        long maxInterval = HealthCheck.MAX_INTERVAL.toMillis();
        long interval = millis(errors, "healthCheck.intervalMs", spec.intervalMs(), HealthCheck.DEFAULT_INTERVAL,
                HealthCheck.MIN_INTERVAL.toMillis(), maxInterval);
        long timeout = millis(errors, "healthCheck.timeoutMs", spec.timeoutMs(), HealthCheck.DEFAULT_TIMEOUT,
                1, maxInterval);
        if (errors.list().size() == before && timeout > interval) {
            errors.add("healthCheck.timeoutMs", "must not exceed intervalMs (" + interval + ")");
        }
        int healthyAfter = count(errors, "healthCheck.healthyAfter", spec.healthyAfter(),
                HealthCheck.DEFAULT_HEALTHY_AFTER, 1, HealthCheck.MAX_THRESHOLD);
        int unhealthyAfter = count(errors, "healthCheck.unhealthyAfter", spec.unhealthyAfter(),
                HealthCheck.DEFAULT_UNHEALTHY_AFTER, 1, HealthCheck.MAX_THRESHOLD);
        int[] expect = statusRange(spec.expectStatus() == null ? HealthCheck.DEFAULT_EXPECT : spec.expectStatus());
        if (expect == null) {
            errors.add("healthCheck.expectStatus", "must be a status such as 200 or a range such as 200-399, within 100-599");
        }
        if (errors.list().size() != before) {
            return Optional.empty();
        }
        return Optional.of(new HealthCheck(path, Duration.ofMillis(interval), Duration.ofMillis(timeout),
                healthyAfter, unhealthyAfter, expect[0], expect[1]));
    }

    private static PassiveHealth passive(PassiveSpec spec, Errors errors) {
        int before = errors.list().size();
        PassiveHealth d = PassiveHealth.DEFAULT;
        long max = PassiveHealth.MAX_DURATION.toMillis();
        int maxFailures = count(errors, "passive.maxFailures", spec.maxFailures(), d.maxFailures(), 0,
                PassiveHealth.MAX_FAILURES);
        long window = millis(errors, "passive.windowMs", spec.windowMs(), d.window(), 1, max);
        long eject = millis(errors, "passive.ejectMs", spec.ejectMs(), d.ejectFor(), 1, max);
        long maxEject = millis(errors, "passive.maxEjectMs", spec.maxEjectMs(),
                spec.ejectMs() != null && spec.ejectMs() > d.maxEjectFor().toMillis() ? Duration.ofMillis(spec.ejectMs())
                        : d.maxEjectFor(), 1, max);
        if (errors.list().size() == before && maxEject < eject) {
            errors.add("passive.maxEjectMs", "must be at least ejectMs (" + eject + ")");
        }
        if (errors.list().size() != before) {
            return d;
        }
        return new PassiveHealth(maxFailures, Duration.ofMillis(window), Duration.ofMillis(eject),
                Duration.ofMillis(maxEject), Boolean.TRUE.equals(spec.count5xx()));
    }

    private static RetryPolicy retries(RetriesSpec spec, Errors errors) {
        int before = errors.list().size();
        int attempts = count(errors, "retries.attempts", spec.attempts(), RetryPolicy.DEFAULT.attempts(), 0,
                RetryPolicy.MAX_ATTEMPTS);
        long total = millis(errors, "retries.totalTimeoutMs", spec.totalTimeoutMs(), RetryPolicy.DEFAULT.totalTimeout(),
                1, RetryPolicy.MAX_TOTAL_TIMEOUT.toMillis());
        return errors.list().size() != before ? RetryPolicy.DEFAULT : new RetryPolicy(attempts, Duration.ofMillis(total));
    }

    private static long millis(Errors errors, String field, Long value, Duration fallback, long min, long max) {
        if (value == null) {
            return fallback.toMillis();
        }
        if (value < min || value > max) {
            errors.add(field, "must be between " + min + " and " + max);
            return fallback.toMillis();
        }
        return value;
    }

    private static int count(Errors errors, String field, Integer value, int fallback, int min, int max) {
        if (value == null) {
            return fallback;
        }
        if (value < min || value > max) {
            errors.add(field, "must be between " + min + " and " + max);
            return fallback;
        }
        return value;
    }

    /** {@code 200} or {@code 200-399} as [low, high]; null when malformed or outside 100-599. */
    static int[] statusRange(String text) {
        if (!text.matches("[1-5][0-9][0-9](-[1-5][0-9][0-9])?")) {
            return null;
        }
        int low = Integer.parseInt(text.substring(0, 3));
        int high = text.length() == 3 ? low : Integer.parseInt(text.substring(4));
        return low <= high ? new int[]{low, high} : null;
    }
}
