package dev.portico.domain.model;

import dev.portico.domain.validation.Errors;
import dev.portico.domain.validation.FieldError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostPatternTest {

    @ParameterizedTest(name = "''{0}'' is stored as {1}")
    @CsvSource(delimiter = '|', textBlock = """
            example.com             | example.com
            Example.COM             | example.com
            example.com.            | example.com
            '  example.com  '       | example.com
            localhost               | localhost
            127.0.0.1               | 127.0.0.1
            a-b.c-d.example         | a-b.c-d.example
            *.example.org           | *.example.org
            *.Example.ORG.          | *.example.org
            bücher.de               | xn--bcher-kva.de
            BÜCHER.de               | xn--bcher-kva.de
            *.bücher.de             | *.xn--bcher-kva.de
            例え.テスト               | xn--r8jz45g.xn--zckzah
            """)
    void normalisesCaseTrailingDotAndUnicode(String raw, String stored) {
        Errors errors = new Errors();

        HostPattern pattern = HostPattern.parse("hosts[0]", raw, errors);

        assertThat(errors.list()).isEmpty();
        assertThat(pattern.value()).isEqualTo(stored);
        assertThat(pattern.toString()).isEqualTo(stored);
    }

    @ParameterizedTest(name = "''{0}''")
    @NullAndEmptySource
    @ValueSource(strings = {"  ", "*", "*.", ".", "a.*.b", "*.*.example.com", "**.example.com", "*example.com",
            "ex ample.com", "example.com:80", "http://x", "a..b", ".example.com", "-a.example.com", "a-.example.com",
            "[::1]", "exa/mple.com", "exa%41mple.com"})
    void refusesWhatIsNotAHostNameNamingTheField(String raw) {
        Errors errors = new Errors();

        HostPattern pattern = HostPattern.parse("hosts[2]", raw, errors);

        assertThat(pattern).isNull();
        assertThat(errors.list()).extracting(FieldError::field).containsExactly("hosts[2]");
    }

    static Stream<String> tooLong() {
        String label63 = "a".repeat(63);
        return Stream.of(
                "a".repeat(64) + ".com",
                "*." + "b".repeat(64) + ".com",
                // 4 * 64 - 1 = 255 characters of valid labels.
                String.join(".", label63, label63, label63, label63),
                "*." + String.join(".", label63, label63, label63, "c".repeat(61)));
    }

    @ParameterizedTest
    @MethodSource("tooLong")
    void refusesLabelsLongerThan63AndNamesLongerThan253(String raw) {
        Errors errors = new Errors();

        assertThat(HostPattern.parse("hosts[0]", raw, errors)).isNull();
        assertThat(errors.list()).extracting(FieldError::field).containsExactly("hosts[0]");
    }

    @Test
    void acceptsA63CharacterLabelAndA253CharacterName() {
        String label63 = "a".repeat(63);
        String name253 = String.join(".", label63, label63, label63, "b".repeat(61));
        Errors errors = new Errors();

        assertThat(HostPattern.parse("hosts[0]", label63 + ".com", errors)).isNotNull();
        assertThat(HostPattern.parse("hosts[1]", name253, errors).value()).hasSize(253);
        assertThat(errors.list()).isEmpty();
    }

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            example.com     | example.com       | true
            example.com     | www.example.com   | false
            example.com     | example.co        | false
            *.example.org   | a.example.org     | true
            *.example.org   | a.b.example.org   | true
            *.example.org   | example.org       | false
            *.example.org   | .example.org      | false
            *.example.org   | aexample.org      | false
            *.example.org   | a.example.org.evil | false
            """)
    void exactNamesMatchThemselvesAndWildcardsMatchAnyDeeperName(String pattern, String host, boolean matches) {
        assertThat(new HostPattern(pattern).matches(host)).isEqualTo(matches);
    }

    @Test
    void aWildcardKnowsItsSuffix() {
        assertThat(new HostPattern("*.example.org").isWildcard()).isTrue();
        assertThat(new HostPattern("*.example.org").suffix()).isEqualTo(".example.org");
        assertThat(new HostPattern("example.org").isWildcard()).isFalse();
    }

    @Test
    void patternsWrittenDifferentlyButMeaningTheSameAreEqual() {
        Errors errors = new Errors();

        assertThat(HostPattern.parse("a", "WWW.Example.com.", errors)).isEqualTo(HostPattern.parse("b", "www.example.com", errors));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Example.com", "example.com.", "*", "a.*.b", "example.com:80"})
    void constructorAcceptsOnlyTheNormalisedForm(String value) {
        assertThatThrownBy(() -> new HostPattern(value)).isInstanceOf(IllegalArgumentException.class);
    }
}
