package dev.portico.domain.service;

import dev.portico.domain.model.AdminToken;
import dev.portico.domain.model.TokenScope;
import dev.portico.domain.model.ResourceName;
import dev.portico.domain.port.AuthenticateAdmin;
import dev.portico.domain.port.Change;
import dev.portico.domain.port.ManageTokens;
import dev.portico.domain.port.Revocation;
import dev.portico.domain.port.TokenCreation;
import dev.portico.domain.port.TokenStore;
import dev.portico.domain.validation.Errors;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Admin tokens: creating the first one, checking presented secrets against stored hashes in constant time, and
 * creating and revoking tokens on an operator's request. A change is effective on this node with the next request:
 * the cache of tokens is reloaded before the change is answered.
 */
public final class AdminTokens implements AuthenticateAdmin, ManageTokens {
    /** The name of the token created on first start. */
    public static final String INITIAL_TOKEN_NAME = "admin";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TokenStore store;
    private final Clock clock;
    private final AtomicReference<List<AdminToken>> tokens = new AtomicReference<>(List.of());
    /** Serialises reloads, so that one that read the store before a revocation cannot overwrite one that read after. */
    private final ReentrantLock reloading = new ReentrantLock();

    public AdminTokens(TokenStore store, Clock clock) {
        this.store = Objects.requireNonNull(store);
        this.clock = Objects.requireNonNull(clock);
    }

    /** How the initial admin token came to be, so that the caller can tell the operator where to find it. */
    public sealed interface InitialToken {
        /** The configured secret was stored as the admin token. */
        enum FromConfiguration implements InitialToken { INSTANCE }

        /** Tokens were stored already; nothing changed. */
        enum AlreadyStored implements InitialToken { INSTANCE }

        /** A new random secret was generated and stored (as a hash); the caller must hand it to the operator. */
        record Generated(String secret) implements InitialToken {
            @Override
            public String toString() {
                return "Generated[secret=<hidden>]";
            }
        }
    }

    /**
     * Makes sure an admin token exists. A configured secret (PORTICO_ADMIN_TOKEN) always becomes the initial
     * admin token, so an operator can set or rotate it from the environment; without one, a random secret is
     * generated only when no token is stored yet.
     */
    public InitialToken bootstrap(Optional<String> configuredSecret) {
        InitialToken outcome;
        if (configuredSecret.isPresent() && !configuredSecret.get().isBlank()) {
            store.save(token(INITIAL_TOKEN_NAME, configuredSecret.get(), TokenScope.ADMIN));
            outcome = InitialToken.FromConfiguration.INSTANCE;
        } else if (!store.tokens().isEmpty()) {
            outcome = InitialToken.AlreadyStored.INSTANCE;
        } else {
            String secret = newSecret();
            outcome = store.saveIfAbsent(token(INITIAL_TOKEN_NAME, secret, TokenScope.ADMIN))
                    ? new InitialToken.Generated(secret)
                    : InitialToken.AlreadyStored.INSTANCE;
        }
        reload();
        return outcome;
    }

    /** Re-reads the stored tokens (after a change, or another node's). */
    public void reload() {
        reloading.lock();
        try {
            tokens.set(List.copyOf(store.tokens()));
        } finally {
            reloading.unlock();
        }
    }

    @Override
    public Optional<AdminToken> authenticate(String presentedSecret) {
        if (presentedSecret == null || presentedSecret.isEmpty()) {
            return Optional.empty();
        }
        byte[] presented = sha256(presentedSecret);
        AdminToken match = null;
        // Compare against every token, always: the time taken says nothing about which one, or how much, matched.
        for (AdminToken token : tokens.get()) {
            if (MessageDigest.isEqual(presented, HexFormat.of().parseHex(token.sha256Hex())) && match == null) {
                match = token;
            }
        }
        return Optional.ofNullable(match);
    }

    @Override
    public List<AdminToken> tokens() {
        return store.tokens();
    }

    @Override
    public TokenCreation createToken(String name, String scope, Change change) {
        Errors errors = new Errors();
        ResourceName.check("name", name, errors);
        TokenScope parsed = TokenScope.parse("scope", scope, errors);
        if (!errors.isEmpty()) {
            return new TokenCreation.Rejected(errors.list());
        }
        String secret = newSecret();
        AdminToken token = token(name, secret, parsed);
        if (!store.create(token, change)) {
            return TokenCreation.Duplicate.INSTANCE;
        }
        reload();
        return new TokenCreation.Created(token, secret);
    }

    @Override
    public Revocation revokeToken(String name, Change change) {
        Revocation outcome = store.revoke(name, change);
        if (outcome == Revocation.REVOKED) {
            reload();
        }
        return outcome;
    }

    public AdminToken token(String name, String secret, TokenScope scope) {
        // Microseconds, as both databases keep them: the creation time answered is then the one listed later.
        return new AdminToken(name, HexFormat.of().formatHex(sha256(secret)), scope,
                clock.instant().truncatedTo(ChronoUnit.MICROS));
    }

    /** 256 random bits, URL-safe so that it survives shells and headers unquoted. */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "ptc_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
