package dev.portico.admin;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.portico.domain.model.ConfigurationSpec;
import dev.portico.domain.validation.FieldError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The admin API's JSON. Reading is strict, because a lenient reader turns operator mistakes into silently different
 * configuration: unknown fields (a typo such as {@code pathprefix}) are errors, and so are strings where numbers or
 * booleans belong ({@code "1"}, {@code "true"}), fractions where whole numbers belong, repeated keys and trailing
 * content. Every fault is reported with the JSON path of its field.
 */
final class AdminJson {
    static final String JSON = "application/json";
    static final String PROBLEM_JSON = "application/problem+json";
    /** Jackson's pointer to an unclosed array or object: {@code (start marker at [Source: ...; line: 1, column: 1])} */
    private static final Pattern START_MARKER =
            Pattern.compile("\\(start marker at \\[.*?line: (\\d+), column: (\\d+)\\]\\)");

    private final JsonMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // ALLOW_COERCION_OF_SCALARS still lets numbers and booleans become strings; refuse that too.
            .withCoercionConfig(LogicalType.Textual, config -> config
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            // Unknown fields are found beforehand, all of them at once; binding then only has to check types.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /**
     * Binds a body to a request record (whose components are strings, numbers, booleans, records, lists of them or
     * maps from names to them).
     * The JSON is parsed whole first, so that malformed input is told apart from well-formed input of the wrong shape;
     * then every unknown field is named, and the first value of a wrong type.
     */
    <T extends Record> T decode(byte[] body, Class<T> type) {
        JsonNode tree;
        try {
            tree = mapper.readTree(body);
        } catch (JsonMappingException e) {
            // Of databind's checks, only FAIL_ON_TRAILING_TOKENS applies to reading a tree.
            throw refused(Problem.badBody("must be one JSON object with nothing after it" + where(e.getLocation())));
        } catch (JsonProcessingException e) {
            throw refused(Problem.badBody(malformed(e) + where(e.getLocation())));
        } catch (IOException e) {
            throw new UncheckedIOException("reading from a byte array failed", e);
        }
        if (tree == null || !tree.isObject()) {
            throw refused(Problem.badBody("must be a JSON object"));
        }
        List<FieldError> errors = new ArrayList<>();
        unknownFields(tree, type, "", errors);
        T value = null;
        try {
            value = mapper.treeToValue(tree, type);
        } catch (JsonMappingException e) {
            errors.add(new FieldError(path(e), wrongValue(e)));
        } catch (JsonProcessingException e) {
            errors.add(new FieldError(Problem.BODY, "cannot be read"));
        }
        if (!errors.isEmpty()) {
            throw refused(invalid(errors));
        }
        return value;
    }

    byte[] encode(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    static Problem invalid(List<FieldError> errors) {
        return Problem.badRequest("The request has " + (errors.size() == 1 ? "an invalid field" : errors.size()
                + " invalid fields") + "; nothing was changed. See errors.", errors);
    }

    private static ProblemException refused(Problem problem) {
        return new ProblemException(problem);
    }

    /** Jackson's account of malformed JSON, without its references to its own configuration. */
    private static String malformed(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException) {
            return "is nested too deeply, or holds a number, string or name too long to read";
        }
        return "is not valid JSON: "
                + START_MARKER.matcher(e.getOriginalMessage()).replaceAll("(opened at line $1, column $2)");
    }

    private static String where(JsonLocation location) {
        // Limits such as the nesting depth are reported without a location.
        return location == null || location.getLineNr() < 0 ? ""
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    /** Adds an error for each field of {@code node}, at any depth, that {@code type} does not have. */
    private static void unknownFields(JsonNode node, Type type, String path, List<FieldError> errors) {
        if (type instanceof Class<?> record && record.isRecord() && node.isObject()) {
            Map<String, Type> known = new LinkedHashMap<>();
            for (RecordComponent component : record.getRecordComponents()) {
                known.put(component.getName(), component.getGenericType());
            }
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String fieldPath = member(path, field.getKey());
                Type fieldType = known.get(field.getKey());
                if (fieldType == null) {
                    errors.add(new FieldError(fieldPath, unknownMessage(field.getKey(), known.keySet())));
                } else {
                    unknownFields(field.getValue(), fieldType, fieldPath, errors);
                }
            }
        } else if (type instanceof ParameterizedType list && List.class.equals(list.getRawType()) && node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                unknownFields(node.get(i), list.getActualTypeArguments()[0], path + "[" + i + "]", errors);
            }
        } else if (type instanceof ParameterizedType map && Map.class.equals(map.getRawType()) && node.isObject()) {
            // Keys are names chosen by the operator, not fields: only what is under them can be unknown.
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                String entryPath = member(path, entry.getKey());
                unknownFields(entry.getValue(), map.getActualTypeArguments()[1], entryPath, errors);
            }
        }
    }

    /** The path of a member of the object at {@code path}. */
    private static String member(String path, String key) {
        String shown = ConfigurationSpec.shown(key);
        return path.isEmpty() ? shown : path + "." + shown;
    }

    private static String unknownMessage(String name, Collection<String> known) {
        Optional<String> meant = known.stream().filter(k -> k.equalsIgnoreCase(name)).findFirst();
        return meant.map(m -> "is not a known field; did you mean '" + m + "'?")
                .orElse("is not a known field; known fields are " + String.join(", ", known));
    }

    /** {@code targets[0].weight} from Jackson's path; empty (the whole body) becomes {@link Problem#BODY}. */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.replace(0, path.length(), member(path.toString(), ref.getFieldName()));
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? Problem.BODY : path.toString();
    }

    /** Says what the field should have been, in JSON's words rather than Java's. */
    private static String wrongValue(JsonMappingException e) {
        if (e.getCause() instanceof InputCoercionException) {
            return "is a number out of range";
        }
        Class<?> expected = e instanceof MismatchedInputException mismatch ? mismatch.getTargetType() : null;
        if (expected == null) {
            return "has a value that cannot be used here";
        }
        if (expected == String.class) {
            return "must be a string";
        }
        if (Arrays.asList(Integer.class, Long.class, int.class, long.class).contains(expected)) {
            return "must be a whole number";
        }
        if (expected == Boolean.class || expected == boolean.class) {
            return "must be true or false";
        }
        if (Collection.class.isAssignableFrom(expected)) {
            return "must be an array";
        }
        if (Map.class.isAssignableFrom(expected)) {
            return "must be a JSON object of entries by name";
        }
        return expected.isRecord() ? "must be a JSON object" : "has a value of the wrong type";
    }
}
