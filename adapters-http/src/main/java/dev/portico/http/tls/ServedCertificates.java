package dev.portico.http.tls;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable index of the certificates a listener serves, built once per change and read by every handshake
 * without locking. A server name is looked up by exact name, then by wildcard ({@code *.example.com} covers exactly
 * one more label: {@code a.example.com}, not {@code example.com} nor {@code a.b.example.com}), then the default
 * certificate. The first of these that knows the name decides: a name with its own RSA certificate is never served
 * the default's EC certificate just because the client asked for EC first.
 *
 * <p>When several certificates cover the same name the one expiring last wins (a fresh renewal registered under a
 * new name takes over from the old one at once), then the lower name, so the choice never depends on map order.
 */
public final class ServedCertificates {
    private static final ServedCertificates NONE = new ServedCertificates(List.of(), Optional.empty(), Map.of());
    private static final Comparator<Served> PREFERENCE = Comparator
            .comparing((Served served) -> served.bundle().details().notAfter()).reversed()
            .thenComparing(served -> served.bundle().name());

    private final List<CertificateBundle> bundles;
    private final Optional<String> defaultName;
    private final Map<String, List<Served>> exact;
    private final Map<String, List<Served>> wildcard;
    private final List<Served> fallback;
    private final Map<String, Served> byAlias;
    // Earlier snapshots' aliases: the JDK asks for an alias, then separately for its key and chain, and rotations
    // may land in between; on a loaded machine a handshake can straddle several. Keeping the last MAX_RETIRED
    // certificates served lets such a handshake finish with what it chose.
    private final Map<String, Served> retired;
    static final int MAX_RETIRED = 256;

    private ServedCertificates(List<CertificateBundle> bundles, Optional<String> defaultName,
                               Map<String, Served> retired) {
        this.bundles = List.copyOf(bundles);
        this.defaultName = defaultName;
        this.retired = retired;
        Map<String, List<Served>> exactNames = new HashMap<>();
        Map<String, List<Served>> wildcardParents = new HashMap<>();
        Map<String, Served> aliases = new LinkedHashMap<>();
        List<Served> defaults = new ArrayList<>();
        for (CertificateBundle bundle : this.bundles) {
            Served served = aliases.computeIfAbsent(alias(bundle), alias -> new Served(alias, bundle));
            for (String name : bundle.details().serverNames()) {
                if (name.startsWith("*.") && name.indexOf('*', 1) < 0) {
                    wildcardParents.computeIfAbsent(name.substring(2), parent -> new ArrayList<>()).add(served);
                } else if (name.indexOf('*') < 0) {
                    exactNames.computeIfAbsent(name, exactName -> new ArrayList<>()).add(served);
                }
                // Partial wildcards (f*.example.com) are not honoured by browsers either: they select nothing.
            }
            if (defaultName.filter(bundle.name()::equals).isPresent()) {
                defaults.add(served);
            }
        }
        this.exact = sorted(exactNames);
        this.wildcard = sorted(wildcardParents);
        this.fallback = List.copyOf(defaults);
        this.byAlias = Map.copyOf(aliases);
    }

    /** Serves nothing: every handshake fails. */
    public static ServedCertificates none() {
        return NONE;
    }

    /**
     * An index of {@code bundles}; the bundle registered as {@code defaultName}, if present, answers names no
     * certificate covers and clients that send no SNI at all.
     */
    public static ServedCertificates of(Collection<CertificateBundle> bundles, Optional<String> defaultName) {
        Objects.requireNonNull(defaultName, "defaultName");
        return new ServedCertificates(List.copyOf(bundles), defaultName, Map.of());
    }

    /** This index, remembering {@code previous}'s aliases for handshakes that straddle the swap. */
    ServedCertificates succeeding(ServedCertificates previous) {
        LinkedHashMap<String, Served> kept = new LinkedHashMap<>(previous.retired);
        previous.byAlias.forEach((alias, served) -> {
            kept.remove(alias);
            kept.put(alias, served);
        });
        var oldest = kept.keySet().iterator();
        for (int excess = kept.size() - MAX_RETIRED; excess > 0; excess--) {
            oldest.next();
            oldest.remove();
        }
        return new ServedCertificates(bundles, defaultName, Collections.unmodifiableMap(kept));
    }

    /** The certificates in this index. */
    public List<CertificateBundle> bundles() {
        return bundles;
    }

    /** The name of the default certificate, if one is configured (it may be absent from the index). */
    public Optional<String> defaultName() {
        return defaultName;
    }

    /**
     * The certificate to present for {@code serverName} (empty when the client sent no SNI) to a client that asked
     * for a key of type {@code keyType} ("RSA", "EC"), or empty when this index has none: then the handshake fails.
     */
    public Optional<CertificateBundle> select(Optional<String> serverName, String keyType) {
        return choose(serverName, keyType).map(Served::bundle);
    }

    /** Whether a handshake for {@code serverName} finds a certificate (by name or by default) for some key type. */
    public boolean recognizes(String serverName) {
        return !candidates(Optional.of(serverName)).isEmpty();
    }

    /** Whether a handshake without SNI finds a certificate for some key type: whether the default is installed. */
    public boolean servesClientsWithoutServerName() {
        return !fallback.isEmpty();
    }

    Optional<Served> choose(Optional<String> serverName, String keyType) {
        for (Served served : candidates(serverName)) {
            if (served.bundle().keyType().equals(keyType)) {
                return Optional.of(served);
            }
        }
        return Optional.empty();
    }

    /** The entry behind an alias handed to the JDK by this index or by the one it replaced. */
    Optional<Served> served(String alias) {
        Served served = byAlias.get(alias);
        return Optional.ofNullable(served != null ? served : retired.get(alias));
    }

    List<String> aliases(String keyType) {
        return byAlias.values().stream().filter(served -> served.bundle().keyType().equals(keyType))
                .map(Served::alias).toList();
    }

    private List<Served> candidates(Optional<String> serverName) {
        if (serverName.isEmpty()) {
            return fallback;
        }
        String name = PemBundleReader.normalized(serverName.get());
        List<Served> byName = exact.get(name);
        if (byName != null) {
            return byName;
        }
        int firstDot = name.indexOf('.');
        if (firstDot > 0) {
            List<Served> byWildcard = wildcard.get(name.substring(firstDot + 1));
            if (byWildcard != null) {
                return byWildcard;
            }
        }
        return fallback;
    }

    private static Map<String, List<Served>> sorted(Map<String, List<Served>> index) {
        Map<String, List<Served>> result = new HashMap<>();
        index.forEach((name, served) -> result.put(name, served.stream().distinct().sorted(PREFERENCE).toList()));
        return Map.copyOf(result);
    }

    /**
     * An alias names the exact certificate and key, not the registration: the same content always gets the same
     * alias, so a key and a chain fetched by one alias always belong together.
     */
    private static String alias(CertificateBundle bundle) {
        return bundle.keyType() + ":" + bundle.details().sha256Fingerprint().replace(":", "");
    }

    /** One certificate as the JDK sees it: an alias, a chain array and a key. */
    record Served(String alias, CertificateBundle bundle) {
        X509Certificate[] chain() {
            return bundle.chain().toArray(new X509Certificate[0]);
        }
    }
}
