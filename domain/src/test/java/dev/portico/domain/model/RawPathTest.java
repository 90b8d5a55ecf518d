package dev.portico.domain.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class RawPathTest {

    @ParameterizedTest
    @ValueSource(strings = {"/api/../admin", "/api/./x", "/..", "/.", "/a/..", "/api/%2e%2e/admin", "/api/%2E%2e/admin",
            "/api/.%2e/admin", "/api/..%2fadmin", "/api/..%2Fadmin", "/api/..%5cadmin", "/api\\..\\admin", "/%2e/x"})
    void pathsThatCouldClimbOutOfTheirPrefixAreRecognised(String path) {
        assertThat(RawPath.hasDotSegment(path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/api/users", "/file.txt", "/a..b/c", "/...", "/.well-known/acme", "/v1.2/x",
            "/a%2Fb", "/%7Euser", "/a%2", "/a%", "/x/..y", "/x/y.."})
    void ordinaryPathsPass(String path) {
        assertThat(RawPath.hasDotSegment(path)).isFalse();
    }
}
