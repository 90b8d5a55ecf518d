package dev.portico.domain.model;

import dev.portico.domain.validation.FieldError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.portico.domain.Outcomes.errors;
import static dev.portico.domain.Outcomes.valid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TargetTest {

    @ParameterizedTest(name = "{0} -> {1}://{2}:{3} base ''{4}''")
    @CsvSource(delimiter = '|', emptyValue = "", textBlock = """
            http://127.0.0.1:9001           | http  | 127.0.0.1      | 9001 | ''
            http://example.com              | http  | example.com    | 80   | ''
            https://example.com             | https | example.com    | 443  | ''
            https://example.com:8443        | https | example.com    | 8443 | ''
            http://example.com:80           | http  | example.com    | 80   | ''
            HTTP://Example.COM:81           | http  | example.com    | 81   | ''
            http://example.com/             | http  | example.com    | 80   | ''
            http://example.com/base         | http  | example.com    | 80   | /base
            http://example.com/base/        | http  | example.com    | 80   | /base
            http://example.com/a/b//        | http  | example.com    | 80   | /a/b
            http://example.com:9000/a%20b   | http  | example.com    | 9000 | /a%20b
            http://[::1]:8080               | http  | [::1]          | 8080 | ''
            https://[::1]/api               | https | [::1]          | 443  | /api
            http://localhost:65535          | http  | localhost      | 65535 | ''
            http://localhost:1              | http  | localhost      | 1    | ''
            """)
    void parsesValidUrlsWithDefaultPortsAndTrimmedBasePath(String url, String scheme, String host, int port,
                                                            String basePath) {
        Target target = valid(Target.parse("targets[0]", url, null));

        assertThat(target.scheme()).isEqualTo(scheme);
        assertThat(target.host()).isEqualTo(host);
        assertThat(target.port()).isEqualTo(port);
        assertThat(target.basePath()).isEqualTo(basePath);
    }

    @Test
    void weightDefaultsToOne() {
        assertThat(valid(Target.parse("targets[0]", "http://h:1", null)).weight()).isEqualTo(Target.DEFAULT_WEIGHT).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, Target.MAX_WEIGHT})
    void acceptsWeightsFromZeroToTheMaximum(int weight) {
        assertThat(valid(Target.parse("targets[0]", "http://h:1", weight)).weight()).isEqualTo(weight);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, Target.MAX_WEIGHT + 1, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void refusesWeightOutOfRangeNamingTheWeightField(int weight) {
        assertThat(errors(Target.parse("targets[3]", "http://h:1", weight)))
                .extracting(FieldError::field).containsExactly("targets[3].weight");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ftp://example.com               | http:// or https://
            ws://example.com:80             | http:// or https://
            example.com:8080                | http:// or https://
            //example.com                   | http:// or https://
            http:///path                    | host
            http://                         | not a valid URL
            http://user@example.com         | user information
            http://user:pw@example.com:81   | user information
            http://example.com/?q=1         | query or fragment
            http://example.com/#top         | query or fragment
            http://example.com?             | query or fragment
            http://example.com:0            | invalid port
            http://example.com:65536        | invalid port
            http://example.com:99999999999  | invalid port
            http://example.com:abc          | invalid port
            http://example.com:             | invalid port
            http://[::1]:                   | invalid port
            http://my_host:8080             | no valid host name
            http://exa mple.com             | not a valid URL
            """)
    void refusesBadUrlsNamingTheUrlField(String url, String reason) {
        assertThat(errors(Target.parse("targets[0]", url, 1)))
                .isNotEmpty()
                .allSatisfy(error -> assertThat(error.field()).isEqualTo("targets[0].url"))
                .anySatisfy(error -> assertThat(error.message()).contains(reason));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  "})
    void requiresAUrl(String url) {
        assertThat(errors(Target.parse("targets[1]", url, null)))
                .containsExactly(new FieldError("targets[1].url", "is required"));
    }

    @Test
    void reportsABadUrlAndABadWeightTogether() {
        assertThat(errors(Target.parse("targets[0]", "ftp://x", -5)))
                .extracting(FieldError::field).containsExactlyInAnyOrder("targets[0].url", "targets[0].weight");
    }

    @Test
    void refusesAUrlLongerThanTheStoreKeeps() {
        String longPath = "/" + "a".repeat(Target.MAX_URL_LENGTH);

        assertThat(errors(Target.parse("targets[0]", "http://h" + longPath, null)))
                .extracting(FieldError::field).containsExactly("targets[0].url");
    }

    @ParameterizedTest(name = "{0}: authority {1}, origin {2}, url {3}")
    @CsvSource(delimiter = '|', textBlock = """
            http://example.com          | example.com       | http://example.com:80      | http://example.com:80
            http://example.com:80/b     | example.com       | http://example.com:80      | http://example.com:80/b
            https://example.com         | example.com       | https://example.com:443    | https://example.com:443
            https://example.com:80      | example.com:80    | https://example.com:80     | https://example.com:80
            http://example.com:443      | example.com:443   | http://example.com:443     | http://example.com:443
            http://127.0.0.1:9001/base/ | 127.0.0.1:9001    | http://127.0.0.1:9001      | http://127.0.0.1:9001/base
            http://[::1]:8080           | [::1]:8080        | http://[::1]:8080          | http://[::1]:8080
            http://[::1]                | [::1]             | http://[::1]:80            | http://[::1]:80
            """)
    void authorityOmitsTheDefaultPortWhileOriginAlwaysHasIt(String url, String authority, String origin, String shown) {
        Target target = valid(Target.parse("t", url, null));

        assertThat(target.authority()).isEqualTo(authority);
        assertThat(target.origin()).isEqualTo(origin);
        assertThat(target.url()).isEqualTo(shown);
    }

    @Test
    void constructorRefusesWhatParseWouldRefuse() {
        assertThatThrownBy(() -> new Target("ftp", "h", 80, "", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Target("http", "", 80, "", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Target("http", "h", 0, "", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Target("http", "h", 80, "/b/", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Target("http", "h", 80, "b", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Target("http", "h", 80, "", -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
