package dev.portico.domain.service;

import dev.portico.domain.fakes.InMemoryConfigStore;
import dev.portico.domain.fakes.InMemoryTokenStore;
import dev.portico.domain.model.AdminToken;
import dev.portico.domain.model.AuditEntry;
import dev.portico.domain.model.TokenScope;
import dev.portico.domain.port.Change;
import dev.portico.domain.port.Revocation;
import dev.portico.domain.port.TokenCreation;
import dev.portico.domain.service.AdminTokens.InitialToken;
import dev.portico.domain.validation.FieldError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class AdminTokensTest {
    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
    private final InMemoryTokenStore store = new InMemoryTokenStore();
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    /** A new process on the same store, as after a restart. */
    AdminTokens start() {
        return new AdminTokens(store, clock);
    }

    static String sha256Hex(String secret) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aConfiguredSecretIsStoredAsItsHashAndAuthenticates() throws Exception {
        AdminTokens tokens = start();

        InitialToken outcome = tokens.bootstrap(Optional.of("s3cret-from-env"));

        assertThat(outcome).isSameAs(InitialToken.FromConfiguration.INSTANCE);
        assertThat(store.tokens()).singleElement().satisfies(token -> {
            assertThat(token.name()).isEqualTo(AdminTokens.INITIAL_TOKEN_NAME);
            assertThat(token.scope()).isEqualTo(TokenScope.ADMIN);
            assertThat(token.createdAt()).isEqualTo(NOW);
            assertThat(token.sha256Hex()).isEqualTo(sha256Hex("s3cret-from-env")).doesNotContain("s3cret");
        });
        assertThat(tokens.authenticate("s3cret-from-env")).get().extracting(AdminToken::name).isEqualTo("admin");
    }

    @Test
    void changingTheConfiguredSecretOnALaterStartReplacesTheToken() {
        start().bootstrap(Optional.of("first"));

        AdminTokens restarted = start();
        InitialToken outcome = restarted.bootstrap(Optional.of("second"));

        assertThat(outcome).isSameAs(InitialToken.FromConfiguration.INSTANCE);
        assertThat(store.tokens()).hasSize(1);
        assertThat(restarted.authenticate("second")).isPresent();
        assertThat(restarted.authenticate("first")).isEmpty();
    }

    @Test
    void withoutAConfiguredSecretAGeneratedOneAuthenticatesAndIsKeptOnTheNextStart() throws Exception {
        AdminTokens tokens = start();

        InitialToken outcome = tokens.bootstrap(Optional.empty());

        assertThat(outcome).isInstanceOf(InitialToken.Generated.class);
        String secret = ((InitialToken.Generated) outcome).secret();
        assertThat(secret).startsWith("ptc_");
        assertThat(outcome.toString()).doesNotContain(secret.substring(4));
        assertThat(tokens.authenticate(secret)).isPresent();
        AdminToken stored = store.tokens().getFirst();
        assertThat(stored.sha256Hex()).isEqualTo(sha256Hex(secret)).isNotEqualTo(secret);

        AdminTokens restarted = start();
        assertThat(restarted.bootstrap(Optional.empty())).isSameAs(InitialToken.AlreadyStored.INSTANCE);
        assertThat(store.tokens()).containsExactly(stored);
        assertThat(restarted.authenticate(secret)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void aBlankConfiguredSecretCountsAsNone(String blank) {
        AdminTokens tokens = start();

        InitialToken outcome = tokens.bootstrap(Optional.of(blank));

        assertThat(outcome).isInstanceOf(InitialToken.Generated.class);
        assertThat(tokens.authenticate(blank)).isEmpty();
    }

    @Test
    void aConfiguredSecretReplacesAGeneratedOne() {
        String generated = ((InitialToken.Generated) start().bootstrap(Optional.empty())).secret();

        AdminTokens restarted = start();
        restarted.bootstrap(Optional.of("from-env"));

        assertThat(restarted.authenticate("from-env")).isPresent();
        assertThat(restarted.authenticate(generated)).isEmpty();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"wrong", "s3cre", "s3crett", "s3cret ", " s3cret", "S3CRET"})
    void refusesAnyOtherSecret(String presented) {
        AdminTokens tokens = start();
        tokens.bootstrap(Optional.of("s3cret"));

        assertThat(tokens.authenticate(presented)).isEmpty();
        assertThat(tokens.authenticate("s3cret")).isPresent();
    }

    @Test
    void knowsNoTokenBeforeLoadingAnyAndSeesAnotherNodesTokenAfterAReload() {
        AdminTokens tokens = start();
        assertThat(tokens.authenticate("reader-secret")).isEmpty();

        store.save(tokens.token("reader", "reader-secret", TokenScope.READ));
        assertThat(tokens.authenticate("reader-secret")).isEmpty();

        tokens.reload();
        assertThat(tokens.authenticate("reader-secret")).get().extracting(AdminToken::scope).isEqualTo(TokenScope.READ);
    }

    @Test
    void authenticatesEachSecretAsItsOwnToken() {
        AdminTokens tokens = start();
        tokens.bootstrap(Optional.of("admin-secret"));
        store.save(tokens.token("ci", "ci-secret", TokenScope.WRITE));
        tokens.reload();

        assertThat(tokens.authenticate("ci-secret")).get().extracting(AdminToken::name).isEqualTo("ci");
        assertThat(tokens.authenticate("admin-secret")).get().extracting(AdminToken::name).isEqualTo("admin");
    }

    @Test
    void newSecretsAreUrlSafeAndDistinct() {
        Set<String> secrets = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            secrets.add(AdminTokens.newSecret());
        }

        assertThat(secrets).hasSize(100).allSatisfy(secret -> assertThat(secret).matches("ptc_[A-Za-z0-9_-]{43}"));
    }

    @Test
    void scopesIncludeTheOnesBeforeThem() {
        assertThat(TokenScope.ADMIN.allows(TokenScope.WRITE)).isTrue();
        assertThat(TokenScope.WRITE.allows(TokenScope.READ)).isTrue();
        assertThat(TokenScope.READ.allows(TokenScope.READ)).isTrue();
        assertThat(TokenScope.READ.allows(TokenScope.WRITE)).isFalse();
        assertThat(TokenScope.WRITE.allows(TokenScope.ADMIN)).isFalse();
    }

    @Test
    void aCreatedTokenAuthenticatesAtOnceWithTheSecretAnsweredOnce() {
        AdminTokens tokens = start();
        tokens.bootstrap(Optional.of("admin-secret"));

        TokenCreation outcome = tokens.createToken("ci", "write", new Change("admin", "POST"));

        assertThat(outcome).isInstanceOf(TokenCreation.Created.class);
        TokenCreation.Created created = (TokenCreation.Created) outcome;
        assertThat(created.secret()).startsWith("ptc_");
        assertThat(created.toString()).doesNotContain(created.secret());
        assertThat(created.token().scope()).isEqualTo(TokenScope.WRITE);
        assertThat(tokens.authenticate(created.secret())).get().extracting(AdminToken::name).isEqualTo("ci");
        assertThat(tokens.tokens()).extracting(AdminToken::name).containsExactly("admin", "ci");
        assertThat(store.tokens()).allSatisfy(t -> assertThat(t.sha256Hex()).isNotEqualTo(created.secret()));
    }

    @Test
    void aDuplicateNameOrAnInvalidNameOrScopeCreatesNothing() {
        AdminTokens tokens = start();
        tokens.bootstrap(Optional.of("admin-secret"));

        assertThat(tokens.createToken("admin", "read", new Change("admin", "POST")))
                .isSameAs(TokenCreation.Duplicate.INSTANCE);
        assertThat(tokens.createToken("bad name", "root", new Change("admin", "POST")))
                .isInstanceOfSatisfying(TokenCreation.Rejected.class, rejected -> assertThat(rejected.errors())
                        .extracting(FieldError::field).containsExactly("name", "scope"));
        assertThat(tokens.createToken("ci", null, new Change("admin", "POST")))
                .isInstanceOf(TokenCreation.Rejected.class);
        assertThat(tokens.createToken("ci", "READ", new Change("admin", "POST")))
                .as("scopes are written in lower case").isInstanceOf(TokenCreation.Rejected.class);
        assertThat(store.tokens()).extracting(AdminToken::name).containsExactly("admin");
    }

    @Test
    void aRevokedTokenFailsOnTheVeryNextAuthentication() {
        AdminTokens tokens = start();
        tokens.bootstrap(Optional.of("admin-secret"));
        String secret = ((TokenCreation.Created) tokens.createToken("ci", "read", new Change("admin", "POST"))).secret();
        assertThat(tokens.authenticate(secret)).isPresent();

        assertThat(tokens.revokeToken("ci", new Change("admin", "DELETE"))).isEqualTo(Revocation.REVOKED);

        assertThat(tokens.authenticate(secret)).isEmpty();
        assertThat(tokens.revokeToken("ci", new Change("admin", "DELETE"))).isEqualTo(Revocation.NOT_FOUND);
    }

    @Test
    void theLastAdminTokenCannotBeRevokedButAnyOtherAdminCan() {
        AdminTokens tokens = start();
        tokens.bootstrap(Optional.of("admin-secret"));
        tokens.createToken("ops", "admin", new Change("admin", "POST"));
        tokens.createToken("ci", "write", new Change("admin", "POST"));

        assertThat(tokens.revokeToken("admin", new Change("ops", "DELETE"))).isEqualTo(Revocation.REVOKED);
        assertThat(tokens.revokeToken("ops", new Change("ops", "DELETE"))).isEqualTo(Revocation.LAST_ADMIN);

        assertThat(store.tokens()).extracting(AdminToken::name).containsExactly("ci", "ops");
    }

    @Test
    void tokenChangesAreAuditedWithoutTheirSecrets() {
        InMemoryConfigStore configStore = new InMemoryConfigStore();
        InMemoryTokenStore audited = new InMemoryTokenStore(configStore, clock);
        AdminTokens tokens = new AdminTokens(audited, clock);
        tokens.bootstrap(Optional.of("admin-secret"));

        String secret = ((TokenCreation.Created) tokens.createToken("ci", "read", new Change("admin", "POST"))).secret();
        tokens.revokeToken("ci", new Change("admin", "DELETE"));
        tokens.revokeToken("admin", new Change("admin", "DELETE"));

        assertThat(configStore.auditLog().latest(10)).extracting(AuditEntry::actor, AuditEntry::method,
                AuditEntry::resource, AuditEntry::summary).containsExactly(
                tuple("admin", "DELETE", "tokens/ci", "revoked"),
                tuple("admin", "POST", "tokens/ci", "created with scope read"));
        assertThat(configStore.auditLog().latest(10).toString()).doesNotContain(secret);
    }
}
