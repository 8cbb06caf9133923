package io.vmnetd.daemon.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.vmnetd.daemon.config.ConfigException;
import io.vmnetd.daemon.config.ConfigProblem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The one JSON dialect of the API: what the core returns, and the shape of every error. */
final class ApiJson {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .registerModule(new SimpleModule("vmnetd-api")
                    // Without jackson-datatype-jdk8 an Optional would be refused; absent means null here.
                    .addSerializer(new OptionalSerializer())
                    // Jackson's default writes a file: URI; operators expect the path as they wrote it.
                    .addSerializer(Path.class, ToStringSerializer.instance));

    private ApiJson() {}

    static byte[] toJson(Object value) throws JsonProcessingException {
        return MAPPER.writeValueAsBytes(value);
    }

    static byte[] error(String message) {
        return errorWithField(message, "");
    }

    static byte[] errorWithField(String message, String field) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        if (!field.isEmpty()) {
            body.put("field", field);
        }
        return write(body);
    }

    /** The first problem up front, so a client that reads only "error" still gets the gist; then all of them. */
    static byte[] configError(ConfigException e) {
        List<ConfigProblem> problems = e.problems();
        ConfigProblem first = problems.get(0);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", first.message());
        body.put("field", first.field());
        body.put("problems", problems.stream().map(ApiJson::problem).toList());
        return write(body);
    }

    private static Map<String, Object> problem(ConfigProblem p) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("source", p.source());
        entry.put("line", p.line());
        entry.put("column", p.column());
        entry.put("field", p.field());
        entry.put("message", p.message());
        return entry;
    }

    private static byte[] write(Map<String, Object> body) {
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("plain maps of strings always serialise", e);
        }
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final class OptionalSerializer extends StdSerializer<Optional> {
        private static final long serialVersionUID = 1L;

        OptionalSerializer() {
            super(Optional.class);
        }

        @Override
        public void serialize(Optional value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            provider.defaultSerializeValue(value.orElse(null), gen);
        }
    }
}
