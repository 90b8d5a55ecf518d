package dev.portico.persistence;

import dev.portico.domain.model.AdminToken;
import dev.portico.domain.model.AuditEntry;
import dev.portico.domain.model.TokenScope;
import dev.portico.domain.port.Change;
import dev.portico.domain.port.Revocation;
import dev.portico.domain.port.TokenStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.portico.persistence.Fixtures.upstream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** What every TokenStore on a real database must do; one subclass per database. */
abstract class TokenStoreContract {
    /** Has nanoseconds, which neither database keeps. */
    private static final Instant CREATED = Instant.parse("2025-03-30T01:30:00.123456789Z");

    /** Opens this test's database: a fresh one on the first call, the same one again on later calls. */
    protected abstract Database openDatabase();

    @Test
    void aSavedTokenComesBackWithItsHashScopeAndCreationTimeToTheMicrosecond() {
        try (Database db = openDatabase()) {
            db.tokenStore().save(token("ops", 1, TokenScope.WRITE, CREATED));

            assertThat(db.tokenStore().tokens()).containsExactly(
                    token("ops", 1, TokenScope.WRITE, CREATED.truncatedTo(ChronoUnit.MICROS)));
        }
    }

    @Test
    void savingATokenAgainReplacesTheOneOfTheSameName() {
        try (Database db = openDatabase()) {
            TokenStore store = db.tokenStore();
            store.save(token("ops", 1, TokenScope.READ, CREATED));
            AdminToken replacement = token("ops", 2, TokenScope.ADMIN, Instant.parse("2026-01-01T00:00:00Z"));

            store.save(replacement);

            assertThat(store.tokens()).containsExactly(replacement);
        }
    }

    @Test
    void saveIfAbsentCreatesOnlyWhileTheNameIsFree() {
        try (Database db = openDatabase()) {
            TokenStore store = db.tokenStore();
            AdminToken first = token("bootstrap", 1, TokenScope.ADMIN, Instant.parse("2025-01-01T00:00:00Z"));

            assertThat(store.saveIfAbsent(first)).isTrue();
            assertThat(store.saveIfAbsent(token("bootstrap", 2, TokenScope.READ, CREATED))).isFalse();

            assertThat(store.tokens()).containsExactly(first);
        }
    }

    @Test
    void anInsertThatHitsTheKeyOfAnotherNodesTokenAnswersFalse() {
        try (Database db = openDatabase()) {
            AdminToken mine = token("shared", 1, TokenScope.ADMIN, Instant.parse("2025-01-01T00:00:00Z"));
            AdminToken theirs = token("shared", 2, TokenScope.READ, Instant.parse("2025-01-01T00:00:00Z"));
            // The other node's insert lands after our look-up found the name free: only the key can tell.
            boolean theirsInserted = db.jdbi().withHandle(handle -> JdbiTokenStore.insert(handle, theirs));

            boolean mineInserted = db.jdbi().withHandle(handle -> JdbiTokenStore.insert(handle, mine));

            assertThat(theirsInserted).isTrue();
            assertThat(mineInserted).isFalse();

            assertThat(db.tokenStore().tokens()).containsExactly(theirs);
        }
    }

    @Test
    void ofManyConcurrentSaveIfAbsentCallsForOneNameExactlyOneWins() throws Exception {
        try (Database db = openDatabase();
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch go = new CountDownLatch(1);
            List<AdminToken> candidates = new ArrayList<>();
            List<Future<Boolean>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                AdminToken candidate = token("bootstrap", i, TokenScope.ADMIN, Instant.parse("2025-01-01T00:00:00Z"));
                candidates.add(candidate);
                answers.add(threads.submit(() -> {
                    go.await();
                    return db.tokenStore().saveIfAbsent(candidate);
                }));
            }
            go.countDown();

            List<AdminToken> winners = new ArrayList<>();
            for (int i = 0; i < answers.size(); i++) {
                if (answers.get(i).get()) {
                    winners.add(candidates.get(i));
                }
            }
            assertThat(winners).hasSize(1);
            assertThat(db.tokenStore().tokens()).containsExactlyElementsOf(winners);
        }
    }

    @Test
    void tokensAreOrderedByName() {
        try (Database db = openDatabase()) {
            TokenStore store = db.tokenStore();
            for (String name : List.of("ci", "Admin", "backup", "a-1")) {
                store.save(token(name, 1, TokenScope.READ, CREATED));
            }

            assertThat(store.tokens()).extracting(AdminToken::name).containsExactly("Admin", "a-1", "backup", "ci");
        }
    }

    @Test
    void tokenWritesLeaveTheConfigurationRevisionAlone() {
        try (Database db = openDatabase()) {
            db.configStore().saveUpstream(upstream("u", 1));

            db.tokenStore().save(token("ops", 1, TokenScope.READ, CREATED));
            db.tokenStore().saveIfAbsent(token("ci", 1, TokenScope.READ, CREATED));

            assertThat(db.configStore().revision()).isEqualTo(1);
        }
    }

    @Test
    void createStoresATokenOnceAndAuditsItWithoutItsHash() {
        try (Database db = openDatabase()) {
            db.configStore().saveUpstream(upstream("u", 1));
            AdminToken ci = token("ci", 1, TokenScope.READ, CREATED);

            assertThat(db.tokenStore().create(ci, new Change("admin", "POST"))).isTrue();
            assertThat(db.tokenStore().create(token("ci", 2, TokenScope.ADMIN, CREATED), new Change("admin", "POST")))
                    .isFalse();

            assertThat(db.tokenStore().tokens()).containsExactly(
                    token("ci", 1, TokenScope.READ, CREATED.truncatedTo(ChronoUnit.MICROS)));
            assertThat(db.auditLog().latest(10)).first().satisfies(entry -> {
                assertThat(entry.actor()).isEqualTo("admin");
                assertThat(entry.method()).isEqualTo("POST");
                assertThat(entry.resource()).isEqualTo("tokens/ci");
                assertThat(entry.summary()).isEqualTo("created with scope read").doesNotContain(ci.sha256Hex());
                assertThat(entry.revision()).as("the configuration revision, unchanged").isEqualTo(1);
            });
            assertThat(db.auditLog().latest(10)).hasSize(2);
            assertThat(db.configStore().revision()).isEqualTo(1);
        }
    }

    @Test
    void revokingDeletesAndAuditsUnlessTheTokenIsUnknownOrTheLastAdmin() {
        try (Database db = openDatabase()) {
            TokenStore store = db.tokenStore();
            store.save(token("root", 1, TokenScope.ADMIN, CREATED));
            store.save(token("ops", 2, TokenScope.ADMIN, CREATED));
            store.save(token("ci", 3, TokenScope.WRITE, CREATED));
            Change admin = new Change("root", "DELETE");

            assertThat(store.revoke("ci", admin)).isEqualTo(Revocation.REVOKED);
            assertThat(store.revoke("ci", admin)).isEqualTo(Revocation.NOT_FOUND);
            assertThat(store.revoke("ops", admin)).isEqualTo(Revocation.REVOKED);
            assertThat(store.revoke("root", admin)).isEqualTo(Revocation.LAST_ADMIN);

            assertThat(store.tokens()).extracting(AdminToken::name).containsExactly("root");
            assertThat(db.auditLog().latest(10)).extracting(AuditEntry::resource, AuditEntry::summary)
                    .containsExactly(tuple("tokens/ops", "revoked"), tuple("tokens/ci", "revoked"));
        }
    }

    @Test
    void concurrentRevocationsOfEveryAdminTokenLeaveExactlyOne() throws Exception {
        int admins = 8;
        try (Database db = openDatabase();
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < admins; i++) {
                db.tokenStore().save(token("admin-" + i, i, TokenScope.ADMIN, CREATED));
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Revocation>> answers = new ArrayList<>();
            for (int i = 0; i < admins; i++) {
                String name = "admin-" + i;
                answers.add(threads.submit(() -> {
                    go.await();
                    return db.tokenStore().revoke(name, new Change(name, "DELETE"));
                }));
            }
            go.countDown();

            List<Revocation> outcomes = new ArrayList<>();
            for (Future<Revocation> answer : answers) {
                outcomes.add(answer.get());
            }
            assertThat(outcomes).filteredOn(o -> o == Revocation.REVOKED).hasSize(admins - 1);
            assertThat(outcomes).filteredOn(o -> o == Revocation.LAST_ADMIN).hasSize(1);
            assertThat(db.tokenStore().tokens()).hasSize(1);
            assertThat(db.auditLog().latest(100)).hasSize(admins - 1);
        }
    }

    /** A token whose hash is told apart by {@code seed}. */
    private static AdminToken token(String name, int seed, TokenScope scope, Instant createdAt) {
        byte[] hash = new byte[32];
        hash[0] = (byte) seed;
        hash[31] = (byte) (seed * 7 + 1);
        return new AdminToken(name, HexFormat.of().formatHex(hash), scope, createdAt);
    }
}
